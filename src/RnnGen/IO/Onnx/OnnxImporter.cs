namespace RnnGen.IO.Onnx;

/// <summary>
/// Loads the weights of an ONNX file (one exported by <c>torch.onnx.export</c> or by <see cref="OnnxExporter"/>) into the
/// matching declared model. The file's parameterised nodes — <c>Gather</c> of a constant table (embedding), <c>LSTM</c>,
/// <c>GRU</c>, <c>RNN</c>, <c>Gemm</c> or <c>MatMul</c> (+ <c>Add</c>) with constant weights (dense) — are matched in graph
/// order to the declared layers in declaration order; gate blocks are converted from ONNX's order and ONNX's two biases
/// summed where the model holds one. Everything is checked before anything is copied: a corrupt file, a duplicate tensor,
/// a mismatch or a non-finite weight (unless <see cref="WeightLoadOptions.AllowNonFinite"/>) throws
/// <see cref="InvalidDataException"/> naming the file, the node or tensor, the layer and both shapes, and leaves the model unchanged.
/// </summary>
public static class OnnxImporter
{
    /// <summary>Reads <paramref name="path"/> into <paramref name="model"/>'s parameters.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or a folder.</exception>
    /// <exception cref="InvalidDataException">The file is invalid or does not fit the model.</exception>
    public static void Load(string path, ILayerStack model, WeightLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(model);
        options ??= WeightLoadOptions.Default;
        if (model.OutputRecurrence)
        {
            throw new NotSupportedException($"ONNX import: layer '{model.Layers[0].Name}' reads the model's previous output (OutputRecurrence = true), which an ONNX graph of recurrent operators does not hold.");
        }

        if (model.Layers.OfType<RecurrentLayer>().FirstOrDefault(l => l.ConditionSize > 0) is { } conditioned)
        {
            throw new NotSupportedException($"ONNX import: layer '{conditioned.Name}' is [Conditioned]; an ONNX graph of recurrent operators holds no condition weights for it.");
        }

        OnnxFile file = OnnxFile.Read(path);
        var staging = new Staging(path, file);
        List<OnnxNode> nodes = [.. file.Nodes.Where(staging.HasParameters)];
        IReadOnlyList<Layer> layers = model.Layers;
        if (nodes.Count != layers.Count)
        {
            throw WeightFileError.Create(path, null, $"{path}: the file has {nodes.Count} nodes with weights ({string.Join(", ", nodes.Select(n => n.Label))}) "
                + $"but the model declares {layers.Count} layers ({string.Join(", ", layers.Select(l => $"'{l.Name}' ({l.GetType().Name})"))}).");
        }

        for (int i = 0; i < layers.Count; i++)
        {
            staging.Add(nodes[i], layers[i]);
        }

        staging.Commit(options);
    }

    private sealed class Staging(string path, OnnxFile file)
    {
        private readonly List<(NamedTensor Target, float[] Values)> _staged = [];

        public bool HasParameters(OnnxNode node) => node.OpType switch
        {
            "LSTM" or "GRU" or "RNN" => true,
            "Gather" or "Gemm" => Constant(node.Input(node.OpType == "Gather" ? 0 : 1), rank: 2) is not null,
            "MatMul" => Constant(node.Input(1), rank: 2) is not null,
            _ => false,
        };

        public void Add(OnnxNode node, Layer layer)
        {
            switch (layer)
            {
                case EmbeddingLayer embedding when node.OpType == "Gather":
                    Stage(node, layer, "table", embedding.Weight, Constant(node.Input(0), 2)!, transpose: false);
                    break;
                case RecurrentLayer recurrent when node.OpType is "LSTM" or "GRU" or "RNN":
                    Recurrent(node, recurrent);
                    break;
                case DenseLayer dense when node.OpType is "Gemm" or "MatMul":
                    Dense(node, dense);
                    break;
                default:
                    throw Mismatch(node, layer, $"a {node.OpType} node cannot hold the weights of a {layer.GetType().Name}");
            }
        }

        public void Commit(WeightLoadOptions options)
        {
            foreach ((NamedTensor target, float[] values) in _staged)
            {
                int bad = options.AllowNonFinite ? -1 : NonFinite.IndexOf(values);
                if (bad >= 0)
                {
                    throw WeightFileError.Create(path, target.Name, $"{path}: the weights for '{target.Name}' hold {NonFinite.Text(values[bad])} at index {bad}; {NonFinite.Advice}.");
                }
            }

            foreach ((NamedTensor target, float[] values) in _staged)
            {
                values.CopyTo(target.Values.Span);
            }
        }

        private void Recurrent(OnnxNode node, RecurrentLayer r)
        {
            string expectedOp = r.Cell switch { CellKind.Lstm => "LSTM", CellKind.Gru => "GRU", _ => "RNN" };
            if (node.OpType != expectedOp)
            {
                throw Mismatch(node, r, $"the node is {node.OpType} but the layer is a {r.Cell} ({expectedOp})");
            }

            string direction = node.Text("direction") ?? "forward";
            int directions = r.Bidirectional ? 2 : 1;
            if (direction != (r.Bidirectional ? "bidirectional" : "forward"))
            {
                throw Mismatch(node, r, $"direction is '{direction}' but the layer is {(r.Bidirectional ? "bidirectional" : "forward-only")}");
            }

            if (r.Cell == CellKind.Gru && node.Int("linear_before_reset", 0) != (r.ResetAfter ? 1 : 0))
            {
                throw Mismatch(node, r, $"linear_before_reset = {node.Int("linear_before_reset", 0)} but the layer is a {(r.ResetAfter ? "reset-after GRU (linear_before_reset = 1)" : "reset-before GRU (linear_before_reset = 0)")}");
            }

            if (r.Cell == CellKind.Lstm && node.Int("input_forget", 0) != 0)
            {
                throw Mismatch(node, r, "input_forget = 1 couples the input and forget gates, which RnnGen's LSTM does not");
            }

            if (node.Attributes.ContainsKey("clip"))
            {
                throw Mismatch(node, r, "the node clips its cell inputs ('clip'), which RnnGen's cells do not");
            }

            CheckActivations(node, r, directions);
            int[] order = OnnxGates.Order(r.Cell);
            int G = order.Length, H = r.Units, I = r.InputSize;
            OnnxTensor w = Required(node, r, 1, "W", [directions, G * H, I]);
            OnnxTensor rec = Required(node, r, 2, "R", [directions, G * H, H]);
            OnnxTensor? b = Optional(node, r, 3, "B", [directions, 2 * G * H]);
            OnnxTensor? p = r.Cell == CellKind.Lstm ? Optional(node, r, 7, "P", [directions, 3 * H]) : null;
            if (p is not null && !r.Peepholes)
            {
                throw Mismatch(node, r, "the node has peephole weights (P) but the layer is declared without Peepholes = true");
            }

            for (int d = 0; d < directions; d++)
            {
                string suffix = d == 0 ? string.Empty : "_reverse";
                Convert(r, "weight_ih_l0" + suffix, w.Values.AsSpan(d * G * H * I, G * H * I), order, H * I);
                Convert(r, "weight_hh_l0" + suffix, rec.Values.AsSpan(d * G * H * H, G * H * H), order, H * H);
                float[] wb = new float[G * H], rb = new float[G * H];
                if (b is not null)
                {
                    b.Values.AsSpan(d * 2 * G * H, G * H).CopyTo(wb);
                    b.Values.AsSpan(d * 2 * G * H + G * H, G * H).CopyTo(rb);
                }

                if (r.ResetAfter)
                {
                    Convert(r, "bias_ih_l0" + suffix, wb, order, H);
                    Convert(r, "bias_hh_l0" + suffix, rb, order, H);
                }
                else
                {
                    // one bias: W_b and R_b add up in every gate (for reset-before GRU, R_bh sits outside r ⊙ (·) too)
                    for (int k = 0; k < wb.Length; k++)
                    {
                        wb[k] += rb[k];
                    }

                    Convert(r, "bias_ih_l0" + suffix, wb, order, H);
                }

                if (r.Peepholes)
                {
                    Convert(r, "weight_peephole_l0" + suffix, p is null ? new float[3 * H] : p.Values.AsSpan(d * 3 * H, 3 * H), OnnxGates.Peepholes, H);
                }
            }
        }

        private void CheckActivations(OnnxNode node, RecurrentLayer r, int directions)
        {
            string[] expected = r.Cell switch
            {
                CellKind.Lstm => ["Sigmoid", "Tanh", "Tanh"],
                CellKind.Gru => ["Sigmoid", "Tanh"],
                _ => [r.Activation.ToString()],
            };
            string[]? actual = node.Texts("activations");
            string[] want = [.. Enumerable.Range(0, directions).SelectMany(_ => expected)];
            if (actual is null ? r.Cell == CellKind.SimpleRnn && r.Activation != Activation.Tanh : !actual.SequenceEqual(want, StringComparer.OrdinalIgnoreCase))
            {
                throw Mismatch(node, r, $"activations are [{string.Join(", ", actual ?? ["Tanh"])}] but the layer computes [{string.Join(", ", want)}]");
            }
        }

        private void Dense(OnnxNode node, DenseLayer d)
        {
            OnnxTensor weight = Constant(node.Input(1), 2)!;
            bool transposed = node.OpType == "Gemm" && node.Int("transB", 0) == 1;
            if (node.OpType == "Gemm" && (node.Int("transA", 0) != 0 || Float(node, "alpha") != 1 || Float(node, "beta") != 1))
            {
                throw Mismatch(node, d, "a Gemm with transA or alpha/beta other than 1 is not a dense layer's x · Wᵀ + b");
            }

            Stage(node, d, transposed ? "B (weight, transB = 1)" : "B (weight transposed)", d.Weight, weight, transpose: !transposed);
            string? biasName = node.OpType == "Gemm" ? node.Input(2) : BiasAfter(node);
            float[] bias = new float[d.OutputSize];
            if (biasName is not null)
            {
                OnnxTensor b = Constant(biasName, rank: null) ?? throw Mismatch(node, d, $"the bias '{biasName}' is not a constant");
                if (b.Values!.Length != d.OutputSize)
                {
                    throw Mismatch(node, d, $"bias '{biasName}': expected {d.Bias.ShapeText} but the file has {b.ShapeText}", biasName);
                }

                b.Values.CopyTo(bias, 0);
            }

            _staged.Add((d.Bias, bias));
        }

        /// <summary>The constant added to a MatMul's output by the Add node that reads it (PyTorch's Linear on a sequence).</summary>
        private string? BiasAfter(OnnxNode matMul)
        {
            foreach (OnnxNode node in file.Nodes)
            {
                if (node.OpType == "Add" && node.Inputs.Length == 2 && node.Inputs.Contains(matMul.Outputs[0]))
                {
                    string other = node.Inputs[0] == matMul.Outputs[0] ? node.Inputs[1] : node.Inputs[0];
                    return Constant(other, rank: null) is not null ? other : null;
                }
            }

            return null;
        }

        private static float Float(OnnxNode node, string name) => node.Attributes.TryGetValue(name, out object? v) && v is float f ? f : 1f;

        private void Stage(OnnxNode node, Layer layer, string what, NamedTensor target, OnnxTensor source, bool transpose)
        {
            long[] expected = transpose ? [target.Shape[1], target.Shape[0]] : [target.Shape[0], target.Shape[1]];
            if (!source.Shape.AsSpan().SequenceEqual(expected))
            {
                throw Mismatch(node, layer, $"{what} '{source.Name}': expected [{string.Join(", ", expected)}] but the file has {source.ShapeText}", source.Name);
            }

            float[] values = new float[target.Length];
            int rows = target.Shape[0], columns = target.Shape[1];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < columns; j++)
                {
                    values[i * columns + j] = transpose ? source.Values![j * rows + i] : source.Values![i * columns + j];
                }
            }

            _staged.Add((target, values));
        }

        private void Convert(RecurrentLayer r, string pytorchName, ReadOnlySpan<float> onnx, int[] order, int block)
        {
            string full = r.Name + "." + pytorchName;
            NamedTensor target = r.Parameters.FirstOrDefault(t => t.Name == full)
                ?? throw new InvalidOperationException($"ONNX import: layer '{r.Name}' has no parameter '{full}'.");
            float[] values = new float[target.Length];
            OnnxGates.FromOnnx(onnx, values, order, block);
            _staged.Add((target, values));
        }

        private OnnxTensor Required(OnnxNode node, Layer layer, int index, string what, long[] shape) =>
            Optional(node, layer, index, what, shape) ?? throw Mismatch(node, layer, $"input {what} (#{index}) is missing or not a constant");

        private OnnxTensor? Optional(OnnxNode node, Layer layer, int index, string what, long[] shape)
        {
            string? name = node.Input(index);
            if (name is null)
            {
                return null;
            }

            OnnxTensor tensor = Constant(name, rank: null) ?? throw Mismatch(node, layer, $"input {what} '{name}' is computed in the graph, not a constant the importer can read");
            if (!tensor.Shape.AsSpan().SequenceEqual(shape))
            {
                throw Mismatch(node, layer, $"{what} '{name}': expected [{string.Join(", ", shape)}] but the file has {tensor.ShapeText}", name);
            }

            return tensor;
        }

        private OnnxTensor? Constant(string? name, int? rank) =>
            name is not null && file.Tensors.TryGetValue(name, out OnnxTensor? t) && t.Values is not null && (rank is null || t.Shape.Length == rank) ? t : null;

        private InvalidDataException Mismatch(OnnxNode node, Layer layer, string detail, string? tensor = null) =>
            WeightFileError.Create(path, tensor, $"{path}: node {node.Label} does not match layer '{layer.Name}': {detail}.");
    }
}
