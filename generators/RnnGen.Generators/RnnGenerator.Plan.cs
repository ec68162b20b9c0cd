using System.Collections.Generic;
using System.Linq;
using RnnGen.Generators.Model;

namespace RnnGen.Generators;

public sealed partial class RnnGenerator
{
    /// <summary>One parameter tensor: PyTorch name, shape and constant offset in the parameter buffer.</summary>
    internal sealed record TensorPlan(string Name, int[] Shape, int Offset)
    {
        public int Length => Shape.Aggregate(1, (a, b) => a * b);

        public string ShapeText => "[" + string.Join(", ", Shape) + "]";
    }

    /// <summary>What the emitter derives from a layer: input width, whether rows are per step, parameter tensors.</summary>
    internal sealed class LayerPlan
    {
        public LayerPlan(LayerSpec spec, int index, int inputWidth, bool inputIsSequence, int outputWidth = 0)
        {
            Spec = spec;
            Index = index;
            InputWidth = inputWidth;
            InputIsSequence = inputIsSequence;
            _outputWidth = outputWidth;
        }

        private readonly int _outputWidth;

        public LayerSpec Spec { get; }
        public int Index { get; }
        public string Name => Spec.Name;
        public int InputWidth { get; }
        public bool InputIsSequence { get; }
        public bool OutputIsSequence => Spec.Kind switch
        {
            LayerKind.Embedding => true,
            LayerKind.Dense => InputIsSequence,
            LayerKind.Attention => true,
            _ => Spec.ReturnSequences || Spec.Group == LayerGroup.Decoder,
        };
        public int OutputWidth => _outputWidth > 0 ? _outputWidth : Spec.OutputWidth;
        public int Units => Spec.Units;
        public List<TensorPlan> Tensors { get; } = new();
        public int ParameterCount => Tensors.Sum(t => t.Length);
        public string ShapeStruct => Name + "Shape";

        /// <summary>Dropout applied to this layer's output before the next layer reads it (0: none).</summary>
        public double DropoutAfterRate { get; set; }

        /// <summary>Parameter tensors of one direction of a recurrent layer (PyTorch order).</summary>
        public IEnumerable<TensorPlan> Direction(int d) => Tensors.Where(t => t.Name.EndsWith("_reverse") == (d == 1));

        public TensorPlan Find(string pytorchName, int d) => Tensors.First(t => t.Name == Name + "." + pytorchName + (d == 1 ? "_reverse" : string.Empty));

        public bool HasTensor(string pytorchName, int d) => Tensors.Any(t => t.Name == Name + "." + pytorchName + (d == 1 ? "_reverse" : string.Empty));

        public string KindText => Spec.Kind switch
        {
            LayerKind.Embedding => "Embedding",
            LayerKind.SimpleRnn => "SimpleRNN",
            LayerKind.Lstm => "LSTM",
            LayerKind.Gru => "GRU",
            LayerKind.Attention => Spec.Score + "Attention",
            LayerKind.TreeLstm => "TreeLSTM",
            LayerKind.TreeRnn => "TreeRNN",
            _ => "Dense",
        };

        public string SummaryType => Spec.Bidirectional ? "Bidirectional(" + KindText + ")" : KindText;

        public string KerasOutputShape => OutputIsSequence ? $"(None, None, {OutputWidth})" : $"(None, {OutputWidth})";
    }

    internal sealed class ModelPlan
    {
        public ModelPlan(ModelSpec model)
        {
            Model = model;
            if (model.IsEncoderDecoder)
            {
                ParameterCount = PlanEncoderDecoder();
                SetDropout(Encoder);
                SetDropout(Decoder);
                return;
            }

            int width = model.InputSize;
            bool sequence = true;
            int offset = 0;
            for (int i = 0; i < model.Layers.Count; i++)
            {
                LayerSpec spec = model.Layers[i];
                var layer = new LayerPlan(spec, i, width, sequence);
                AddTensors(layer, ref offset);
                Layers.Add(layer);
                width = layer.OutputWidth;
                sequence = layer.OutputIsSequence;
            }

            ParameterCount = offset;
            for (int i = 0; i < Layers.Count; i++)
            {
                Layers[i].DropoutAfterRate = DropoutAfter(i);
            }

            InputDropoutRate = DropoutAfter(-1);
        }

        public ModelSpec Model { get; }
        public List<LayerPlan> Layers { get; } = new();
        public int ParameterCount { get; private set; }
        public LayerPlan Last => Layers[Layers.Count - 1];
        public bool TakesTokens => Layers[0].Spec.Kind == LayerKind.Embedding;
        public bool HasBidirectional => Layers.Any(l => l.Spec.Bidirectional);
        public bool IsTree => Model.IsTree;
        public IEnumerable<LayerPlan> Recurrent => Layers.Where(l => l.Spec.IsRecurrent);
        public int OutputSize => Last.OutputWidth;

        /// <summary>The [Conditioned] layer, if any.</summary>
        public LayerPlan? Conditioned => Layers.FirstOrDefault(l => l.Spec.ConditionSize > 0);

        /// <summary>Floats of the condition vector (0: not conditioned).</summary>
        public int ConditionSize => Conditioned?.Spec.ConditionSize ?? 0;

        /// <summary>
        /// Dropout rate applied after layer <paramref name="index"/> (−1: to the model's input), combining the layer's output
        /// dropout and the next layer's input dropout: two independent masks keep an element with probability (1 − a)(1 − b).
        /// </summary>
        public double DropoutAfter(int index)
        {
            double output = index >= 0 ? Layers[index].Spec.Dropout : 0;
            double input = index + 1 < Layers.Count ? Layers[index + 1].Spec.InputDropout : 0;
            return 1 - (1 - output) * (1 - input);
        }

        /// <summary>Dropout after each layer of an encoder-decoder part: its output dropout combined with the next layer's input dropout.</summary>
        private static void SetDropout(List<LayerPlan> part)
        {
            for (int k = 0; k < part.Count; k++)
            {
                double input = k + 1 < part.Count ? part[k + 1].Spec.InputDropout : 0;
                part[k].DropoutAfterRate = 1 - (1 - part[k].Spec.Dropout) * (1 - input);
            }
        }

        /// <summary>Dropout applied to the model's (float) input.</summary>
        public double InputDropoutRate { get; }

        /// <summary>Whether any layer has dropout.</summary>
        public bool HasDropout => Layers.Any(l => l.Spec.Dropout > 0 || l.Spec.InputDropout > 0);
        public bool OutputIsSequence => Last.OutputIsSequence;

        /// <summary>CE with softmax and BCE with sigmoid: the last Dense produces logits and the loss applies the activation.</summary>
        public bool FusedLoss => Last.Spec.Kind == LayerKind.Dense &&
            ((Model.Loss == LossKind.CrossEntropy && Last.Spec.Activation == ActivationKind.Softmax) ||
             (Model.Loss == LossKind.BinaryCrossEntropy && Last.Spec.Activation == ActivationKind.Sigmoid));

        /// <summary>
        /// A layer's PyTorch tensors (name after the layer's, shape) when its input is <paramref name="width"/> wide (an
        /// attention layer: queries <paramref name="query"/> and values <paramref name="values"/> wide): the one place a
        /// parameter count is derived from, in long arithmetic so that the parser can report a model too large for one array.
        /// </summary>
        internal static IEnumerable<(string Name, long[] Shape)> TensorShapes(LayerSpec spec, long width, long query = 0, long values = 0)
        {
            long h = spec.Units;
            switch (spec.Kind)
            {
                case LayerKind.Embedding:
                    yield return ("weight", new[] { spec.VocabularySize, h });
                    break;
                case LayerKind.Dense:
                    yield return ("weight", new[] { h, width });
                    yield return ("bias", new[] { h });
                    break;
                case LayerKind.Attention when spec.Score == ScoreKind.Additive:
                    yield return ("query.weight", new[] { h, query });
                    yield return ("key.weight", new[] { h, values });
                    yield return ("energy.weight", new[] { 1, h });
                    break;
                case LayerKind.Attention when spec.Score == ScoreKind.General:
                    yield return ("weight", new[] { query, values });
                    break;
                case LayerKind.Attention:
                    break;
                case LayerKind.TreeLstm:
                    // gate blocks i, f_l, f_r, o, u; the input weights read leaves only, the child weights [h_l; h_r]
                    yield return ("weight_ih", new[] { 5 * h, width });
                    yield return ("weight_hh", new[] { 5 * h, 2 * h });
                    yield return ("bias", new[] { 5 * h });
                    break;
                case LayerKind.TreeRnn:
                    yield return ("weight_hh", new[] { h, 2 * h });
                    yield return ("bias", new[] { h });
                    break;
                default:
                    long gh = spec.Gates * h;
                    for (int d = 0; d < spec.Directions; d++)
                    {
                        string suffix = d == 1 ? "_l0_reverse" : "_l0";
                        yield return ("weight_ih" + suffix, new[] { gh, width });
                        yield return ("weight_hh" + suffix, new[] { gh, (long)spec.HiddenWidth });
                        yield return ("bias_ih" + suffix, new[] { gh });
                        if (spec.Kind == LayerKind.Gru && spec.ResetAfter)
                        {
                            yield return ("bias_hh" + suffix, new[] { gh });
                        }

                        if (spec.Kind == LayerKind.Lstm && spec.Peepholes)
                        {
                            yield return ("weight_peephole" + suffix, new[] { 3, h });
                        }

                        if (spec.Kind == LayerKind.Lstm && spec.Projection > 0)
                        {
                            yield return ("weight_hr" + suffix, new[] { spec.Projection, h });
                        }
                    }

                    // a [Conditioned] layer: h_0 = tanh(W_c v + b_c), and W_f v added to every step's gates
                    if (spec.ConditionSize > 0 && spec.ConditionsInitialState)
                    {
                        yield return ("init_state.weight", new[] { h, (long)spec.ConditionSize });
                        yield return ("init_state.bias", new[] { h });
                    }

                    if (spec.ConditionSize > 0 && spec.ConditionsEveryStep)
                    {
                        yield return ("weight_ic_l0", new[] { gh, (long)spec.ConditionSize });
                    }

                    break;
            }
        }

        /// <summary>Floats of a layer's parameters (see <see cref="TensorShapes"/>).</summary>
        internal static long ParameterCountOf(LayerSpec spec, long width, long query = 0, long values = 0)
            => TensorShapes(spec, width, query, values).Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b));

        /// <summary>Layer <paramref name="layer"/>'s tensors, from <paramref name="offset"/> on.</summary>
        private static void AddTensors(LayerPlan layer, ref int offset, int query = 0, int values = 0)
        {
            foreach ((string name, long[] shape) in TensorShapes(layer.Spec, layer.InputWidth, query, values))
            {
                Add(layer, layer.Spec.Name + "." + name, ref offset, shape.Select(n => (int)n).ToArray());
            }
        }

        // ----- encoder-decoder models -----

        /// <summary>The [Encoder] layers: the source embedding, then the recurrent layers.</summary>
        public List<LayerPlan> Encoder { get; } = new();

        /// <summary>The [Decoder] layers: the target embedding, then the recurrent layers.</summary>
        public List<LayerPlan> Decoder { get; } = new();

        /// <summary>The attention layer, if any.</summary>
        public LayerPlan? Attention { get; private set; }

        /// <summary>Width of the encoder outputs that attention reads (the last encoder layer's merged width).</summary>
        public int EncoderWidth => Encoder[Encoder.Count - 1].OutputWidth;

        /// <summary>The recurrent layers of the encoder / decoder.</summary>
        public List<LayerPlan> EncoderLayers => Encoder.Skip(1).ToList();

        public List<LayerPlan> DecoderLayers => Decoder.Skip(1).ToList();

        /// <summary>Units of the top decoder layer (the attention query).</summary>
        public int TopUnits => Decoder[Decoder.Count - 1].Units;

        /// <summary>Key width of the attention: additive units, the query width for general, the value width for dot.</summary>
        public int KeyWidth => Attention is null ? 0 : Attention.Spec.Score switch
        {
            ScoreKind.Additive => Attention.Spec.Units,
            ScoreKind.General => TopUnits,
            _ => 0,
        };

        /// <summary>The encoder layer whose final state starts decoder layer <paramref name="k"/> (0-based among the decoder's recurrent layers).</summary>
        public LayerPlan EncoderSourceOf(int k) => EncoderLayers[EncoderLayers.Count - DecoderLayers.Count + k];

        private int PlanEncoderDecoder()
        {
            ModelSpec model = Model;
            List<LayerSpec> specs = model.Layers.ToList();
            LayerSpec? attention = specs.FirstOrDefault(l => l.Kind == LayerKind.Attention);
            LayerSpec lastEncoder = specs.Last(l => l.Group == LayerGroup.Encoder);
            LayerSpec top = specs.Last(l => l.Group == LayerGroup.Decoder);
            // the context fed to every decoder step: attention's c_t, or (ContextToEveryStep) the encoder's final state C, which the top decoder layer starts from
            int context = attention is not null ? lastEncoder.OutputWidth : model.ContextToEveryStep ? top.Units : 0;
            int offset = 0, encoderWidth = 0, decoderWidth = 0;
            for (int i = 0; i < specs.Count; i++)
            {
                LayerSpec spec = specs[i];
                LayerPlan layer;
                switch (spec.Group)
                {
                    case LayerGroup.Encoder:
                        layer = new LayerPlan(spec, i, encoderWidth, true);
                        AddTensors(layer, ref offset);
                        encoderWidth = layer.OutputWidth;
                        Encoder.Add(layer);
                        break;
                    case LayerGroup.Decoder:
                        // the first decoder layer reads [embedding; context]
                        int input = spec.Kind == LayerKind.Embedding ? 1 : Decoder.Count == 1 ? decoderWidth + context : decoderWidth;
                        layer = new LayerPlan(spec, i, input, true);
                        AddTensors(layer, ref offset);
                        decoderWidth = layer.OutputWidth;
                        Decoder.Add(layer);
                        break;
                    default:
                        if (spec.Kind == LayerKind.Attention)
                        {
                            layer = new LayerPlan(spec, i, top.Units, true, lastEncoder.OutputWidth);
                            AddTensors(layer, ref offset, top.Units, lastEncoder.OutputWidth);
                            Attention = layer;
                        }
                        else
                        {
                            // the output layer reads [s_t; c_t]
                            layer = new LayerPlan(spec, i, top.Units + context, true);
                            AddTensors(layer, ref offset);
                        }

                        break;
                }

                Layers.Add(layer);
            }

            return offset;
        }

        private static void Add(LayerPlan layer, string name, ref int offset, params int[] shape)
        {
            var tensor = new TensorPlan(name, shape, offset);
            layer.Tensors.Add(tensor);
            offset += tensor.Length;
        }
    }
}
