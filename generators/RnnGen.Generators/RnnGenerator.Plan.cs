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
        public LayerPlan(LayerSpec spec, int index, int inputWidth, bool inputIsSequence)
        {
            Spec = spec;
            Index = index;
            InputWidth = inputWidth;
            InputIsSequence = inputIsSequence;
        }

        public LayerSpec Spec { get; }
        public int Index { get; }
        public string Name => Spec.Name;
        public int InputWidth { get; }
        public bool InputIsSequence { get; }
        public bool OutputIsSequence => Spec.Kind switch
        {
            LayerKind.Embedding => true,
            LayerKind.Dense => InputIsSequence,
            _ => Spec.ReturnSequences,
        };
        public int OutputWidth => Spec.OutputWidth;
        public int Units => Spec.Units;
        public List<TensorPlan> Tensors { get; } = new();
        public int ParameterCount => Tensors.Sum(t => t.Length);
        public string ShapeStruct => Name + "Shape";

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
            int width = model.InputSize;
            bool sequence = true;
            int offset = 0;
            for (int i = 0; i < model.Layers.Count; i++)
            {
                LayerSpec spec = model.Layers[i];
                var layer = new LayerPlan(spec, i, width, sequence);
                string p = spec.Name + ".";
                switch (spec.Kind)
                {
                    case LayerKind.Embedding:
                        Add(layer, p + "weight", ref offset, spec.VocabularySize, spec.Units);
                        break;
                    case LayerKind.Dense:
                        Add(layer, p + "weight", ref offset, spec.Units, width);
                        Add(layer, p + "bias", ref offset, spec.Units);
                        break;
                    default:
                        int gh = spec.Gates * spec.Units;
                        for (int d = 0; d < spec.Directions; d++)
                        {
                            string suffix = d == 1 ? "_l0_reverse" : "_l0";
                            Add(layer, p + "weight_ih" + suffix, ref offset, gh, width);
                            Add(layer, p + "weight_hh" + suffix, ref offset, gh, spec.Units);
                            Add(layer, p + "bias_ih" + suffix, ref offset, gh);
                            if (spec.Kind == LayerKind.Gru && spec.ResetAfter)
                            {
                                Add(layer, p + "bias_hh" + suffix, ref offset, gh);
                            }

                            if (spec.Kind == LayerKind.Lstm && spec.Peepholes)
                            {
                                Add(layer, p + "weight_peephole" + suffix, ref offset, 3, spec.Units);
                            }
                        }

                        break;
                }

                Layers.Add(layer);
                width = layer.OutputWidth;
                sequence = layer.OutputIsSequence;
            }

            ParameterCount = offset;
        }

        public ModelSpec Model { get; }
        public List<LayerPlan> Layers { get; } = new();
        public int ParameterCount { get; }
        public LayerPlan Last => Layers[Layers.Count - 1];
        public bool TakesTokens => Layers[0].Spec.Kind == LayerKind.Embedding;
        public bool HasBidirectional => Layers.Any(l => l.Spec.Bidirectional);
        public IEnumerable<LayerPlan> Recurrent => Layers.Where(l => l.Spec.IsRecurrent);
        public int OutputSize => Last.OutputWidth;
        public bool OutputIsSequence => Last.OutputIsSequence;

        /// <summary>CE with softmax and BCE with sigmoid: the last Dense produces logits and the loss applies the activation.</summary>
        public bool FusedLoss => Last.Spec.Kind == LayerKind.Dense &&
            ((Model.Loss == LossKind.CrossEntropy && Last.Spec.Activation == ActivationKind.Softmax) ||
             (Model.Loss == LossKind.BinaryCrossEntropy && Last.Spec.Activation == ActivationKind.Sigmoid));

        private static void Add(LayerPlan layer, string name, ref int offset, params int[] shape)
        {
            var tensor = new TensorPlan(name, shape, offset);
            layer.Tensors.Add(tensor);
            offset += tensor.Length;
        }
    }
}
