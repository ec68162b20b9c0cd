using System.Collections.Generic;
using System.Linq;
using RnnGen.Generators.Model;

namespace RnnGen.Generators;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        /// <summary>A workspace buffer: a field of the emitted Layout struct and its size in terms of B and T.</summary>
        private sealed record Buffer(string Field, string Size, string Comment, bool Backward);

        internal static string KernelName(LayerSpec s) => s.Kind switch
        {
            LayerKind.Lstm => "global::RnnGen.Layers.LstmKernel",
            LayerKind.Gru => "global::RnnGen.Layers.GruKernel",
            _ => "global::RnnGen.Layers.SimpleRnnKernel",
        };

        internal static string Rate(double rate) => ((float)rate).ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "f";

        /// <summary>
        /// The Layout struct: one offset field per buffer, and <c>Compute</c>, which lays them out one after another for the
        /// given dimensions (in checked arithmetic) with the backward-only buffers last, from <c>BackwardStart</c>.
        /// </summary>
        private static void EmitLayoutStruct(SourceWriter w, List<Buffer> buffers, string summary, (string Field, string Name)[] dimensions)
        {
            w.Line($"/// <summary>{summary}</summary>");
            using (w.Block("private struct Layout"))
            {
                w.Line("public int " + string.Join(", ", dimensions.Select(d => d.Field)) + ", BackwardStart, Total;");
                foreach (Buffer b in buffers)
                {
                    w.Line($"public int {b.Field}; // {b.Comment}");
                }

                w.Line();
                w.Line("// checked: a batch too large for one array must fail here, not as a negative offset later.");
                w.Line("// start: where the first buffer begins (a 64-byte boundary of the workspace); every buffer starts on a cache line.");
                using (w.Block("public static Layout Compute(" + string.Join(", ", dimensions.Select(d => "int " + d.Name)) + ", int start)"))
                using (w.Block("checked"))
                {
                    w.Line("Layout L = default;");
                    foreach ((string field, string name) in dimensions)
                    {
                        w.Line($"L.{field} = {name};");
                    }

                    w.Line("int o = start;");
                    bool backward = false;
                    foreach (Buffer b in buffers)
                    {
                        if (b.Backward && !backward)
                        {
                            w.Line("L.BackwardStart = o;");
                            backward = true;
                        }

                        w.Line($"L.{b.Field} = o; o += global::RnnGen.Generated.Buffers.Align({b.Size});");
                    }

                    if (!backward)
                    {
                        w.Line("L.BackwardStart = o;");
                    }

                    w.Line("L.Total = o;");
                    w.Line("return L;");
                }
            }
        }

        /// <summary>
        /// Declares <c>L</c> and lays the workspace out from its 64-byte boundary, growing it (and laying out again from
        /// the new array's boundary) when it is too small; an overflowing size becomes <c>Guard.WorkspaceTooLarge</c>.
        /// </summary>
        private static void EmitWorkspaceLayout(SourceWriter w, string dimensions, string sizeForMessage)
        {
            w.Line("Layout L;");
            w.Line("try");
            w.Line("{");
            w.Line("    // laid out from the workspace's 64-byte boundary; a grown (new) workspace has its own boundary");
            w.Line($"    L = Layout.Compute({dimensions}, global::RnnGen.Generated.Buffers.AlignedStart(workspace));");
            w.Line($"    if (global::RnnGen.Generated.Buffers.EnsureAligned(ref workspace, L.Total)) L = Layout.Compute({dimensions}, global::RnnGen.Generated.Buffers.AlignedStart(workspace));");
            w.Line("}");
            w.Line($"catch (global::System.OverflowException) {{ throw global::RnnGen.Generated.Guard.WorkspaceTooLarge({sizeForMessage}); }}");
        }

        private static string InputParameter(ModelPlan plan) => plan.TakesTokens ? "global::System.ReadOnlySpan<int> tokens" : "global::System.ReadOnlySpan<float> inputs";

        private static string InputName(ModelPlan plan) => plan.TakesTokens ? "tokens" : "inputs";

        internal static string ActivationArgument(LayerSpec s) => s.Kind == LayerKind.SimpleRnn ? $"global::RnnGen.Activation.{s.Activation}, " : string.Empty;

        private static string CellEquation(LayerSpec s) => s.Kind switch
        {
            LayerKind.Lstm when s.Peepholes => "i, f = σ(W x + U h + p ⊙ c + b), g = tanh(…), c' = f ⊙ c + i ⊙ g, o = σ(W x + U h + p ⊙ c' + b), h' = o ⊙ tanh(c')",
            LayerKind.Lstm => "[i f g o] = [σ σ tanh σ](x · W_ihᵀ + h · W_hhᵀ + b), c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c')",
            LayerKind.Gru when s.ResetAfter => "r, z = σ(…), n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h",
            LayerKind.Gru => "r, z = σ(…), n = tanh(W_in x + W_hn (r ⊙ h) + b_n), h' = (1 − z) ⊙ n + z ⊙ h",
            _ => $"h' = {s.Activation.ToString().ToLowerInvariant()}(x · W_ihᵀ + h · W_hhᵀ + b)",
        };

        private static void EmitRecurrentHelpers(SourceWriter w, ModelPlan plan)
        {
            for (int i = 0; i < plan.Layers.Count; i++)
            {
                LayerPlan layer = plan.Layers[i];
                LayerSpec s = layer.Spec;
                if (!s.IsRecurrent)
                {
                    continue;
                }

                string n = layer.Name;
                foreach (bool gradients in new[] { false, true })
                {
                    string type = gradients ? "global::RnnGen.Layers.RecurrentGradients" : "global::RnnGen.Layers.RecurrentWeights";
                    string buffer = gradients ? "_gradients" : "_parameters";
                    w.Line($"/// <summary>Views of {n}'s {(gradients ? "gradients" : "parameters")} for one direction.</summary>");
                    using (w.Block($"private {type} {n}{(gradients ? "Gradients" : "Weights")}(int direction)"))
                    {
                        w.Line($"global::System.Span<float> p = {buffer};");
                        for (int d = 0; d < s.Directions; d++)
                        {
                            string bhh = layer.HasTensor("bias_hh_l0", d) ? Slice(layer.Find("bias_hh_l0", d)) : "default";
                            string peep = layer.HasTensor("weight_peephole_l0", d) ? Slice(layer.Find("weight_peephole_l0", d)) : "default";
                            string body = $"new {type} {{ Input = {Slice(layer.Find("weight_ih_l0", d))}, Recurrent = {Slice(layer.Find("weight_hh_l0", d))}, Bias = {Slice(layer.Find("bias_ih_l0", d))}, RecurrentBias = {bhh}, Peepholes = {peep} }};";
                            if (s.Directions == 2 && d == 0)
                            {
                                w.Line("if (direction == 0)");
                                w.Line("    return " + body);
                            }
                            else
                            {
                                w.Line("return " + body);
                            }
                        }
                    }

                    w.Line();
                }
            }
        }
    }
}
