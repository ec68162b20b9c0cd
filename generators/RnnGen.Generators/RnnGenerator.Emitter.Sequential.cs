using System.Collections.Generic;
using System.Linq;
using RnnGen.Generators.Model;

namespace RnnGen.Generators;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        private const string Ops = "global::RnnGen.Generated.LayerOps";
        // The hot members are compiled fully optimised on their first call (no tier-0 phase a real-time caller would see).
        private const string Hot = "[MethodImpl(MethodImplOptions.AggressiveOptimization)] ";
        private const string Span = "global::System.Span<float>";
        private const string ReadOnlySpan = "global::System.ReadOnlySpan";

        /// <summary>
        /// A sequential model's partial class: its constants, its public members (each forwarding to the runtime's
        /// <c>SequentialCore</c>), one shape struct per layer and the <c>Network</c> struct that holds the workspace layout and
        /// the op sequence.
        /// </summary>
        private static void EmitModelClass(SourceWriter w, ModelPlan plan)
        {
            ModelSpec model = plan.Model;
            bool feedback = model.OutputRecurrence;
            if (feedback)
            {
                EmitFeedbackDocs(w, plan);
            }
            else
            {
                EmitClassDocs(w, plan);
            }

            w.Line(GeneratedCodeAttribute);
            var interfaceList = new List<string>();
            if (!feedback && !plan.TakesTokens)
            {
                interfaceList.Add("global::RnnGen.Generated.ICoreSequenceModel");
            }

            if (model.Loss != LossKind.None)
            {
                // a model with output recurrence is not an ISequenceModel, and its ITrainableModel members are its own
                interfaceList.Add(feedback ? "global::RnnGen.ILayerStack" : "global::RnnGen.Generated.ICoreTrainableModel");
                if (feedback)
                {
                    interfaceList.Add("global::RnnGen.Generated.IGuardedModel");
                }
            }

            string interfaces = interfaceList.Count == 0 ? string.Empty : " : " + string.Join(", ", interfaceList);
            using (w.Block(model.Accessibility + " partial class " + model.ClassName + interfaces))
            {
                if (feedback)
                {
                    EmitFeedbackConstants(w, plan);
                }
                else
                {
                    EmitConstants(w, plan);
                }

                EmitCore(w, plan);
                EmitSequentialState(w, plan);
                EmitLayerShapes(w, plan);
                EmitInference(w, plan);
                EmitSequentialTraining(w, plan);
                EmitNetwork(w, plan);
            }
        }

        /// <summary>The runtime core, the members that only forward to it, and the constructors.</summary>
        private static void EmitCore(SourceWriter w, ModelPlan plan)
        {
            ModelSpec m = plan.Model;
            string defaultInit = m.Initializer == 1 ? "PyTorch" : "Keras";
            string core = m.IsTree ? "TreeCore<Network>" : m.IsEncoderDecoder ? EncoderDecoderCoreType(plan) : (m.OutputRecurrence ? "OutputRecurrentCore" : "SequentialCore") + "<Network, State>";
            w.Line(m.IsEncoderDecoder
                ? "// Buffers, checks, the encoder pass, the decoder steps with attention, the loss and the decoding loops live in the runtime core; the model is Network, below."
                : m.IsTree
                ? "// The schedule of a batch of trees, buffers, checks, Predict / Forward / Backward, the loss and Fit live in the runtime core; the model is Network, below."
                : "// Buffers, checks and the Predict / Step / Forward / Backward glue live in the runtime core; the model is Network, below.");
            w.Line($"private readonly global::RnnGen.Generated.{core} _core;");
            if (m.IsTree)
            {
                w.Line("global::RnnGen.Generated.ConcurrencyGuard global::RnnGen.Generated.IGuardedModel.Concurrency => _core.Concurrency;");
            }
            else if (!m.IsEncoderDecoder && !m.OutputRecurrence && (!plan.TakesTokens || m.Loss != LossKind.None))
            {
                w.Line("global::RnnGen.Generated.ISequentialCore global::RnnGen.Generated.ICoreModel.Core => _core;");
            }

            w.Line();
            w.Line("/// <summary>(Re)initialises every parameter as the constructor does.</summary>");
            w.Line("public void InitializeParameters(int seed, global::RnnGen.Initializer initializer) => _core.InitializeParameters(seed, initializer);");
            for (int i = 0; i < plan.Layers.Count; i++)
            {
                LayerPlan layer = plan.Layers[i];
                string type = "global::RnnGen." + layer.Spec.TypeName;
                w.Line($"/// <summary>{layer.Name}: {layer.SummaryType}, output {layer.KerasOutputShape}, {Thousands(layer.ParameterCount)} parameters.</summary>");
                w.Line($"{(m.Nested ? "public" : layer.Spec.Accessibility + " partial")} {type} {SourceWriter.Identifier(layer.Name)} => _core.Layer<{type}>({Int(i)});");
            }

            string first = plan.Layers[0].Tensors[0].Name;
            w.Line($"/// <summary>All {Thousands(plan.ParameterCount)} trainable floats, one buffer; <see cref=\"NamedParameters\"/> ({first}, …) names its parts.</summary>");
            w.Line($"public {Span} Parameters => _core.Parameters;");
            w.Line("/// <summary>Gradients accumulated by Backward, same layout as <see cref=\"Parameters\"/>.</summary>");
            w.Line($"public {Span} Gradients => _core.Gradients;");
            w.Line("/// <summary>Named views of <see cref=\"Parameters\"/>, PyTorch names and shapes.</summary>");
            w.Line("public global::System.Collections.Generic.IReadOnlyList<global::RnnGen.NamedTensor> NamedParameters => _core.NamedParameters;");
            w.Line("/// <summary>Named views of <see cref=\"Gradients\"/>, same names and shapes as <see cref=\"NamedParameters\"/>.</summary>");
            w.Line("public global::System.Collections.Generic.IReadOnlyList<global::RnnGen.NamedTensor> NamedGradients => _core.NamedGradients;");
            w.Line("/// <summary>Sets every gradient to zero.</summary>");
            w.Line("public void ZeroGradients() => _core.ZeroGradients();");
            w.Line($"/// <summary>The Keras-style table of {m.ClassName}'s layers, their output shapes and parameter counts.</summary>");
            w.Line("public string Summary() => _core.Summary;");
            w.Line("/// <summary>Writes the parameters as a safetensors file with PyTorch names and shapes (atomically: a temporary file, then a move).</summary>");
            w.Line("public void SaveWeights(string path) => _core.SaveWeights(path);");
            w.Line("/// <summary>Reads a safetensors file (ours or PyTorch's state_dict); a file that does not fit leaves the model unchanged and throws, naming the tensor.</summary>");
            w.Line("public void LoadWeights(string path) => _core.LoadWeights(path);");
            w.Line("/// <summary>LoadWeights with <paramref name=\"options\"/>: <c>AllowNonFinite = true</c> loads NaN or infinite weights, which are otherwise rejected.</summary>");
            w.Line("public void LoadWeights(string path, global::RnnGen.IO.WeightLoadOptions options) { global::System.ArgumentNullException.ThrowIfNull(options); _core.LoadWeights(path, options); }");
            if (m.IsEncoderDecoder)
            {
                w.Line("/// <summary>Restarts the random numbers of scheduled sampling (<see cref=\"global::RnnGen.Seq2Seq.Seq2SeqBatch.TeacherForcing\"/> below 1) and of dropout.</summary>");
                w.Line("public void ResetRandom(int seed) => _core.ResetRandom(seed);");
            }
            else if (plan.HasDropout)
            {
                w.Line("/// <summary>Restarts the random numbers of dropout (for a reproducible run, or to repeat a forward pass exactly).</summary>");
                w.Line("public void ResetRandom(int seed) => _core.ResetRandom(seed);");
            }

            w.Line();
            w.Line("/// <summary>Creates the model with the default (" + defaultInit + ") initialisation, deterministic for a given <paramref name=\"seed\"/>.</summary>");
            w.Line($"public {m.ClassName}(int seed = 0) : this(seed, global::RnnGen.Initializer.{defaultInit}) {{ }}");
            w.Line("/// <summary>Creates the model with the given initialisation, deterministic for a given <paramref name=\"seed\"/>.</summary>");
            w.Line($"public {m.ClassName}(int seed, global::RnnGen.Initializer initializer) => _core = new(\"{m.ClassName}\", seed, initializer,");
            w.Indent();
            for (int i = 0; i < plan.Layers.Count; i++)
            {
                LayerPlan layer = plan.Layers[i];
                string decoder = layer.Spec.Group == LayerGroup.Decoder && layer.Spec.IsRecurrent ? ", decoder: true" : string.Empty;
                w.Line($"global::RnnGen.Generated.ModelLayer.{KindOf(layer)}<{layer.ShapeStruct}>(\"{layer.Name}\"{decoder}){(i == plan.Layers.Count - 1 ? ");" : ",")}");
            }

            w.Outdent();
            w.Line();
        }

        private static string KindOf(LayerPlan layer) => layer.Spec.Kind switch
        {
            LayerKind.Embedding => "Embedding",
            LayerKind.Dense => "Dense",
            LayerKind.Attention => "Attention",
            LayerKind.TreeLstm or LayerKind.TreeRnn => "Tree",
            _ => "Recurrent",
        };

        /// <summary>The nested <c>State</c> class: named views of one buffer, per recurrent layer and direction.</summary>
        private static void EmitSequentialState(SourceWriter w, ModelPlan plan)
        {
            var slots = new List<(string Name, string Doc, int Units)>();
            foreach (LayerPlan layer in plan.Recurrent)
            {
                for (int d = 0; d < layer.Spec.Directions; d++)
                {
                    string suffix = d == 1 ? "Reverse" : string.Empty;
                    string direction = d == 1 ? "backward-direction " : string.Empty;
                    int hidden = layer.Spec.HiddenWidth;
                    slots.Add((layer.Name + "Hidden" + suffix, $"{layer.Name} {direction}hidden state [BatchSize, {Int(hidden)}]", hidden));
                    if (layer.Spec.Kind == LayerKind.Lstm)
                    {
                        slots.Add((layer.Name + "Cell" + suffix, $"{layer.Name} {direction}cell state [BatchSize, {Int(layer.Units)}]", layer.Units));
                    }
                }

                if (layer.Spec.ConditionSize > 0 && layer.Spec.ConditionsEveryStep)
                {
                    int width = layer.Spec.Gates * layer.Units;
                    slots.Add((layer.Name + "Condition", $"{layer.Name}'s condition projected once per stream, W_f v [BatchSize, {Int(width)}]", width));
                }
            }

            string layers = string.Join(", ", plan.Recurrent.Select(l => l.Name));
            w.Line(plan.Model.OutputRecurrence
                ? $"/// <summary>The state of a batch of streams: the recurrent layers' states ({layers}) and each stream's previous output, what <c>Step</c> carries from one step to the next.</summary>"
                : $"/// <summary>The recurrent state ({layers}) of a batch of streams: what <c>Step</c> carries from one step to the next, and the initial/final state of a stateful <c>Forward</c>.</summary>");
            string baseState = plan.Model.OutputRecurrence ? "FeedbackState(batchSize, SizePerStream, OutputSize)" : "ModelState(batchSize, SizePerStream)";
            using (w.Block($"public sealed class State(int batchSize = 1) : global::RnnGen.Generated.{baseState}, global::RnnGen.Generated.IModelState<State>"))
            {
                w.Line("/// <summary>Floats of state per stream.</summary>");
                w.Line($"public const int SizePerStream = {Int(slots.Sum(s => s.Units))};");
                w.Line("static State global::RnnGen.Generated.IModelState<State>.Create(int batchSize) => new(batchSize);");
                int offset = 0;
                foreach (var slot in slots)
                {
                    w.Line($"/// <summary>{slot.Doc}.</summary>");
                    w.Line($"public {Span} {slot.Name} => Slot({Int(offset)}, {Int(slot.Units)});");
                    offset += slot.Units;
                }
            }

            w.Line();
            w.Line("/// <summary>A zero state for <paramref name=\"batchSize\"/> streams.</summary>");
            w.Line("public State CreateState(int batchSize = 1) => new State(batchSize);");
            w.Line();
        }

        private static string InputText(ModelPlan plan) => plan.TakesTokens
            ? $"tokens [batchSize, timeSteps] (ids in 0…{Int(plan.Layers[0].Spec.VocabularySize - 1)})"
            : $"inputs [batchSize, timeSteps, {Int(plan.Model.InputSize)}]";

        private static string OutputText(ModelPlan plan, string name) => plan.OutputIsSequence
            ? $"{name} [batchSize, timeSteps, {Int(plan.OutputSize)}]"
            : $"{name} [batchSize, {Int(plan.OutputSize)}]";

        /// <summary>Predict, Step and (token language models) Generate.</summary>
        private static void EmitInference(SourceWriter w, ModelPlan plan)
        {
            if (plan.Model.OutputRecurrence)
            {
                EmitFeedbackInference(w, plan);
                return;
            }

            if (plan.ConditionSize > 0)
            {
                EmitConditionedInference(w, plan);
                return;
            }

            string input = InputParameter(plan), name = InputName(plan);
            string padding = plan.OutputIsSequence ? "padding (their output rows are zero)" : "padding";
            w.Line($"/// <summary>Runs the model over a batch: {InputText(plan)} → {OutputText(plan, "outputs")}; steps past the optional [batchSize] lengths are {padding}.</summary>");
            w.Line(Hot + $"public void Predict({input}, int batchSize, int timeSteps,");
            w.Line($"    {Span} outputs, {ReadOnlySpan}<int> lengths = default) => _core.Predict({name}, batchSize, timeSteps, outputs, lengths);");
            if (plan.HasBidirectional)
            {
                w.Line();
                return;
            }

            string stepInput = plan.TakesTokens ? "tokens [state.BatchSize]" : $"inputs [state.BatchSize, {Int(plan.Model.InputSize)}]";
            if (plan.TakesTokens)
            {
                w.Line($"/// <summary>Advances one stream by one token: output [{Int(plan.OutputSize)}] is what Predict would output if the sequence ended here.</summary>");
                w.Line(Hot + $"public void Step(int token, {Span} output, State state) => _core.Step(token, output, state);");
            }


            w.Line($"/// <summary>Advances every stream of the state by one step: {stepInput} → output [state.BatchSize, {Int(plan.OutputSize)}], what Predict would output if the sequences ended here.</summary>");
            w.Line(Hot + $"public void Step({input}, {Span} output, State state) => _core.Step({name}, output, state);");
            w.Line();
            if (Generates(plan))
            {
                w.Line("/// <summary>Generates <c>output.Length</c> tokens: steps through <paramref name=\"prefix\"/> to prime <paramref name=\"state\"/>, then feeds back each token <paramref name=\"sampler\"/> chooses. Allocates nothing.</summary>");
                w.Line($"public void Generate({ReadOnlySpan}<int> prefix, global::System.Span<int> output, global::RnnGen.Generation.TokenSampler sampler, State state) => _core.Generate(prefix, output, sampler, state);");
                w.Line("/// <summary>Beam search: steps through <paramref name=\"prefix\"/> to prime <paramref name=\"state\"/>, writes the <c>output.Length</c> tokens of highest total log-probability the beam finds and returns it. Allocates nothing once <paramref name=\"beam\"/> has served a search as long.</summary>");
                w.Line($"public float Generate({ReadOnlySpan}<int> prefix, global::System.Span<int> output, global::RnnGen.Generation.LanguageModelBeam beam, State state) => _core.Generate(prefix, output, beam, state);");
                w.Line("/// <summary>Generates <paramref name=\"count\"/> tokens after <paramref name=\"prefix\"/> from a fresh state; <paramref name=\"options\"/> default to greedy; a BeamWidth above 0 searches a beam.</summary>");
                w.Line($"public int[] Generate({ReadOnlySpan}<int> prefix, int count, global::RnnGen.Generation.SamplingOptions? options = null) => _core.Generate(prefix, count, options, CreateState());");
                w.Line();
            }
        }

        /// <summary>Forward and Backward (and, with a loss, the fused-loss pair and <c>ITrainableModel</c>).</summary>
        private static void EmitSequentialTraining(SourceWriter w, ModelPlan plan)
        {
            if (plan.Model.OutputRecurrence)
            {
                EmitFeedbackTraining(w, plan);
                return;
            }

            ModelSpec m = plan.Model;
            if (plan.ConditionSize > 0)
            {
                EmitConditionedForward(w, plan);
            }
            else
            {
                EmitPlainForward(w, plan);
            }

            if (m.Loss == LossKind.None)
            {
                return;
            }

            string targets = m.Loss == LossKind.CrossEntropy ? "class targets" : "targets";
            string conditions = plan.ConditionSize > 0 ? " (each sequence from its row of batch.Conditions)" : string.Empty;
            w.Line($"/// <summary>Training-mode forward pass with the loss, {m.Loss} against the batch's {targets}{conditions}: returns the mean over the batch (padded steps masked out); writes {OutputText(plan, "outputs")} unless empty.</summary>");
            w.Line(Hot + $"public float Forward(in global::RnnGen.Training.SequenceBatch batch, {Span} outputs) => _core.Forward(batch, outputs);");
            w.Line("/// <summary>Accumulates ∂loss/∂parameters of the last <see cref=\"Forward(in global::RnnGen.Training.SequenceBatch, global::System.Span{float})\"/> into <see cref=\"Gradients\"/>.</summary>");
            w.Line(Hot + "public void Backward() => _core.Backward();");
            w.Line();
        }

        /// <summary>Forward and Backward of a model without a condition (a state in, a state out).</summary>
        private static void EmitPlainForward(SourceWriter w, ModelPlan plan)
        {
            ModelSpec m = plan.Model;
            string input = InputParameter(plan), name = InputName(plan);
            w.Line($"/// <summary>Training-mode Predict that keeps what Backward needs: {InputText(plan)} → {OutputText(plan, "outputs")} (may be empty); a <paramref name=\"state\"/> gives the initial states and gets the final ones (truncated BPTT).</summary>");
            w.Line(Hot + $"public void Forward({input}, int batchSize, int timeSteps, {Span} outputs,");
            w.Line($"    {ReadOnlySpan}<int> lengths = default, State? state = null) => _core.Forward({name}, batchSize, timeSteps, outputs, lengths, state);");
            string inputGradient = plan.TakesTokens ? "(token models: none)" : $"[batchSize, timeSteps, {Int(m.InputSize)}]";
            w.Line($"/// <summary>Backpropagation through time of the last Forward into <see cref=\"Gradients\"/>: {OutputText(plan, "outputGradient")} = ∂loss/∂outputs (+ ∂loss/∂final state) in; ∂loss/∂inputs {inputGradient} and ∂loss/∂(initial state) out when given.</summary>");
            w.Line(Hot + $"public void Backward({ReadOnlySpan}<float> outputGradient, State? finalStateGradient = null,");
            w.Line($"    {Span} inputGradient = default, State? initialStateGradient = null) => _core.Backward(outputGradient, finalStateGradient, inputGradient, initialStateGradient);");
            w.Line();
        }

        /// <summary>One struct per layer: its sizes and options as static members, and where its parameters start (after the previous layer's).</summary>
        private static void EmitLayerShapes(SourceWriter w, ModelPlan plan)
        {
            LayerPlan? previous = null;
            foreach (LayerPlan layer in plan.Layers)
            {
                LayerSpec s = layer.Spec;
                string n = layer.Name;
                // each layer's parameters follow the previous layer's: offsets are derived, never written as numbers
                string offset = previous is null ? "0" : $"{previous.ShapeStruct}.ParameterOffset + Sizes.{previous.Name}ParameterCount";
                previous = layer;
                string kind = s.Kind switch
                {
                    LayerKind.Embedding => "IEmbeddingShape",
                    LayerKind.Dense => "IDenseShape",
                    LayerKind.Attention => "IAttentionShape",
                    LayerKind.TreeLstm or LayerKind.TreeRnn => "ITreeLayerShape",
                    _ => "IRecurrentLayerShape",
                };
                w.Line($"/// <summary>{n}: {layer.SummaryType}, {Int(layer.InputWidth)} → {Int(layer.OutputWidth)}, {Thousands(layer.ParameterCount)} parameters.</summary>");
                using (w.Block($"private readonly struct {layer.ShapeStruct} : global::RnnGen.Generated.{kind}"))
                {
                    switch (s.Kind)
                    {
                        case LayerKind.Embedding:
                            w.Line($"public static int VocabularySize => Sizes.{n}VocabularySize;");
                            w.Line($"public static int Dimension => Sizes.{n}Units;");
                            if (!s.Trainable) w.Line("public static bool Trainable => false;");
                            break;
                        case LayerKind.Attention:
                            w.Line($"public static global::RnnGen.AttentionScore Score => global::RnnGen.AttentionScore.{s.Score};");
                            w.Line($"public static int QuerySize => Sizes.{n}InputSize;");
                            w.Line($"public static int ValueSize => Sizes.{n}OutputSize;");
                            if (s.Score == ScoreKind.Additive) w.Line($"public static int Units => Sizes.{n}Units;");
                            break;
                        case LayerKind.Dense:
                            w.Line($"public static int InputSize => Sizes.{n}InputSize;");
                            w.Line($"public static int Units => Sizes.{n}Units;");
                            w.Line($"public static global::RnnGen.Activation Activation => global::RnnGen.Activation.{s.Activation};");
                            if (layer.InputIsSequence) w.Line("public static bool Sequence => true;");
                            break;
                        case LayerKind.TreeLstm or LayerKind.TreeRnn:
                            w.Line($"public static int InputSize => Sizes.{n}InputSize;");
                            w.Line($"public static int Units => Sizes.{n}Units;");
                            w.Line($"public static global::RnnGen.Trees.TreeCellKind Cell => global::RnnGen.Trees.TreeCellKind.{(s.Kind == LayerKind.TreeLstm ? "Lstm" : "Tanh")};");
                            break;
                        default:
                            w.Line($"public static int InputSize => Sizes.{n}InputSize;");
                            w.Line($"public static int Units => Sizes.{n}Units;");
                            w.Line($"public static global::RnnGen.CellKind Cell => global::RnnGen.CellKind.{s.Kind};");
                            if (s.Kind == LayerKind.SimpleRnn && s.Activation != ActivationKind.Tanh) w.Line($"public static global::RnnGen.Activation Activation => global::RnnGen.Activation.{s.Activation};");
                            if (s.ReturnSequences) w.Line("public static bool ReturnSequences => true;");
                            if (s.Bidirectional) w.Line("public static bool Bidirectional => true;");
                            if (s.Bidirectional && s.Merge != MergeKind.Concat) w.Line($"public static global::RnnGen.MergeMode Merge => global::RnnGen.MergeMode.{s.Merge};");
                            if (s.Residual) w.Line("public static bool Residual => true;");
                            if (s.Kind == LayerKind.Gru && !s.ResetAfter) w.Line("public static bool ResetAfter => false;");
                            if (s.Kind == LayerKind.Lstm && s.Peepholes) w.Line("public static bool Peepholes => true;");
                            if (s.Kind == LayerKind.Lstm && s.Projection > 0) w.Line($"public static int ProjectionSize => Sizes.{n}ProjectionSize;");
                            if (s.ConditionSize > 0)
                            {
                                w.Line($"public static int ConditionSize => Sizes.{n}ConditionSize;");
                                w.Line($"public static global::RnnGen.ConditionMode ConditionMode => {ConditionModeText(s)};");
                            }

                            break;
                    }

                    if (layer.DropoutAfterRate > 0) w.Line($"public static float DropoutAfter => {Rate(layer.DropoutAfterRate)};");
                    w.Line($"public static int ParameterOffset => {offset};");
                }

                w.Line();
            }
        }

        /// <summary>The model for the runtime core: its sizes, its workspace layout (one field per layer) and its op sequence.</summary>
        private static void EmitNetwork(SourceWriter w, ModelPlan plan)
        {
            ModelSpec m = plan.Model;
            string self = "global::RnnGen.Generated.ISequentialNetwork<Network>";
            w.Line("/// <summary>The model as the runtime core runs it: the workspace buffers of each layer, and each layer's forward and backward pass in order.</summary>");
            using (w.Block($"private struct Network : {self}"))
            {
                w.Line("public global::RnnGen.Generated.LayerBuffers " + string.Join(", ", plan.Layers.Select(l => SourceWriter.Identifier(l.Name))) + ";");
                w.Line();
                string vocabulary = plan.TakesTokens ? "VocabularySize" : "0";
                var options = new List<string>();
                if (plan.FusedLoss) options.Add("FusedLoss = true");
                if (plan.InputDropoutRate > 0) options.Add("InputDropout = " + Rate(plan.InputDropoutRate));
                if (plan.HasDropout) options.Add("HasDropout = true");
                if (plan.ConditionSize > 0) options.Add("ConditionSize = ConditionSize");
                w.Line($"static global::RnnGen.Generated.NetworkInfo {self}.Info");
                w.Line($"    => new({(m.OutputRecurrence ? "StepInputSize" : "InputSize")}, {vocabulary}, OutputSize, ParameterCount, OutputIsSequence, State.SizePerStream, global::RnnGen.Loss.{m.Loss})" +
                       (options.Count == 0 ? ";" : " { " + string.Join(", ", options) + " };"));
                w.Line();
                using (w.Block($"static void {self}.Lay(ref Network L, ref global::RnnGen.Generated.WorkspaceBuilder b)"))
                {
                    foreach (LayerPlan layer in plan.Layers)
                    {
                        w.Line($"b.{KindOf(layer)}<{layer.ShapeStruct}>(ref L.{SourceWriter.Identifier(layer.Name)});");
                    }
                }

                w.Line();
                using (w.Block(Hot + $"static void {self}.Forward(in Network L, in global::RnnGen.Generated.SequencePass f)"))
                {
                    for (int i = 0; i < plan.Layers.Count; i++)
                    {
                        EmitForwardOp(w, plan.Layers[i], LayerInput(plan, i), last: i == plan.Layers.Count - 1);
                    }
                }

                w.Line();
                using (w.Block(Hot + $"static void {self}.Backward(in Network L, in global::RnnGen.Generated.SequencePass f)"))
                {
                    for (int i = plan.Layers.Count - 1; i >= 0; i--)
                    {
                        EmitBackwardOp(w, plan.Layers[i], LayerInput(plan, i), LayerInputGradient(plan, i), last: i == plan.Layers.Count - 1);
                    }
                }
            }
        }

        /// <summary>What layer <paramref name="i"/> reads: the previous layer's output, or the model's input.</summary>
        private static string LayerInput(ModelPlan plan, int i) => i == 0 ? "f.Input" : $"f.Out(L.{SourceWriter.Identifier(plan.Layers[i - 1].Name)})";

        private static string LayerInputGradient(ModelPlan plan, int i) => i == 0 ? "f.InputGradient" : $"f.Gradient(L.{SourceWriter.Identifier(plan.Layers[i - 1].Name)})";

        /// <summary>Layer <paramref name="layer"/>'s forward op, reading <paramref name="input"/>, with its equation (every model kind).</summary>
        private static void EmitForwardOp(SourceWriter w, LayerPlan layer, string input, bool last)
        {
            LayerSpec s = layer.Spec;
            string n = SourceWriter.Identifier(layer.Name), shape = layer.ShapeStruct, dropout = DropoutNote(layer);
            switch (s.Kind)
            {
                case LayerKind.Embedding:
                    w.Line($"// {n}: e[B, T, {Int(s.Units)}] = weight[tokens[b, t], :]{dropout}");
                    w.Line($"{Ops}.Embedding<{shape}>(f, L.{n});");
                    break;
                case LayerKind.Dense:
                    w.Line($"// {n}: y[{(layer.InputIsSequence ? "B·T" : "B")}, {Int(s.Units)}] = {s.Activation.ToString().ToLowerInvariant()}(x · Wᵀ + b){dropout}");
                    w.Line($"{Ops}.Dense<{shape}>(f, {input}, L.{n}, last: {(last ? "true" : "false")});");
                    break;
                default:
                    bool step = s.Group == LayerGroup.Decoder;
                    string steps = s.Bidirectional ? "both directions, merged: " + s.Merge : step ? "one step" : "t = 0 … len_b − 1";
                    string output = s.ReturnSequences && !step ? $"[B, T, {Int(layer.OutputWidth)}]" : $"[B, {Int(layer.OutputWidth)}]";
                    w.Line($"// {n} ({steps}), x[B, {(step ? string.Empty : "T, ")}{Int(layer.InputWidth)}] → {output}{(s.Residual ? " + x (residual)" : string.Empty)}{dropout}:");
                    w.Line($"//   {CellEquation(s)}");
                    if (s.ConditionSize > 0)
                    {
                        string start = s.ConditionsInitialState ? "h_0 = tanh(v · W_cᵀ + b_c)" : string.Empty;
                        string every = s.ConditionsEveryStep ? "every step's gates + v · W_fᵀ (once per sequence)" : string.Empty;
                        w.Line($"//   conditioned on v[B, {Int(s.ConditionSize)}]: {string.Join("; ", new[] { start, every }.Where(e => e.Length > 0))}");
                    }

                    w.Line($"{Ops}.Recurrent<{shape}>(f, {input}, L.{n});");
                    break;
            }
        }

        /// <summary>Layer <paramref name="layer"/>'s backward op: ∂input accumulated into <paramref name="inputGradient"/>.</summary>
        private static void EmitBackwardOp(SourceWriter w, LayerPlan layer, string input, string inputGradient, bool last)
        {
            string n = SourceWriter.Identifier(layer.Name), shape = layer.ShapeStruct;
            switch (layer.Spec.Kind)
            {
                case LayerKind.Embedding:
                    w.Line($"// {n}: ∂weight[tokens[b, t], :] += ∂e[b, t, :]");
                    w.Line($"{Ops}.EmbeddingBackward<{shape}>(f, L.{n});");
                    break;
                case LayerKind.Dense:
                    w.Line($"// {n}: ∂z = ∂y ⊙ act'(z), ∂W += ∂zᵀ · x, ∂b += Σ ∂z, ∂x += ∂z · W");
                    w.Line($"{Ops}.DenseBackward<{shape}>(f, {input}, {inputGradient}, L.{n}, last: {(last ? "true" : "false")});");
                    break;
                default:
                    w.Line($"// {n}: backpropagation through time, from the last step to the first{(layer.Spec.Bidirectional ? " (each direction)" : string.Empty)}");
                    w.Line($"{Ops}.RecurrentBackward<{shape}>(f, {input}, {inputGradient}, L.{n});");
                    break;
            }
        }

        private static string DropoutNote(LayerPlan layer) => layer.DropoutAfterRate > 0 ? $", then dropout (rate {Rate(layer.DropoutAfterRate).TrimEnd('f')}) in training" : string.Empty;
    }
}
