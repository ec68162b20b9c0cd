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

        private static List<Buffer> Buffers(ModelPlan plan)
        {
            var list = new List<Buffer>();
            ModelSpec m = plan.Model;
            if (!plan.TakesTokens)
            {
                list.Add(new Buffer("Input", $"B * T * {Int(m.InputSize)}", $"x[B, T, {Int(m.InputSize)}]: the input, copied", false));
                if (plan.InputDropoutRate > 0)
                {
                    list.Add(new Buffer("Input_Mask", $"B * T * {Int(m.InputSize)}", "dropout mask of the input (0 or 1 / (1 − rate))", false));
                    list.Add(new Buffer("Input_Dropped", $"B * T * {Int(m.InputSize)}", "the input after dropout", false));
                }
            }

            foreach (LayerPlan layer in plan.Layers)
            {
                string n = layer.Name;
                string rows = layer.OutputIsSequence ? "B * T" : "B";
                LayerSpec s = layer.Spec;
                if (s.IsRecurrent)
                {
                    string h = Int(s.Units);
                    for (int d = 0; d < s.Directions; d++)
                    {
                        string dir = d == 0 ? "forward" : "backward";
                        list.Add(new Buffer($"{n}_Init{d}", $"B * {h}", $"{n} {dir}: initial hidden state [B, {h}]", false));
                        if (s.Kind == LayerKind.Lstm)
                        {
                            list.Add(new Buffer($"{n}_InitCell{d}", $"B * {h}", $"{n} {dir}: initial cell state [B, {h}]", false));
                        }

                        list.Add(new Buffer($"{n}_Hidden{d}", $"B * T * {h}", $"{n} {dir}: h_t for every step [B, T, {h}]", false));
                        list.Add(new Buffer($"{n}_Final{d}", $"B * {h}", $"{n} {dir}: final hidden state [B, {h}]", false));
                        if (s.Kind == LayerKind.Lstm)
                        {
                            list.Add(new Buffer($"{n}_FinalCell{d}", $"B * {h}", $"{n} {dir}: final cell state [B, {h}]", false));
                        }

                        list.Add(new Buffer($"{n}_Cache{d}", $"{KernelName(s)}.CacheSize<{layer.ShapeStruct}>(B, T)", $"{n} {dir}: what backward needs, and its scratch", false));
                    }

                    if (s.Bidirectional)
                    {
                        list.Add(new Buffer($"{n}_Out", $"{rows} * {Int(layer.OutputWidth)}", $"{n}: merged output{(s.Residual ? " plus the input (residual)" : string.Empty)} [{RowsText(layer)}, {Int(layer.OutputWidth)}]", false));
                    }
                    else if (s.Residual)
                    {
                        list.Add(new Buffer($"{n}_Out", $"{rows} * {Int(layer.OutputWidth)}", $"{n}: h_t + x_t (residual) [{RowsText(layer)}, {Int(layer.OutputWidth)}]", false));
                    }
                }
                else
                {
                    list.Add(new Buffer($"{n}_Out", $"{rows} * {Int(layer.OutputWidth)}", $"{n}: output [{RowsText(layer)}, {Int(layer.OutputWidth)}]", false));
                }

                if (layer.DropoutAfterRate > 0)
                {
                    list.Add(new Buffer($"{n}_Mask", $"{rows} * {Int(layer.OutputWidth)}", $"dropout mask of {n}'s output", false));
                    list.Add(new Buffer($"{n}_Dropped", $"{rows} * {Int(layer.OutputWidth)}", $"{n}'s output after dropout", false));
                }
            }

            string lastRows = plan.OutputIsSequence ? "B * T" : "B";
            if (plan.Model.Loss != LossKind.None)
            {
                list.Add(new Buffer("Probabilities", $"{lastRows} * {Int(plan.OutputSize)}", "the output activation applied to the logits (fused losses)", false));
                list.Add(new Buffer("LossGradient", $"{lastRows} * {Int(plan.OutputSize)}", "∂loss/∂(last layer output, or its logits)", false));
                list.Add(new Buffer("RowWeights", "B * T", "1 for a real step, 0 for a padded one (loss masking)", false));
            }

            foreach (LayerPlan layer in plan.Layers)
            {
                string n = layer.Name;
                string rows = layer.OutputIsSequence ? "B * T" : "B";
                LayerSpec s = layer.Spec;
                list.Add(new Buffer($"{n}_DOut", $"{rows} * {Int(layer.OutputWidth)}", $"∂loss/∂{n} output", true));
                if (s.IsRecurrent)
                {
                    for (int d = 0; d < s.Directions; d++)
                    {
                        if (s.Bidirectional && s.ReturnSequences)
                        {
                            list.Add(new Buffer($"{n}_DHidden{d}", $"B * T * {Int(s.Units)}", $"∂loss/∂h_t of {n}, direction {d}", true));
                        }

                        list.Add(new Buffer($"{n}_DFinal{d}", $"B * {Int(s.Units)}", $"∂loss/∂(final hidden state) of {n}, direction {d}", true));
                    }
                }
            }

            return list;
        }

        private static string RowsText(LayerPlan layer) => layer.OutputIsSequence ? "B, T" : "B";

        internal static string KernelName(LayerSpec s) => s.Kind switch
        {
            LayerKind.Lstm => "global::RnnGen.Layers.LstmKernel",
            LayerKind.Gru => "global::RnnGen.Layers.GruKernel",
            _ => "global::RnnGen.Layers.SimpleRnnKernel",
        };

        /// <summary>Offset expression of what the next layer reads from a layer: its output, after dropout if it has any.</summary>
        internal static string OutOffset(LayerPlan layer) => layer.DropoutAfterRate > 0 ? $"L.{layer.Name}_Dropped" : RawOutOffset(layer);

        /// <summary>Offset expression of what the first layer reads: the input, after dropout if it has any.</summary>
        internal static string InputOffset(ModelPlan plan) => plan.InputDropoutRate > 0 ? "L.Input_Dropped" : "L.Input";

        internal static string Rate(double rate) => ((float)rate).ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "f";

        /// <summary>Offset expression (inside a method with a Layout named L) of a layer's output.</summary>
        internal static string RawOutOffset(LayerPlan layer)
        {
            LayerSpec s = layer.Spec;
            if (s.IsRecurrent && !s.Bidirectional && !s.Residual)
            {
                return s.ReturnSequences ? $"L.{layer.Name}_Hidden0" : $"L.{layer.Name}_Final0";
            }

            return $"L.{layer.Name}_Out";
        }

        internal static string OutLength(LayerPlan layer) => (layer.OutputIsSequence ? "B * T * " : "B * ") + Int(layer.OutputWidth);

        private static void EmitLayout(SourceWriter w, ModelPlan plan)
        {
            List<Buffer> buffers = Buffers(plan);
            EmitLayoutStruct(w, buffers, "Where each activation, cache and gradient buffer lives in the workspace for a batch of B sequences of T steps.", new[] { ("Batch", "B"), ("Time", "T") });
            w.Line();
        }

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

        private static void EmitRun(SourceWriter w, ModelPlan plan)
        {
            ModelSpec m = plan.Model;
            w.Line("/// <summary>The forward pass, layer by layer, over the inputs already placed in the workspace (or <paramref name=\"tokens\"/>).</summary>");
            using (w.Block("private void Run(in Layout L, float[] workspace, global::System.ReadOnlySpan<int> tokens, global::System.ReadOnlySpan<int> lengths, bool useState, bool logits)"))
            {
                w.Line("global::System.Span<float> ws = workspace;");
                w.Line("global::System.Span<float> p = _parameters;");
                w.Line("int B = L.Batch, T = L.Time;");
                if (plan.InputDropoutRate > 0)
                {
                    string size = $"B * T * {Int(m.InputSize)}";
                    w.Line();
                    w.Line($"// dropout on the input (rate {Rate(plan.InputDropoutRate)}), in training only");
                    w.Line($"global::RnnGen.Layers.DropoutKernel.Forward(_training, {Rate(plan.InputDropoutRate)}, ws.Slice(L.Input, {size}), ws.Slice(L.Input_Mask, {size}), ws.Slice(L.Input_Dropped, {size}), _dropoutRandom);");
                }

                for (int i = 0; i < plan.Layers.Count; i++)
                {
                    LayerPlan layer = plan.Layers[i];
                    LayerSpec s = layer.Spec;
                    string n = layer.Name;
                    w.Line();
                    EmitLayerForward(w, plan, i);
                    if (layer.DropoutAfterRate > 0)
                    {
                        string size = OutLength(layer);
                        w.Line($"// dropout on {n}'s output (rate {Rate(layer.DropoutAfterRate)}), in training only");
                        w.Line($"global::RnnGen.Layers.DropoutKernel.Forward(_training, {Rate(layer.DropoutAfterRate)}, ws.Slice({RawOutOffset(layer)}, {size}), ws.Slice(L.{n}_Mask, {size}), ws.Slice(L.{n}_Dropped, {size}), _dropoutRandom);");
                    }
                }
            }

            w.Line();
        }

        /// <summary>One layer's forward pass inside Run.</summary>
        private static void EmitLayerForward(SourceWriter w, ModelPlan plan, int i)
        {
            ModelSpec m = plan.Model;
            {
                {
                    LayerPlan layer = plan.Layers[i];
                    LayerSpec s = layer.Spec;
                    string n = layer.Name;
                    switch (s.Kind)
                    {
                        case LayerKind.Embedding:
                            w.Line($"// {n}: e[B, T, {Int(s.Units)}] = weight[tokens[b, t], :]");
                            w.Line($"global::RnnGen.Layers.EmbeddingKernel.Forward({Int(s.VocabularySize)}, {Int(s.Units)}, tokens, {Slice(layer.Tensors[0])}, ws.Slice(L.{n}_Out, B * T * {Int(s.Units)}));");
                            break;
                        case LayerKind.Dense:
                        {
                            string rows = layer.InputIsSequence ? "B * T" : "B";
                            string x = i == 0 ? $"ws.Slice({InputOffset(plan)}, B * T * {Int(m.InputSize)})" : $"ws.Slice({OutOffset(plan.Layers[i - 1])}, {OutLength(plan.Layers[i - 1])})";
                            string act = $"global::RnnGen.Activation.{s.Activation}";
                            if (i == plan.Layers.Count - 1 && plan.FusedLoss)
                            {
                                act = $"logits ? global::RnnGen.Activation.Linear : {act}";
                            }

                            w.Line($"// {n}: y[{(layer.InputIsSequence ? "B·T" : "B")}, {Int(s.Units)}] = {s.Activation.ToString().ToLowerInvariant()}(x · Wᵀ + b)");
                            w.Line($"global::RnnGen.Layers.DenseKernel.Forward({rows}, {Int(layer.InputWidth)}, {Int(s.Units)}, {act}, {x}, {Int(layer.InputWidth)}, {Slice(layer.Tensors[0])}, {Slice(layer.Tensors[1])}, ws.Slice(L.{n}_Out, {rows} * {Int(s.Units)}));");
                            break;
                        }

                        default:
                            for (int d = 0; d < s.Directions; d++)
                            {
                                string steps = d == 0 ? "t = 0 … len_b − 1" : "t = len_b − 1 … 0";
                                string final = s.ReturnSequences ? $"h[B, T, {Int(s.Units)}]" : $"h_last[B, {Int(s.Units)}]";
                                w.Line($"// {n}, {(d == 0 ? "forward" : "backward")} direction ({steps}), x[B, T, {Int(layer.InputWidth)}] → {final}:");
                                w.Line($"//   {CellEquation(s)}");
                                w.Line($"{KernelName(s)}.Forward<{layer.ShapeStruct}>({ActivationArgument(s)}{n}Weights({Int(d)}), {n}Sequence({Int(d)}, L, ws, lengths, useState));");
                            }

                            if (s.Bidirectional)
                            {
                                string rows = s.ReturnSequences ? "B * T" : "B";
                                string src = s.ReturnSequences ? "Hidden" : "Final";
                                string len = s.ReturnSequences ? $"B * T * {Int(s.Units)}" : $"B * {Int(s.Units)}";
                                w.Line($"// {n}: merge the directions ({s.Merge}) → [{(s.ReturnSequences ? "B, T" : "B")}, {Int(layer.OutputWidth)}]");
                                w.Line($"global::RnnGen.Layers.MergeKernel.Forward(global::RnnGen.MergeMode.{s.Merge}, {rows}, {Int(s.Units)}, ws.Slice(L.{n}_{src}0, {len}), ws.Slice(L.{n}_{src}1, {len}), ws.Slice(L.{n}_Out, {rows} * {Int(layer.OutputWidth)}));");
                            }

                            if (s.Residual)
                            {
                                string size = $"B * T * {Int(layer.OutputWidth)}";
                                string x = i == 0 ? $"ws.Slice({InputOffset(plan)}, {size})" : $"ws.Slice({OutOffset(plan.Layers[i - 1])}, {size})";
                                string h = s.Bidirectional ? $"ws.Slice(L.{n}_Out, {size})" : $"ws.Slice(L.{n}_Hidden0, {size})";
                                w.Line($"// {n}: residual connection, y_t = h_t + x_t (padded steps stay zero)");
                                w.Line($"global::System.Numerics.Tensors.TensorPrimitives.Add({h}, {x}, ws.Slice(L.{n}_Out, {size}));");
                                w.Line($"if (!lengths.IsEmpty) global::RnnGen.Generated.Guard.ZeroPaddedRows(ws.Slice(L.{n}_Out, {size}), lengths, T, {Int(layer.OutputWidth)});");
                            }

                            break;
                    }
                }
            }
        }

        internal static string ActivationArgument(LayerSpec s) => s.Kind == LayerKind.SimpleRnn ? $"global::RnnGen.Activation.{s.Activation}, " : string.Empty;

        private static string CellEquation(LayerSpec s) => s.Kind switch
        {
            LayerKind.Lstm when s.Peepholes => "i, f = σ(W x + U h + p ⊙ c + b), g = tanh(…), c' = f ⊙ c + i ⊙ g, o = σ(W x + U h + p ⊙ c' + b), h' = o ⊙ tanh(c')",
            LayerKind.Lstm => "[i f g o] = [σ σ tanh σ](x · W_ihᵀ + h · W_hhᵀ + b), c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c')",
            LayerKind.Gru when s.ResetAfter => "r, z = σ(…), n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h",
            LayerKind.Gru => "r, z = σ(…), n = tanh(W_in x + W_hn (r ⊙ h) + b_n), h' = (1 − z) ⊙ n + z ⊙ h",
            _ => $"h' = {s.Activation.ToString().ToLowerInvariant()}(x · W_ihᵀ + h · W_hhᵀ + b)",
        };

        private static void EmitPredict(SourceWriter w, ModelPlan plan)
        {
            ModelSpec m = plan.Model;
            string outShape = plan.OutputIsSequence ? "[batchSize, timeSteps, OutputSize]" : "[batchSize, OutputSize]";
            string inShape = plan.TakesTokens ? "token ids [batchSize, timeSteps]" : "[batchSize, timeSteps, InputSize]";
            w.Line("/// <summary>Runs the model over a batch of sequences (batch-first).</summary>");
            w.Line($"/// <param name=\"{InputName(plan)}\">{inShape}.</param>");
            w.Line("/// <param name=\"batchSize\">Sequences in the batch.</param>");
            w.Line("/// <param name=\"timeSteps\">Steps per (padded) sequence.</param>");
            w.Line($"/// <param name=\"outputs\">{outShape}" + (plan.OutputIsSequence ? "; rows of padded steps are zero." : ".") + "</param>");
            w.Line("/// <param name=\"lengths\">Optional [batchSize] lengths in 1…timeSteps: steps past a sequence's length are padding and change nothing.</param>");
            using (w.Block($"public void Predict({InputParameter(plan)}, int batchSize, int timeSteps, global::System.Span<float> outputs, global::System.ReadOnlySpan<int> lengths = default)"))
            {
                w.Line($"Layout L = Prepare({InputName(plan)}, batchSize, timeSteps, lengths, ref _workspace);");
                w.Line($"global::RnnGen.Generated.Guard.Length(nameof(outputs), outputs.Length, batchSize, {(plan.OutputIsSequence ? "timeSteps" : "1")}, OutputSize, \"{outShape}\");");
                w.Line("_hasTrained = false; // the workspace no longer holds the caches of a training Forward");
                w.Line($"Run(L, _workspace, {(plan.TakesTokens ? "tokens" : "default")}, lengths, useState: false, logits: false);");
                w.Line("CopyOutput(L, _workspace, outputs, lengths);");
            }

            w.Line();
            w.Line("/// <summary>Checks the arguments, sizes the workspace and copies the inputs into it.</summary>");
            using (w.Block($"private Layout Prepare({InputParameter(plan)}, int batchSize, int timeSteps, global::System.ReadOnlySpan<int> lengths, ref float[] workspace)"))
            {
                w.Line("global::RnnGen.Generated.Guard.Positive(nameof(batchSize), batchSize);");
                w.Line("global::RnnGen.Generated.Guard.Positive(nameof(timeSteps), timeSteps);");
                if (plan.TakesTokens)
                {
                    w.Line("global::RnnGen.Generated.Guard.Length(nameof(tokens), tokens.Length, batchSize, timeSteps, 1, \"[batchSize, timeSteps]\");");
                }
                else
                {
                    w.Line("global::RnnGen.Generated.Guard.Length(nameof(inputs), inputs.Length, batchSize, timeSteps, InputSize, \"[batchSize, timeSteps, InputSize]\");");
                }

                w.Line("global::RnnGen.Generated.Guard.Lengths(nameof(lengths), lengths, batchSize, timeSteps);");
                EmitWorkspaceLayout(w, "batchSize, timeSteps", "batchSize, timeSteps");
                if (!plan.TakesTokens)
                {
                    w.Line("inputs.CopyTo(workspace.AsSpan(L.Input, inputs.Length));");
                    w.Line("// Whatever fills the padding (even NaN) must not reach a weight gradient, which sums x over every row.");
                    w.Line("if (!lengths.IsEmpty) global::RnnGen.Generated.Guard.ZeroPaddedRows(workspace.AsSpan(L.Input, inputs.Length), lengths, timeSteps, InputSize);");
                }

                w.Line("return L;");
            }

            w.Line();
            using (w.Block("private static void CopyOutput(in Layout L, float[] workspace, global::System.Span<float> outputs, global::System.ReadOnlySpan<int> lengths)"))
            {
                w.Line("int B = L.Batch, T = L.Time;");
                w.Line($"workspace.AsSpan({OutOffset(plan.Last)}, {OutLength(plan.Last)}).CopyTo(outputs);");
                if (plan.OutputIsSequence)
                {
                    w.Line("global::RnnGen.Generated.Guard.ZeroPaddedRows(outputs, lengths, T, OutputSize);");
                }
            }

            w.Line();
        }

        private static void EmitState(SourceWriter w, ModelPlan plan)
        {
            var slots = new List<(string Name, string Doc, int Units)>();
            foreach (LayerPlan layer in plan.Recurrent)
            {
                for (int d = 0; d < layer.Spec.Directions; d++)
                {
                    string suffix = d == 1 ? "Reverse" : string.Empty;
                    slots.Add((layer.Name + "Hidden" + suffix, $"{layer.Name} {(d == 1 ? "backward-direction " : string.Empty)}hidden state [BatchSize, {Int(layer.Units)}]", layer.Units));
                    if (layer.Spec.Kind == LayerKind.Lstm)
                    {
                        slots.Add((layer.Name + "Cell" + suffix, $"{layer.Name} {(d == 1 ? "backward-direction " : string.Empty)}cell state [BatchSize, {Int(layer.Units)}]", layer.Units));
                    }
                }
            }

            int perRow = slots.Sum(s => s.Units);
            w.Line("/// <summary>The recurrent state of every layer for a batch of streams: what <c>Step</c> carries from one step to the next,");
            w.Line("/// and the initial/final state of a stateful <c>Forward</c> (truncated BPTT).</summary>");
            using (w.Block("public sealed class State : global::RnnGen.IRecurrentState"))
            {
                w.Line("/// <summary>Floats of state per stream.</summary>");
                w.Line($"public const int SizePerStream = {Int(perRow)};");
                w.Line("private readonly float[] _values;");
                w.Line();
                w.Line("/// <summary>Creates a zero state for <paramref name=\"batchSize\"/> streams.</summary>");
                using (w.Block("public State(int batchSize = 1)"))
                {
                    w.Line("global::RnnGen.Generated.Guard.Positive(nameof(batchSize), batchSize);");
                    w.Line("BatchSize = batchSize;");
                    w.Line("_values = new float[batchSize * SizePerStream];");
                }

                w.Line();
                w.Line("/// <summary>Number of streams.</summary>");
                w.Line("public int BatchSize { get; }");
                w.Line();
                w.Line("/// <summary>All of the state, one buffer.</summary>");
                w.Line("public global::System.Span<float> Values => _values;");
                w.Line();
                w.Line("/// <summary>Sets every state to zero (a new sequence starts).</summary>");
                w.Line("public void Reset() => global::System.Array.Clear(_values);");
                int offset = 0;
                foreach (var slot in slots)
                {
                    w.Line();
                    w.Line($"/// <summary>{slot.Doc}.</summary>");
                    w.Line($"public global::System.Span<float> {slot.Name} => _values.AsSpan(BatchSize * {Int(offset)}, BatchSize * {Int(slot.Units)});");
                    offset += slot.Units;
                }
            }

            w.Line();
            w.Line("/// <summary>A zero state for <paramref name=\"batchSize\"/> streams.</summary>");
            w.Line("public State CreateState(int batchSize = 1) => new State(batchSize);");
            if (!plan.TakesTokens)
            {
                w.Line();
                w.Line("global::RnnGen.IRecurrentState global::RnnGen.ISequenceModel.CreateRecurrentState(int batchSize) => new State(batchSize);");
                w.Line();
                w.Line("void global::RnnGen.ISequenceModel.Forward(global::System.ReadOnlySpan<float> inputs, int batchSize, int timeSteps, global::System.Span<float> outputs, global::System.ReadOnlySpan<int> lengths, global::RnnGen.IRecurrentState? state)");
                w.Line("    => Forward(inputs, batchSize, timeSteps, outputs, lengths, AsState(state));");
                w.Line();
                w.Line("void global::RnnGen.ISequenceModel.Backward(global::System.ReadOnlySpan<float> outputGradient, global::RnnGen.IRecurrentState? finalStateGradient, global::System.Span<float> inputGradient, global::RnnGen.IRecurrentState? initialStateGradient)");
                w.Line("    => Backward(outputGradient, AsState(finalStateGradient), inputGradient, AsState(initialStateGradient));");
                w.Line();
                w.Line("private static State? AsState(global::RnnGen.IRecurrentState? state) => state is null ? null : state as State ?? throw new global::System.ArgumentException($\"Expected a {typeof(State).FullName} but got a {state.GetType().FullName}.\", nameof(state));");
            }
            w.Line();
            using (w.Block("private static void CheckState(string name, State? state, int batchSize)"))
            {
                w.Line("if (state is not null && state.BatchSize != batchSize)");
                w.Line("    throw new global::System.ArgumentException($\"{name}: expected a state for batchSize = {batchSize} streams but it holds {state.BatchSize}.\", name);");
            }

            w.Line();
            using (w.Block("private static void LoadState(in Layout L, float[] workspace, State state)"))
            {
                w.Line("int B = L.Batch;");
                foreach (LayerPlan layer in plan.Recurrent)
                {
                    for (int d = 0; d < layer.Spec.Directions; d++)
                    {
                        string suffix = d == 1 ? "Reverse" : string.Empty;
                        w.Line($"state.{layer.Name}Hidden{suffix}.CopyTo(workspace.AsSpan(L.{layer.Name}_Init{d}, B * {Int(layer.Units)}));");
                        if (layer.Spec.Kind == LayerKind.Lstm)
                        {
                            w.Line($"state.{layer.Name}Cell{suffix}.CopyTo(workspace.AsSpan(L.{layer.Name}_InitCell{d}, B * {Int(layer.Units)}));");
                        }
                    }
                }
            }

            w.Line();
            using (w.Block("private static void SaveState(in Layout L, float[] workspace, State state)"))
            {
                w.Line("int B = L.Batch;");
                foreach (LayerPlan layer in plan.Recurrent)
                {
                    for (int d = 0; d < layer.Spec.Directions; d++)
                    {
                        string suffix = d == 1 ? "Reverse" : string.Empty;
                        w.Line($"workspace.AsSpan(L.{layer.Name}_Final{d}, B * {Int(layer.Units)}).CopyTo(state.{layer.Name}Hidden{suffix});");
                        if (layer.Spec.Kind == LayerKind.Lstm)
                        {
                            w.Line($"workspace.AsSpan(L.{layer.Name}_FinalCell{d}, B * {Int(layer.Units)}).CopyTo(state.{layer.Name}Cell{suffix});");
                        }
                    }
                }
            }

            w.Line();
        }

        private static void EmitStep(SourceWriter w, ModelPlan plan)
        {
            if (plan.HasBidirectional)
            {
                return;
            }

            string outShape = "[state.BatchSize, OutputSize]";
            if (plan.TakesTokens)
            {
                w.Line("/// <summary>Advances one stream by one token; <paramref name=\"output\"/> [OutputSize] is what Predict would output if the sequence ended here.</summary>");
                using (w.Block("public void Step(int token, global::System.Span<float> output, State state)"))
                {
                    w.Line("Step(global::System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref token, 1), output, state);");
                }

                w.Line();
            }

            w.Line("/// <summary>Advances every stream of <paramref name=\"state\"/> by one time step (state carried); <paramref name=\"output\"/> " + outShape + " is what Predict would output if the sequences ended here.</summary>");
            using (w.Block($"public void Step({InputParameter(plan)}, global::System.Span<float> output, State state)"))
            {
                w.Line("global::System.ArgumentNullException.ThrowIfNull(state);");
                w.Line("int B = state.BatchSize;");
                w.Line($"Layout L = Prepare({InputName(plan)}, B, 1, default, ref _stepWorkspace);");
                w.Line($"global::RnnGen.Generated.Guard.Length(nameof(output), output.Length, B, 1, OutputSize, \"{outShape}\");");
                w.Line("LoadState(L, _stepWorkspace, state);");
                w.Line($"Run(L, _stepWorkspace, {(plan.TakesTokens ? "tokens" : "default")}, default, useState: true, logits: false);");
                w.Line("SaveState(L, _stepWorkspace, state);");
                w.Line($"_stepWorkspace.AsSpan({OutOffset(plan.Last)}, B * OutputSize).CopyTo(output);");
            }

            w.Line();
            if (plan.TakesTokens && plan.OutputIsSequence && plan.Last.Spec.Kind == LayerKind.Dense && plan.Last.Spec.Activation == ActivationKind.Softmax
                && plan.OutputSize <= plan.Layers[0].Spec.VocabularySize)
            {
                EmitGenerate(w);
            }
        }

        /// <summary>One-to-many generation from a many-to-many token model: the prefix primes the state, then each chosen token is fed back.</summary>
        private static void EmitGenerate(SourceWriter w)
        {
            w.Line("/// <summary>");
            w.Line("/// Generates <c>output.Length</c> tokens: steps through <paramref name=\"prefix\"/> (at least one token) to prime <paramref name=\"state\"/>,");
            w.Line("/// then repeatedly chooses the next token with <paramref name=\"sampler\"/> (greedy, temperature, top-k) and feeds it back. Allocates nothing.");
            w.Line("/// </summary>");
            using (w.Block("public void Generate(global::System.ReadOnlySpan<int> prefix, global::System.Span<int> output, global::RnnGen.Generation.TokenSampler sampler, State state)"))
            {
                w.Line("global::System.ArgumentNullException.ThrowIfNull(sampler);");
                w.Line("global::RnnGen.Generated.Guard.Positive(\"prefix.Length\", prefix.Length);");
                w.Line("global::System.ArgumentNullException.ThrowIfNull(state);");
                w.Line("CheckState(nameof(state), state, 1);");
                w.Line("if (_generated.Length < OutputSize) _generated = new float[OutputSize];");
                w.Line("global::System.Span<float> probabilities = _generated.AsSpan(0, OutputSize);");
                w.Line("foreach (int token in prefix) Step(token, probabilities, state);");
                using (w.Block("for (int i = 0; i < output.Length; i++)"))
                {
                    w.Line("output[i] = sampler.Next(probabilities);");
                    w.Line("if (i + 1 < output.Length) Step(output[i], probabilities, state);");
                }
            }

            w.Line();
            w.Line("private float[] _generated = global::System.Array.Empty<float>();");
            w.Line();
            w.Line("/// <summary>Generates <paramref name=\"count\"/> tokens after <paramref name=\"prefix\"/> from a fresh state; <paramref name=\"options\"/> default to greedy.</summary>");
            using (w.Block("public int[] Generate(global::System.ReadOnlySpan<int> prefix, int count, global::RnnGen.Generation.SamplingOptions? options = null)"))
            {
                w.Line("global::RnnGen.Generated.Guard.Positive(nameof(count), count);");
                w.Line("var output = new int[count];");
                w.Line("Generate(prefix, output, new global::RnnGen.Generation.TokenSampler(options ?? global::RnnGen.Generation.SamplingOptions.Greedy), CreateState());");
                w.Line("return output;");
            }

            w.Line();
        }

        private static void EmitRecurrentHelpers(SourceWriter w, ModelPlan plan, bool sequences = true)
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

                if (!sequences)
                {
                    continue;
                }

                string input = i == 0 ? InputOffset(plan) : OutOffset(plan.Layers[i - 1]);
                string inWidth = Int(layer.InputWidth);
                string h = Int(s.Units);
                bool lstm = s.Kind == LayerKind.Lstm;
                w.Line($"/// <summary>{n}'s sequence arguments for one direction over the batch described by <paramref name=\"L\"/>.</summary>");
                using (w.Block($"private static global::RnnGen.Layers.RecurrentSequence {n}Sequence(int direction, in Layout L, global::System.Span<float> ws, global::System.ReadOnlySpan<int> lengths, bool useState)"))
                {
                    w.Line("int B = L.Batch, T = L.Time;");
                    string Pick(string field) => s.Directions == 2 ? $"(direction == 0 ? L.{n}_{field}0 : L.{n}_{field}1)" : $"L.{n}_{field}0";
                    w.Line("return new global::RnnGen.Layers.RecurrentSequence");
                    w.Line("{");
                    w.Indent();
                    w.Line("Batch = B,");
                    w.Line("Time = T,");
                    w.Line("Reverse = direction == 1,");
                    w.Line("Lengths = lengths,");
                    w.Line($"Input = ws.Slice({input}, B * T * {inWidth}),");
                    w.Line($"InputStride = {inWidth},");
                    w.Line($"InitialHidden = useState ? ws.Slice({Pick("Init")}, B * {h}) : default,");
                    if (lstm)
                    {
                        w.Line($"InitialCell = useState ? ws.Slice({Pick("InitCell")}, B * {h}) : default,");
                    }

                    w.Line($"Hidden = ws.Slice({Pick("Hidden")}, B * T * {h}),");
                    w.Line($"FinalHidden = ws.Slice({Pick("Final")}, B * {h}),");
                    if (lstm)
                    {
                        w.Line($"FinalCell = ws.Slice({Pick("FinalCell")}, B * {h}),");
                    }

                    w.Line($"Cache = ws.Slice({Pick("Cache")}, {KernelName(s)}.CacheSize<{layer.ShapeStruct}>(B, T)),");
                    w.Outdent();
                    w.Line("};");
                }

                w.Line();
            }
        }
    }
}
