using RnnGen.Generators.Model;

namespace RnnGen.Generators;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        /// <summary>Whether the model generates tokens: a token model with a per-step softmax over (part of) its vocabulary.</summary>
        private static bool Generates(ModelPlan plan) => plan.TakesTokens && plan.OutputIsSequence && plan.Last.Spec.Kind == LayerKind.Dense
            && plan.Last.Spec.Activation == ActivationKind.Softmax && plan.OutputSize <= plan.Layers[0].Spec.VocabularySize;

        private static string ConditionModeText(LayerSpec s) => s.ConditionMode switch
        {
            1 => "global::RnnGen.ConditionMode.InitialState",
            2 => "global::RnnGen.ConditionMode.EveryStep",
            _ => "global::RnnGen.ConditionMode.InitialState | global::RnnGen.ConditionMode.EveryStep",
        };

        /// <summary>Predict, Step and Generate of a model with a [Conditioned] layer: each sequence starts from its condition vector.</summary>
        private static void EmitConditionedInference(SourceWriter w, ModelPlan plan)
        {
            string input = InputParameter(plan), name = InputName(plan), c = Int(plan.ConditionSize);
            string padding = plan.OutputIsSequence ? "padding (their output rows are zero)" : "padding";
            w.Line($"/// <summary>Runs the model over a batch, each sequence from its condition: conditions [batchSize, {c}], {InputText(plan)} → {OutputText(plan, "outputs")}; steps past the optional [batchSize] lengths are {padding}.</summary>");
            w.Line(Hot + $"public void Predict({ReadOnlySpan}<float> conditions, {input}, int batchSize, int timeSteps,");
            w.Line($"    {Span} outputs, {ReadOnlySpan}<int> lengths = default) => _core.Predict(conditions, {name}, batchSize, timeSteps, outputs, lengths);");
            string stepInput = plan.TakesTokens ? "tokens [state.BatchSize]" : $"inputs [state.BatchSize, {Int(plan.Model.InputSize)}]";
            w.Line($"/// <summary>Starts every stream of the state from its condition (conditions [state.BatchSize, {c}]; the other layers from zero) and advances it by one step: {stepInput} → output [state.BatchSize, {Int(plan.OutputSize)}].</summary>");
            w.Line(Hot + $"public void Step({ReadOnlySpan}<float> conditions, {input}, {Span} output, State state) => _core.Step(conditions, {name}, output, state);");
            if (plan.TakesTokens)
            {
                w.Line($"/// <summary>Advances one stream, started by Step(conditions, …) or Generate, by one token: output [{Int(plan.OutputSize)}].</summary>");
                w.Line(Hot + $"public void Step(int token, {Span} output, State state) => _core.Step(token, output, state);");
            }

            w.Line($"/// <summary>Advances every stream, started by Step(conditions, …), by one step: {stepInput} → output [state.BatchSize, {Int(plan.OutputSize)}].</summary>");
            w.Line(Hot + $"public void Step({input}, {Span} output, State state) => _core.Step({name}, output, state);");
            w.Line();
            if (!Generates(plan))
            {
                return;
            }

            string condition = $"<paramref name=\"condition\"/> [{c}]";
            w.Line($"/// <summary>Generates <c>output.Length</c> tokens from {condition}: restarts <paramref name=\"state\"/> from it, steps through <paramref name=\"prefix\"/>, then feeds back each token <paramref name=\"sampler\"/> chooses (an empty condition steps on from the state). Allocates nothing.</summary>");
            w.Line($"public void Generate({ReadOnlySpan}<float> condition, {ReadOnlySpan}<int> prefix, global::System.Span<int> output, global::RnnGen.Generation.TokenSampler sampler, State state) => _core.Generate(condition, prefix, output, sampler, state);");
            w.Line($"/// <summary>Beam search from {condition}: restarts <paramref name=\"state\"/> from it, steps through <paramref name=\"prefix\"/>, writes the <c>output.Length</c> tokens of highest total log-probability the beam finds and returns it. Allocates nothing once <paramref name=\"beam\"/> has served a search as long.</summary>");
            w.Line($"public float Generate({ReadOnlySpan}<float> condition, {ReadOnlySpan}<int> prefix, global::System.Span<int> output, global::RnnGen.Generation.LanguageModelBeam beam, State state) => _core.Generate(condition, prefix, output, beam, state);");
            w.Line($"/// <summary>Generates <paramref name=\"count\"/> tokens after <paramref name=\"prefix\"/> from {condition}; <paramref name=\"options\"/> default to greedy; a BeamWidth above 0 searches a beam.</summary>");
            w.Line($"public int[] Generate({ReadOnlySpan}<float> condition, {ReadOnlySpan}<int> prefix, int count, global::RnnGen.Generation.SamplingOptions? options = null) => _core.Generate(condition, prefix, count, options, CreateState());");
            w.Line();
        }

        /// <summary>Forward and Backward of a model with a [Conditioned] layer: conditions in, their gradient out.</summary>
        private static void EmitConditionedForward(SourceWriter w, ModelPlan plan)
        {
            string input = InputParameter(plan), name = InputName(plan), c = Int(plan.ConditionSize);
            w.Line($"/// <summary>Training-mode Predict that keeps what Backward needs: conditions [batchSize, {c}], {InputText(plan)} → {OutputText(plan, "outputs")} (may be empty).</summary>");
            w.Line(Hot + $"public void Forward({ReadOnlySpan}<float> conditions, {input}, int batchSize, int timeSteps, {Span} outputs,");
            w.Line($"    {ReadOnlySpan}<int> lengths = default) => _core.Forward(conditions, {name}, batchSize, timeSteps, outputs, lengths);");
            string inputGradient = plan.TakesTokens ? string.Empty : $", ∂loss/∂inputs [batchSize, timeSteps, {Int(plan.Model.InputSize)}] into inputGradient";
            w.Line($"/// <summary>Backpropagation through time of the last Forward into <see cref=\"Gradients\"/>: {OutputText(plan, "outputGradient")} = ∂loss/∂outputs in; ∂loss/∂conditions [batchSize, {c}] into conditionGradient{inputGradient} when given.</summary>");
            w.Line(Hot + $"public void Backward({ReadOnlySpan}<float> outputGradient, {Span} conditionGradient = default" + (plan.TakesTokens ? ")" : $", {Span} inputGradient = default)"));
            w.Line($"    => _core.Backward(outputGradient, null, {(plan.TakesTokens ? "default" : "inputGradient")}, null, conditionGradient);");
            w.Line();
        }
    }
}
