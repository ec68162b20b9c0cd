using RnnGen.IO;
using S = RnnGen.IO.Onnx.OnnxSchema;

namespace RnnGen.IO.Onnx;

/// <summary>What <see cref="OnnxExporter"/> writes besides the layers.</summary>
public sealed class OnnxExportOptions
{
    /// <summary>
    /// Adds the int32 input <c>lengths</c> <c>[batch]</c>: the recurrent operators get it as <c>sequence_lens</c>, and
    /// per-step outputs past a sequence's length are zero, as <c>Predict</c> with lengths gives them. Default true.
    /// </summary>
    public bool SequenceLengths { get; init; } = true;
}

/// <summary>
/// Writes a sequential model as an ONNX graph (opset 14) of standard operators: <c>Gather</c> for an embedding,
/// <c>LSTM</c>/<c>GRU</c>/<c>RNN</c> for recurrent layers, <c>Gemm</c> or <c>MatMul</c> + <c>Add</c> for dense layers
/// and their activation. Inputs: <c>input</c> float <c>[batch, time, InputSize]</c> (or <c>tokens</c> int64
/// <c>[batch, time]</c>) and, by default, <c>lengths</c> int32 <c>[batch]</c>; output: <c>output</c>
/// <c>[batch, time, OutputSize]</c> or <c>[batch, OutputSize]</c>. Dropout is left out (inference graph).
/// </summary>
public static class OnnxExporter
{
    /// <summary>Name of the float input <c>[batch, time, InputSize]</c>.</summary>
    public const string InputName = "input";
    /// <summary>Name of the token input <c>[batch, time]</c> (int64) of a model that starts with an embedding.</summary>
    public const string TokensName = "tokens";
    /// <summary>Name of the optional int32 input <c>[batch]</c>: each sequence's real length.</summary>
    public const string LengthsName = "lengths";
    /// <summary>Name of the output.</summary>
    public const string OutputName = "output";

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> (a temporary file, then a move).</summary>
    /// <exception cref="NotSupportedException">The model has a part ONNX's operators cannot express; the message names it.</exception>
    public static void Save(string path, ILayerStack model, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        AtomicFile.Write(path, ToBytes(model, options));
    }

    /// <summary>The ONNX ModelProto of <paramref name="model"/>.</summary>
    /// <exception cref="NotSupportedException">The model has a part ONNX's operators cannot express; the message names it.</exception>
    public static byte[] ToBytes(ILayerStack model, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new OnnxExportOptions();
        IReadOnlyList<Layer> layers = model.Layers;
        if (layers.Count == 0)
        {
            throw new ArgumentException("ONNX export: the model has no layers.", nameof(model));
        }

        if (model.OutputRecurrence)
        {
            throw new NotSupportedException($"ONNX export: layer '{layers[0].Name}' reads the model's previous output with each input (OutputRecurrence = true); "
                + "ONNX's LSTM, GRU and RNN operators take only the given sequence, so the feedback loop cannot be expressed. Export a model without output recurrence.");
        }

        if (layers.OfType<RecurrentLayer>().FirstOrDefault(r => r.ProjectionSize > 0) is { } projected)
        {
            throw new NotSupportedException($"ONNX export: layer '{projected.Name}' is an LSTM with a projection (ProjectionSize = {projected.ProjectionSize}, "
                + $"h = W_hr (o ⊙ tanh(c)) of {projected.ProjectionSize} units); ONNX's LSTM operator has no projection, so the layer cannot be expressed. "
                + "Export a model without ProjectionSize.");
        }

        var graph = new OnnxGraph(new OnnxGraphWriter());
        return graph.Build(model, layers, options.SequenceLengths);
    }

    /// <summary>The graph under construction; internal tensors are time-major, <c>[T, B, F]</c>, as the recurrent operators take them.</summary>
    private sealed class OnnxGraph(OnnxGraphWriter g)
    {
        private readonly Dictionary<long, string> _int64Scalars = [];

        public byte[] Build(ILayerStack model, IReadOnlyList<Layer> layers, bool withLengths)
        {
            string input = model.TakesTokens ? TokensName : InputName;
            if (model.TakesTokens)
            {
                g.Input(TokensName, S.Tensor.Int64, "batch", "time");
            }
            else
            {
                g.Input(InputName, S.Tensor.Float, "batch", "time", model.ModelInputSize);
            }

            string? lengths = null;
            if (withLengths)
            {
                g.Input(LengthsName, S.Tensor.Int32, "batch");
                lengths = LengthsName;
            }

            string x = g.Op("Transpose", "time_major", [input], new OnnxAttribute("perm", Ints: model.TakesTokens ? [1, 0] : [1, 0, 2]));
            bool sequence = true;
            for (int i = 0; i < layers.Count; i++)
            {
                Layer layer = layers[i];
                switch (layer)
                {
                    case EmbeddingLayer embedding when i == 0 && model.TakesTokens:
                        // x[T, B, D] = weight[tokens]
                        x = g.Op("Gather", $"{embedding.Name}/Gather", [Float($"{embedding.Name}.weight", embedding.Weight), x]);
                        break;
                    case RecurrentLayer { ConditionSize: > 0 } conditioned:
                        throw new NotSupportedException($"ONNX export: layer '{conditioned.Name}' is [Conditioned] on a vector of {conditioned.ConditionSize} floats per sequence, "
                            + "which the exported graph has no input for. Export a model without [Conditioned].");
                    case RecurrentLayer recurrent when sequence:
                        x = Recurrent(recurrent, x, lengths);
                        sequence = recurrent.ReturnSequences;
                        break;
                    case DenseLayer dense:
                        x = Dense(dense, x, sequence);
                        break;
                    default:
                        throw new NotSupportedException($"ONNX export: layer '{layer.Name}' ({layer.GetType().Name}) at position {i} has no counterpart in a sequential ONNX graph "
                            + "(an embedding comes first in a token model, a recurrent layer reads a sequence; attention belongs to encoder-decoder models, which are not exported).");
                }
            }

            int outputSize = layers[^1].OutputSize;
            if (sequence)
            {
                x = g.Op("Transpose", "batch_major", [x], new OnnxAttribute("perm", Ints: [1, 0, 2]));
                if (lengths is not null)
                {
                    x = ZeroPaddedSteps(x, input, lengths);
                }

                g.Op("Identity", OutputName, [x]);
                g.Output(OutputName, S.Tensor.Float, "batch", "time", outputSize);
            }
            else
            {
                g.Op("Identity", OutputName, [x]);
                g.Output(OutputName, S.Tensor.Float, "batch", outputSize);
            }

            return g.ToModel("RnnGen", typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0");
        }

        private string Recurrent(RecurrentLayer r, string x, string? lengths)
        {
            string n = r.Name;
            int H = r.Units, I = r.InputSize, directions = r.Bidirectional ? 2 : 1;
            int[] order = OnnxGates.Order(r.Cell);
            int G = order.Length;
            float[] w = new float[directions * G * H * I], rec = new float[directions * G * H * H], bias = new float[directions * 2 * G * H];
            float[]? peep = r.Peepholes ? new float[directions * 3 * H] : null;
            for (int d = 0; d < directions; d++)
            {
                string suffix = d == 0 ? string.Empty : "_reverse";
                OnnxGates.ToOnnx(Tensor(r, "weight_ih_l0" + suffix), w.AsSpan(d * G * H * I), order, H * I);
                OnnxGates.ToOnnx(Tensor(r, "weight_hh_l0" + suffix), rec.AsSpan(d * G * H * H), order, H * H);
                // B = [W_b; R_b]: RnnGen's single bias (SimpleRnn, LSTM, reset-before GRU) is W_b with R_b zero; reset-after GRU has both
                OnnxGates.ToOnnx(Tensor(r, "bias_ih_l0" + suffix), bias.AsSpan(d * 2 * G * H), order, H);
                if (r.ResetAfter)
                {
                    OnnxGates.ToOnnx(Tensor(r, "bias_hh_l0" + suffix), bias.AsSpan(d * 2 * G * H + G * H), order, H);
                }

                if (peep is not null)
                {
                    OnnxGates.ToOnnx(Tensor(r, "weight_peephole_l0" + suffix), peep.AsSpan(d * 3 * H), OnnxGates.Peepholes, H);
                }
            }

            string op = r.Cell switch { CellKind.Lstm => "LSTM", CellKind.Gru => "GRU", _ => "RNN" };
            var inputs = new List<string>
            {
                x,
                g.Initializer($"{n}.W", [directions, G * H, I], w),
                g.Initializer($"{n}.R", [directions, G * H, H], rec),
                g.Initializer($"{n}.B", [directions, 2 * G * H], bias),
                lengths ?? string.Empty,
            };
            if (peep is not null)
            {
                inputs.AddRange([string.Empty, string.Empty, g.Initializer($"{n}.P", [directions, 3 * H], peep)]);
            }

            var attributes = new List<OnnxAttribute>
            {
                new("hidden_size", Int: H),
                new("direction", Text: r.Bidirectional ? "bidirectional" : "forward"),
            };
            if (r.Cell == CellKind.Gru)
            {
                attributes.Add(new("linear_before_reset", Int: r.ResetAfter ? 1 : 0));
            }
            else if (r.Cell == CellKind.SimpleRnn)
            {
                string activation = r.Activation switch
                {
                    Activation.Tanh => "Tanh",
                    Activation.Relu => "Relu",
                    Activation.Sigmoid => "Sigmoid",
                    _ => throw new NotSupportedException($"ONNX export: layer '{n}': a SimpleRnn cell with activation {r.Activation} has no ONNX RNN activation (Tanh, Relu, Sigmoid)."),
                };
                attributes.Add(new("activations", Strings: Enumerable.Repeat(activation, directions).ToArray()));
            }

            // Y[T, directions, B, H], Y_h[directions, B, H]
            string[] outputs = g.Node(op, $"{n}/{op}", [.. inputs], 2, [.. attributes]);
            if (r.ReturnSequences)
            {
                string merged = directions == 1
                    ? g.Op("Squeeze", $"{n}/Squeeze", [outputs[0], Int64s($"{n}/axes", [1])])
                    : Merge(r, g.Op("Gather", $"{n}/Forward", [outputs[0], Scalar(0)], new OnnxAttribute("axis", Int: 1)),
                        g.Op("Gather", $"{n}/Backward", [outputs[0], Scalar(1)], new OnnxAttribute("axis", Int: 1)), axis: 2);
                return r.Residual ? g.Op("Add", $"{n}/Residual", [merged, x]) : merged;
            }

            if (r.Residual)
            {
                throw new NotSupportedException($"ONNX export: layer '{n}' adds its input to its last step only; a residual connection needs ReturnSequences = true.");
            }

            return directions == 1
                ? g.Op("Squeeze", $"{n}/Squeeze", [outputs[1], Int64s($"{n}/axes", [0])])
                : Merge(r, g.Op("Gather", $"{n}/ForwardFinal", [outputs[1], Scalar(0)], new OnnxAttribute("axis", Int: 0)),
                    g.Op("Gather", $"{n}/BackwardFinal", [outputs[1], Scalar(1)], new OnnxAttribute("axis", Int: 0)), axis: 1);
        }

        private string Merge(RecurrentLayer r, string forward, string backward, long axis) => r.Merge switch
        {
            MergeMode.Concat => g.Op("Concat", $"{r.Name}/Concat", [forward, backward], new OnnxAttribute("axis", Int: axis)),
            MergeMode.Sum => g.Op("Add", $"{r.Name}/Sum", [forward, backward]),
            MergeMode.Average => g.Op("Mul", $"{r.Name}/Average", [g.Op("Add", $"{r.Name}/Sum", [forward, backward]), g.Initializer($"{r.Name}/half", [], [0.5f])]),
            MergeMode.Multiply => g.Op("Mul", $"{r.Name}/Multiply", [forward, backward]),
            _ => throw new NotSupportedException($"ONNX export: layer '{r.Name}': unknown merge mode {r.Merge}."),
        };

        private string Dense(DenseLayer d, string x, bool sequence)
        {
            string n = d.Name;
            string z;
            if (sequence)
            {
                // z[T, B, U] = x · Wᵀ + b, with Wᵀ stored [in, units]
                float[] transposed = new float[d.InputSize * d.OutputSize];
                ReadOnlySpan<float> weight = d.Weight.Values.Span;
                for (int u = 0; u < d.OutputSize; u++)
                {
                    for (int k = 0; k < d.InputSize; k++)
                    {
                        transposed[k * d.OutputSize + u] = weight[u * d.InputSize + k];
                    }
                }

                string product = g.Op("MatMul", $"{n}/MatMul", [x, g.Initializer($"{n}.weight_transposed", [d.InputSize, d.OutputSize], transposed)]);
                z = g.Op("Add", $"{n}/Add", [product, Float($"{n}.bias", d.Bias)]);
            }
            else
            {
                // z[B, U] = x · Wᵀ + b
                z = g.Op("Gemm", $"{n}/Gemm", [x, Float($"{n}.weight", d.Weight), Float($"{n}.bias", d.Bias)], new OnnxAttribute("transB", Int: 1));
            }

            return d.Activation switch
            {
                Activation.Linear => z,
                Activation.Sigmoid => g.Op("Sigmoid", $"{n}/Sigmoid", [z]),
                Activation.Tanh => g.Op("Tanh", $"{n}/Tanh", [z]),
                Activation.Relu => g.Op("Relu", $"{n}/Relu", [z]),
                Activation.Softmax => g.Op("Softmax", $"{n}/Softmax", [z], new OnnxAttribute("axis", Int: -1)),
                _ => throw new NotSupportedException($"ONNX export: layer '{n}': unknown activation {d.Activation}."),
            };
        }

        /// <summary>output[b, t, :] = 0 where t ≥ lengths[b], as Predict writes padded steps.</summary>
        private string ZeroPaddedSteps(string y, string input, string lengths)
        {
            string shape = g.Op("Shape", "padding/Shape", [input]);
            string time = g.Op("Gather", "padding/Time", [shape, Scalar(1)], new OnnxAttribute("axis", Int: 0));
            string steps = g.Op("Range", "padding/Steps", [Scalar(0), time, Scalar(1)]);
            string length = g.Op("Cast", "padding/Lengths", [lengths], new OnnxAttribute("to", Int: S.Tensor.Int64));
            string column = g.Op("Unsqueeze", "padding/LengthColumn", [length, Int64s("padding/axes1", [1])]);
            string valid = g.Op("Less", "padding/Valid", [steps, column]);
            string mask = g.Op("Unsqueeze", "padding/Mask", [valid, Int64s("padding/axes2", [2])]);
            return g.Op("Where", "padding/Where", [mask, y, g.Initializer("padding/zero", [], [0f])]);
        }

        private string Float(string name, NamedTensor tensor) => g.Initializer(name, Array.ConvertAll(tensor.Shape, d => (long)d), tensor.Values.Span);

        private string Int64s(string name, long[] values) => g.Initializer(name, [values.Length], values);

        private string Scalar(long value)
        {
            if (!_int64Scalars.TryGetValue(value, out string? name))
            {
                name = g.Initializer($"int64/{value}", [], [value]);
                _int64Scalars[value] = name;
            }

            return name;
        }

        private static ReadOnlySpan<float> Tensor(RecurrentLayer r, string pytorchName)
        {
            string full = r.Name + "." + pytorchName;
            foreach (NamedTensor tensor in r.Parameters)
            {
                if (tensor.Name == full)
                {
                    return tensor.Values.Span;
                }
            }

            throw new InvalidOperationException($"ONNX export: layer '{r.Name}' has no parameter '{full}' (has: {string.Join(", ", r.Parameters.Select(p => p.Name))}).");
        }
    }
}
