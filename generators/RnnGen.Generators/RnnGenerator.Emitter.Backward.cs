using System.Linq;
using RnnGen.Generators.Model;

namespace RnnGen.Generators;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        private static void EmitTraining(SourceWriter w, ModelPlan plan)
        {
            ModelSpec m = plan.Model;
            string outShape = plan.OutputIsSequence ? "[batchSize, timeSteps, OutputSize]" : "[batchSize, OutputSize]";

            // Lower-level training forward: any model, gradient supplied by the caller.
            w.Line("/// <summary>");
            w.Line("/// Training-mode forward pass: like Predict, and keeps what <see cref=\"Backward(global::System.ReadOnlySpan{float}, State?, global::System.Span{float}, State?)\"/> needs.");
            w.Line("/// With a <paramref name=\"state\"/>, the initial states are read from it and the final states written back (truncated BPTT).");
            w.Line("/// </summary>");
            using (w.Block($"public void Forward({InputParameter(plan)}, int batchSize, int timeSteps, global::System.Span<float> outputs, global::System.ReadOnlySpan<int> lengths = default, State? state = null)"))
            {
                w.Line($"Layout L = Prepare({InputName(plan)}, batchSize, timeSteps, lengths, ref _workspace);");
                w.Line($"if (!outputs.IsEmpty) global::RnnGen.Generated.Guard.Length(nameof(outputs), outputs.Length, batchSize, {(plan.OutputIsSequence ? "timeSteps" : "1")}, OutputSize, \"{outShape}\");");
                w.Line("CheckState(nameof(state), state, batchSize);");
                w.Line($"RememberBatch({(plan.TakesTokens ? "tokens" : "default")}, lengths, L);");
                w.Line("if (state is not null) LoadState(L, _workspace, state);");
                if (plan.HasDropout) w.Line("_training = true; // dropout is active");
                w.Line((plan.HasDropout ? "try { " : string.Empty) + "Run(L, _workspace, _tokens.AsSpan(0, " + (plan.TakesTokens ? "batchSize * timeSteps" : "0") + "), TrainedLengths, useState: state is not null, logits: false);" + (plan.HasDropout ? " } finally { _training = false; }" : string.Empty));
                w.Line("if (state is not null) SaveState(L, _workspace, state);");
                w.Line("if (!outputs.IsEmpty) CopyOutput(L, _workspace, outputs, lengths);");
                w.Line("_trainedWithState = state is not null;");
                if (plan.Last.Spec.Kind == LayerKind.Dense) w.Line("_trainedFused = false;");
                if (m.Loss != LossKind.None)
                {
                    w.Line("_lossGradientReady = false; // Backward() would otherwise reuse the loss gradient of an earlier batch");
                }
            }

            w.Line();
            using (w.Block("private void RememberBatch(global::System.ReadOnlySpan<int> tokens, global::System.ReadOnlySpan<int> lengths, in Layout L)"))
            {
                w.Line("// Backward runs after the caller's spans are gone: keep copies of the tokens and lengths.");
                w.Line("global::RnnGen.Generated.Buffers.Ensure(ref _tokens, tokens.Length);");
                w.Line("tokens.CopyTo(_tokens);");
                w.Line("global::RnnGen.Generated.Buffers.Ensure(ref _lengths, lengths.Length);");
                w.Line("lengths.CopyTo(_lengths);");
                w.Line("_trained = L;");
                w.Line("_hasTrained = true;");
                w.Line("_trainedWithLengths = !lengths.IsEmpty;");
            }

            w.Line();
            w.Line("private global::System.ReadOnlySpan<int> TrainedLengths => _trainedWithLengths ? _lengths.AsSpan(0, _trained.Batch) : default;");
            w.Line();

            if (m.Loss == LossKind.None)
            {
                return;
            }

            string rows = plan.OutputIsSequence ? "B * T" : "B";
            w.Line("int global::RnnGen.Training.ITrainableModel.ModelInputSize => InputSize;");
            w.Line("int global::RnnGen.Training.ITrainableModel.ModelOutputSize => OutputSize;");
            w.Line("bool global::RnnGen.Training.ITrainableModel.OutputIsSequence => OutputIsSequence;");
            w.Line($"bool global::RnnGen.Training.ITrainableModel.TakesTokens => {(plan.TakesTokens ? "true" : "false")};");
            w.Line($"global::RnnGen.Loss global::RnnGen.Training.ITrainableModel.Loss => global::RnnGen.Loss.{m.Loss};");
            w.Line();
            w.Line("/// <summary>");
            w.Line($"/// Training-mode forward pass with the model's loss ({m.Loss}): returns the mean loss of the batch (padded steps masked out),");
            w.Line("/// writes the outputs (after the output activation) when <paramref name=\"outputs\"/> is not empty, and keeps what <see cref=\"Backward()\"/> needs.");
            w.Line("/// </summary>");
            using (w.Block("public float Forward(in global::RnnGen.Training.SequenceBatch batch, global::System.Span<float> outputs)"))
            {
                w.Line("int B = batch.BatchSize, T = batch.TimeSteps;");
                w.Line($"Layout L = Prepare(batch.{(plan.TakesTokens ? "Tokens" : "Inputs")}, B, T, batch.Lengths, ref _workspace);");
                w.Line($"if (!outputs.IsEmpty) global::RnnGen.Generated.Guard.Length(nameof(outputs), outputs.Length, B, {(plan.OutputIsSequence ? "T" : "1")}, OutputSize, \"{outShape}\");");
                if (m.Loss == LossKind.CrossEntropy)
                {
                    w.Line($"global::RnnGen.Generated.Guard.Length(\"batch.ClassTargets\", batch.ClassTargets.Length, B, {(plan.OutputIsSequence ? "T" : "1")}, 1, \"{(plan.OutputIsSequence ? "[batchSize, timeSteps]" : "[batchSize]")}\");");
                }
                else
                {
                    w.Line($"global::RnnGen.Generated.Guard.Length(\"batch.Targets\", batch.Targets.Length, B, {(plan.OutputIsSequence ? "T" : "1")}, OutputSize, \"{outShape}\");");
                }

                w.Line($"RememberBatch({(plan.TakesTokens ? "batch.Tokens" : "default")}, batch.Lengths, L);");
                if (plan.HasDropout) w.Line("_training = true; // dropout is active");
                w.Line((plan.HasDropout ? "try { " : string.Empty) + $"Run(L, _workspace, {(plan.TakesTokens ? "batch.Tokens" : "default")}, batch.Lengths, useState: false, logits: {(plan.FusedLoss ? "true" : "false")});" + (plan.HasDropout ? " } finally { _training = false; }" : string.Empty));
                w.Line("global::System.Span<float> ws = _workspace;");
                if (plan.OutputIsSequence)
                {
                    w.Line("// Padded steps weigh 0 in the loss.");
                    w.Line("global::System.Span<float> rowWeights = batch.Lengths.IsEmpty ? default : ws.Slice(L.RowWeights, B * T);");
                    w.Line("if (!batch.Lengths.IsEmpty) global::RnnGen.Generated.Guard.FillRowWeights(rowWeights, batch.Lengths, T);");
                }
                else
                {
                    w.Line("global::System.Span<float> rowWeights = default;");
                }

                string output = $"ws.Slice({OutOffset(plan.Last)}, {rows} * OutputSize)";
                string probabilities = $"ws.Slice(L.Probabilities, {rows} * OutputSize)";
                string gradient = $"ws.Slice(L.LossGradient, {rows} * OutputSize)";
                w.Line("float loss;");
                switch (m.Loss)
                {
                    case LossKind.CrossEntropy when plan.FusedLoss:
                        w.Line("// softmax + cross-entropy fused: ∂L/∂z = p − onehot(y)");
                        w.Line($"loss = global::RnnGen.Training.Losses.SoftmaxCrossEntropy({rows}, OutputSize, {output}, batch.ClassTargets, rowWeights, {probabilities}, {gradient});");
                        break;
                    case LossKind.BinaryCrossEntropy when plan.FusedLoss:
                        w.Line("// sigmoid + binary cross-entropy fused: ∂L/∂z = σ(z) − y");
                        w.Line($"loss = global::RnnGen.Training.Losses.SigmoidBinaryCrossEntropy({rows}, OutputSize, {output}, batch.Targets, rowWeights, {probabilities}, {gradient});");
                        break;
                    default:
                        w.Line("// mean squared error over outputs and rows: L = Σ (ŷ − y)² / (rows · OutputSize)");
                        w.Line($"loss = global::RnnGen.Training.Losses.MeanSquaredError({rows}, OutputSize, {output}, batch.Targets, rowWeights, {gradient});");
                        w.Line($"{output}.CopyTo({probabilities});");
                        break;
                }

                w.Line($"if (!outputs.IsEmpty) {probabilities}.CopyTo(outputs);");
                w.Line("_trainedWithState = false;");
                if (plan.Last.Spec.Kind == LayerKind.Dense) w.Line($"_trainedFused = {(plan.FusedLoss ? "true" : "false")};");
                w.Line("_lossGradientReady = true;");
                w.Line("return loss;");
            }

            w.Line();
            w.Line("private bool _lossGradientReady;");
            w.Line();
            w.Line("/// <summary>Accumulates ∂loss/∂parameters of the last <see cref=\"Forward(in global::RnnGen.Training.SequenceBatch, global::System.Span{float})\"/> into <see cref=\"Gradients\"/>.</summary>");
            using (w.Block("public void Backward()"))
            {
                w.Line("if (!_hasTrained || !_lossGradientReady) throw new global::System.InvalidOperationException(\"Backward() needs a Forward(batch, outputs) with the loss first; Predict and Step in between discard its caches.\");");
                w.Line("Layout L = _trained;");
                w.Line("int B = L.Batch, T = L.Time;");
                w.Line("global::System.Span<float> ws = _workspace;");
                w.Line("ws.Slice(L.BackwardStart, L.Total - L.BackwardStart).Clear();");
                w.Line($"ws.Slice(L.LossGradient, {rows} * OutputSize).CopyTo(ws.Slice(L.{plan.Last.Name}_DOut, {rows} * OutputSize));");
                w.Line("BackwardCore(L, null, default, null);");
            }

            w.Line();
        }

        private static void EmitBackward(SourceWriter w, ModelPlan plan)
        {
            ModelSpec m = plan.Model;
            string rows = plan.OutputIsSequence ? "B * T" : "B";
            string outShape = plan.OutputIsSequence ? "[batchSize, timeSteps, OutputSize]" : "[batchSize, OutputSize]";
            w.Line("/// <summary>");
            w.Line("/// Backpropagation through time of the last training-mode Forward: accumulates into <see cref=\"Gradients\"/> the gradient of a loss whose");
            w.Line($"/// derivative with respect to the outputs {outShape} is <paramref name=\"outputGradient\"/>. <paramref name=\"finalStateGradient\"/> adds");
            w.Line("/// ∂loss/∂(final state) of every layer; <paramref name=\"inputGradient\"/> (float-input models) and <paramref name=\"initialStateGradient\"/> receive");
            w.Line("/// ∂loss/∂inputs and ∂loss/∂(initial state) when given.");
            w.Line("/// </summary>");
            using (w.Block("public void Backward(global::System.ReadOnlySpan<float> outputGradient, State? finalStateGradient = null, global::System.Span<float> inputGradient = default, State? initialStateGradient = null)"))
            {
                w.Line("if (!_hasTrained) throw new global::System.InvalidOperationException(\"Backward needs a training-mode Forward first; Predict and Step in between discard its caches.\");");
                if (plan.FusedLoss)
                {
                    w.Line("// After Forward(batch) the last layer holds logits for the fused loss, not the outputs this gradient refers to.");
                    w.Line("if (_trainedFused) throw new global::System.InvalidOperationException(\"Backward(outputGradient, …) needs a Forward(" + InputName(plan) + ", …) first; after Forward(batch, outputs) call Backward().\");");
                }

                w.Line("Layout L = _trained;");
                w.Line("int B = L.Batch, T = L.Time;");
                w.Line($"global::RnnGen.Generated.Guard.Length(nameof(outputGradient), outputGradient.Length, B, {(plan.OutputIsSequence ? "T" : "1")}, OutputSize, \"{outShape}\");");
                if (!plan.TakesTokens)
                {
                    w.Line("if (!inputGradient.IsEmpty) global::RnnGen.Generated.Guard.Length(nameof(inputGradient), inputGradient.Length, B, T, InputSize, \"[batchSize, timeSteps, InputSize]\");");
                    w.Line("inputGradient.Clear();");
                }
                else
                {
                    w.Line("if (!inputGradient.IsEmpty) throw new global::System.ArgumentException(\"inputGradient: this model reads token ids, which have no gradient.\", nameof(inputGradient));");
                }

                w.Line("CheckState(nameof(finalStateGradient), finalStateGradient, B);");
                w.Line("CheckState(nameof(initialStateGradient), initialStateGradient, B);");
                w.Line("global::System.Span<float> ws = _workspace;");
                w.Line("ws.Slice(L.BackwardStart, L.Total - L.BackwardStart).Clear();");
                w.Line($"outputGradient.CopyTo(ws.Slice(L.{plan.Last.Name}_DOut, {rows} * OutputSize));");
                if (plan.OutputIsSequence)
                {
                    w.Line("// Padded steps output constant zeros: a gradient arriving there must not reach any parameter.");
                    w.Line($"if (_trainedWithLengths) global::RnnGen.Generated.Guard.ZeroPaddedRows(ws.Slice(L.{plan.Last.Name}_DOut, {rows} * OutputSize), TrainedLengths, T, OutputSize);");
                }

                w.Line("BackwardCore(L, finalStateGradient, inputGradient, initialStateGradient);");
            }

            w.Line();
            w.Line("/// <summary>The layers' backward passes in reverse order; the last layer's output gradient is already in place.</summary>");
            using (w.Block("private void BackwardCore(in Layout L, State? finalStateGradient, global::System.Span<float> inputGradient, State? initialStateGradient)"))
            {
                w.Line("global::System.Span<float> ws = _workspace;");
                w.Line("global::System.Span<float> p = _parameters;");
                w.Line("int B = L.Batch, T = L.Time;");
                w.Line("global::System.ReadOnlySpan<int> lengths = TrainedLengths;");
                w.Line("_ = p;");
                for (int i = plan.Layers.Count - 1; i >= 0; i--)
                {
                    LayerPlan layer = plan.Layers[i];
                    LayerSpec s = layer.Spec;
                    string n = layer.Name;
                    string dOut = $"ws.Slice(L.{n}_DOut, {OutLength(layer)})";
                    string dInput = i == 0 ? "inputGradient" : $"ws.Slice(L.{plan.Layers[i - 1].Name}_DOut, {OutLength(plan.Layers[i - 1])})";
                    w.Line();
                    if (layer.DropoutAfterRate > 0)
                    {
                        w.Line($"// {n}'s output went through dropout: ∂(output) = ∂(dropped) ⊙ mask");
                        w.Line($"global::RnnGen.Layers.DropoutKernel.Backward(ws.Slice(L.{n}_Mask, {OutLength(layer)}), {dOut});");
                    }

                    switch (s.Kind)
                    {
                        case LayerKind.Embedding:
                            w.Line($"// {n}: ∂weight[tokens[b, t], :] += ∂e[b, t, :]");
                            w.Line($"global::RnnGen.Layers.EmbeddingKernel.Backward({Int(s.VocabularySize)}, {Int(s.Units)}, _tokens.AsSpan(0, B * T), {dOut}, _gradients.AsSpan({Int(layer.Tensors[0].Offset)}, {Int(layer.Tensors[0].Length)}));");
                            break;
                        case LayerKind.Dense:
                        {
                            string dRows = layer.InputIsSequence ? "B * T" : "B";
                            string x = i == 0 ? $"ws.Slice(L.Input, B * T * {Int(m.InputSize)})" : $"ws.Slice({OutOffset(plan.Layers[i - 1])}, {OutLength(plan.Layers[i - 1])})";
                            string pre = i == plan.Layers.Count - 1 ? "_trainedFused" : "false";
                            w.Line($"// {n}: forward y = act(x · Wᵀ + b), so ∂z = ∂y ⊙ act'(z), ∂W += ∂zᵀ · x, ∂b += Σ ∂z, ∂x += ∂z · W");
                            w.Line($"global::RnnGen.Layers.DenseKernel.Backward({dRows}, {Int(layer.InputWidth)}, {Int(s.Units)}, global::RnnGen.Activation.{s.Activation}, {x}, {Int(layer.InputWidth)}, {Slice(layer.Tensors[0])}, ws.Slice(L.{n}_Out, {dRows} * {Int(s.Units)}), {dOut}, {pre}, _gradients.AsSpan({Int(layer.Tensors[0].Offset)}, {Int(layer.Tensors[0].Length)}), _gradients.AsSpan({Int(layer.Tensors[1].Offset)}, {Int(layer.Tensors[1].Length)}), {dInput});");
                            break;
                        }

                        default:
                        {
                            string h = Int(s.Units);
                            if (s.Residual)
                            {
                                w.Line($"// {n}: residual connection y = h + x, so ∂x += ∂y (and ∂h = ∂y)");
                                w.Line((i == 0 ? "if (!inputGradient.IsEmpty) " : string.Empty) + $"global::System.Numerics.Tensors.TensorPrimitives.Add({dInput}, {dOut}, {dInput});");
                            }

                            if (s.Bidirectional)
                            {
                                string mRows = s.ReturnSequences ? "B * T" : "B";
                                string src = s.ReturnSequences ? "Hidden" : "Final";
                                string dst = s.ReturnSequences ? "DHidden" : "DFinal";
                                string len = s.ReturnSequences ? $"B * T * {h}" : $"B * {h}";
                                w.Line($"// {n}: split the merged gradient ({s.Merge}) between the two directions");
                                w.Line($"global::RnnGen.Layers.MergeKernel.Backward(global::RnnGen.MergeMode.{s.Merge}, {mRows}, {h}, ws.Slice(L.{n}_{src}0, {len}), ws.Slice(L.{n}_{src}1, {len}), {dOut}, ws.Slice(L.{n}_{dst}0, {len}), ws.Slice(L.{n}_{dst}1, {len}));");
                            }
                            else if (!s.ReturnSequences)
                            {
                                w.Line($"// {n} outputs its final state: the output gradient enters there");
                                w.Line($"{dOut}.CopyTo(ws.Slice(L.{n}_DFinal0, B * {h}));");
                            }

                            for (int d = 0; d < s.Directions; d++)
                            {
                                string suffix = d == 1 ? "Reverse" : string.Empty;
                                string dFinal = $"ws.Slice(L.{n}_DFinal{d}, B * {h})";
                                w.Line($"// {n}, {(d == 0 ? "forward" : "backward")} direction: BPTT from the last step to the first");
                                w.Line($"if (finalStateGradient is not null) global::System.Numerics.Tensors.TensorPrimitives.Add({dFinal}, finalStateGradient.{n}Hidden{suffix}, {dFinal});");
                                string hidden = s.ReturnSequences ? (s.Bidirectional ? $"ws.Slice(L.{n}_DHidden{d}, B * T * {h})" : dOut) : "default";
                                string finalHidden = s.ReturnSequences ? $"finalStateGradient is not null ? {dFinal} : default" : dFinal;
                                bool lstm = s.Kind == LayerKind.Lstm;
                                w.Line($"{KernelName(s)}.Backward<{layer.ShapeStruct}>({ActivationArgument(s)}{n}Weights({Int(d)}), {n}Gradients({Int(d)}), {n}Sequence({Int(d)}, L, ws, lengths, _trainedWithState),");
                                w.Line("    new global::RnnGen.Layers.RecurrentSequenceGradients");
                                w.Line("    {");
                                w.Line($"        Hidden = {hidden},");
                                w.Line($"        FinalHidden = {finalHidden},");
                                if (lstm)
                                {
                                    w.Line($"        FinalCell = finalStateGradient is not null ? finalStateGradient.{n}Cell{suffix} : default,");
                                }

                                w.Line($"        Input = {dInput},");
                                w.Line($"        InitialHidden = initialStateGradient is not null ? initialStateGradient.{n}Hidden{suffix} : default,");
                                if (lstm)
                                {
                                    w.Line($"        InitialCell = initialStateGradient is not null ? initialStateGradient.{n}Cell{suffix} : default,");
                                }

                                w.Line("    });");
                            }

                            break;
                        }
                    }
                }

                if (plan.InputDropoutRate > 0)
                {
                    w.Line();
                    w.Line("// the input went through dropout: ∂x = ∂(dropped x) ⊙ mask");
                    w.Line($"if (!inputGradient.IsEmpty) global::RnnGen.Layers.DropoutKernel.Backward(ws.Slice(L.Input_Mask, B * T * {Int(plan.Model.InputSize)}), inputGradient);");
                }
            }

            w.Line();
        }

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
