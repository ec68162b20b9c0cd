using System.Linq;
using RnnGen.Generators.Model;

namespace RnnGen.Generators;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        private static void EmitWeightsIO(SourceWriter w, ModelPlan plan)
        {
            var folded = plan.Layers.SelectMany(l => l.Tensors)
                .Where(t => t.Name.Contains(".bias_ih_l0") && !plan.Layers.SelectMany(l => l.Tensors).Any(o => o.Name == t.Name.Replace("bias_ih", "bias_hh")))
                .Select(t => $"new global::RnnGen.IO.FoldedTensor(\"{t.Name}\", \"{t.Name.Replace("bias_ih", "bias_hh")}\")")
                .ToList();
            w.Line("// PyTorch has two biases where this model has one: on load bias_hh is added to bias_ih; on save it is written as zeros.");
            w.Line("private static readonly global::RnnGen.IO.FoldedTensor[] FoldedTensors = new global::RnnGen.IO.FoldedTensor[]");
            w.Line("{");
            foreach (string f in folded)
            {
                w.Line("    " + f + ",");
            }

            w.Line("};");
            w.Line();
            w.Line("/// <summary>Writes the parameters as a safetensors file with PyTorch names and shapes (atomically: a temporary file, then a move).</summary>");
            w.Line("public void SaveWeights(string path) => global::RnnGen.IO.WeightFile.Save(path, _namedParameters, FoldedTensors);");
            w.Line();
            w.Line("/// <summary>Reads a safetensors file (ours or PyTorch's state_dict); a file that does not fit leaves the model unchanged and throws, naming the tensor.</summary>");
            w.Line("public void LoadWeights(string path) => global::RnnGen.IO.WeightFile.Load(path, _namedParameters, FoldedTensors);");
            w.Line();
        }
    }
}
