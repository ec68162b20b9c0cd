using System.Collections.Generic;
using System.Linq;
using RnnGen.Generators.Model;

namespace RnnGen.Generators;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        internal static string Rate(double rate) => ((float)rate).ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "f";

        private static string InputParameter(ModelPlan plan) => plan.TakesTokens ? "global::System.ReadOnlySpan<int> tokens" : "global::System.ReadOnlySpan<float> inputs";

        private static string InputName(ModelPlan plan) => plan.TakesTokens ? "tokens" : "inputs";

        private static string CellEquation(LayerSpec s) => s.Kind == LayerKind.Lstm && s.Projection > 0
            ? CellKindEquation(s).Replace("h' = o ⊙ tanh(c')", $"h'[{s.Projection}] = W_hr (o ⊙ tanh(c'))")
            : CellKindEquation(s);

        private static string CellKindEquation(LayerSpec s) => s.Kind switch
        {
            LayerKind.Lstm when s.Peepholes => "i, f = σ(W x + U h + p ⊙ c + b), g = tanh(…), c' = f ⊙ c + i ⊙ g, o = σ(W x + U h + p ⊙ c' + b), h' = o ⊙ tanh(c')",
            LayerKind.Lstm => "[i f g o] = [σ σ tanh σ](x · W_ihᵀ + h · W_hhᵀ + b), c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c')",
            LayerKind.Gru when s.ResetAfter => "r, z = σ(…), n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h",
            LayerKind.Gru => "r, z = σ(…), n = tanh(W_in x + W_hn (r ⊙ h) + b_n), h' = (1 − z) ⊙ n + z ⊙ h",
            _ => $"h' = {s.Activation.ToString().ToLowerInvariant()}(x · W_ihᵀ + h · W_hhᵀ + b)",
        };
    }
}
