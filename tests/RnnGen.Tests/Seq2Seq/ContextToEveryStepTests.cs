using RnnGen.Seq2Seq;

namespace RnnGen.Tests.Seq2Seq;

/// <summary>
/// <c>ContextToEveryStep</c> (Cho et al. 2014, p(y_t | …) = f(y_(t−1), s_t, C)): C, the encoder's final state, reaches
/// every decoder step's input and the output layer, and its gradient flows back into the encoder from every step.
/// </summary>
public sealed class ContextToEveryStepTests
{
    private static readonly int[] Source = { 3, 4, 5, 6, 7, 3, 8, 0, 4, 5, 6, 0 };
    private static readonly int[] SourceLengths = { 6, 4 };
    private static readonly int[] Targets = { 5, 6, 7, 2, 8, 3, 2, 0 };
    private static readonly int[] TargetLengths = { 4, 3 };

    private static Seq2SeqBatch Batch() => new()
    {
        BatchSize = 2, SourceSteps = 6, Source = Source, SourceLengths = SourceLengths, TargetSteps = 4, Targets = Targets, TargetLengths = TargetLengths,
    };

    [Fact]
    public void The_decoder_input_and_the_output_layer_are_wider_by_the_context()
    {
        var gru = new ContextGru();
        // x_t = [e(y_(t−1)); C]: 4 + 8 columns; the output reads [s_t; C]: 8 + 8
        Assert.Equal(new[] { 24, 12 }, gru.NamedParameters.Single(t => t.Name == "Writer.weight_ih_l0").Shape);
        Assert.Equal(new[] { 9, 16 }, gru.NamedParameters.Single(t => t.Name == "Output.weight").Shape);
        var stack = new ContextStack();
        Assert.Equal(new[] { 18, 5 + 8 }, stack.NamedParameters.Single(t => t.Name == "First.weight_ih_l0").Shape);
        Assert.Equal(new[] { 9, 16 }, stack.NamedParameters.Single(t => t.Name == "Output.weight").Shape);
    }

    [Fact]
    public void Gradients_match_finite_differences_and_reach_every_encoder_tensor()
    {
        var gru = new ContextGru(seed: 3);
        EncoderDecoderParityTests.CheckFiniteDifferences("ContextGru", gru, gru.NamedParameters, () => gru.Forward(Batch(), default));
        var stack = new ContextStack(seed: 4);
        EncoderDecoderParityTests.CheckFiniteDifferences("ContextStack", stack, stack.NamedParameters, () => stack.Forward(Batch(), default));
    }

    [Fact]
    public void With_zero_context_weights_it_computes_what_the_plain_model_computes()
    {
        // the same weights as PlainLstm and zeros where C enters: the context must enter nowhere else
        var plain = new PlainLstm(seed: 5);
        var context = new ContextLstm(seed: 6);
        foreach (NamedTensor to in context.NamedParameters)
        {
            NamedTensor from = plain.NamedParameters.Single(t => t.Name == to.Name);
            Span<float> target = to.Values.Span;
            target.Clear();
            int rows = to.Shape[0], columns = to.Shape.Length > 1 ? to.Shape[1] : 1, fromColumns = from.Shape.Length > 1 ? from.Shape[1] : 1;
            for (int r = 0; r < rows; r++)
            {
                from.Values.Span.Slice(r * fromColumns, fromColumns).CopyTo(target.Slice(r * columns));
            }
        }

        var plainOutputs = new float[2 * 4 * 9];
        var contextOutputs = new float[2 * 4 * 9];
        Assert.Equal(plain.Forward(Batch(), plainOutputs), context.Forward(Batch(), contextOutputs), 6);
        for (int i = 0; i < plainOutputs.Length; i++) Assert.Equal(plainOutputs[i], contextOutputs[i], 6);

        // and once trained a little, the context changes what it computes
        context.Gradients.Clear();
        context.Forward(Batch(), default);
        context.Backward();
        Assert.Contains(context.NamedGradients.Single(t => t.Name == "Writer.weight_ih_l0").Values.ToArray().Skip(0), g => g != 0);
        float[] writerGradient = context.NamedGradients.Single(t => t.Name == "Writer.weight_ih_l0").Values.ToArray();
        Assert.Contains(Enumerable.Range(0, 32).SelectMany(r => writerGradient.Skip(r * 12 + 4).Take(8)), g => g != 0); // ∂ of the C columns
    }

    [Fact]
    public void Beam_search_of_width_1_equals_greedy_and_the_batch_decoder_agrees()
    {
        foreach (IEncoderDecoderModel model in new IEncoderDecoderModel[] { new ContextGru(seed: 1), new ContextStack(seed: 2) })
        {
            var random = new Random(8);
            var greedy = new int[6];
            var beam = new int[6];
            var sources = Enumerable.Range(0, 20).Select(_ => Enumerable.Range(0, random.Next(2, 6)).Select(_ => random.Next(3, 9)).ToArray()).ToList();
            foreach (int[] source in sources)
            {
                int greedyLength = model is ContextGru g ? g.Decode(source, greedy) : ((ContextStack)model).Decode(source, greedy);
                int beamLength = model is ContextGru gb ? gb.DecodeBeam(source, beam, 1, out _) : ((ContextStack)model).DecodeBeam(source, beam, 1, out _);
                Assert.Equal(greedy.AsSpan(0, greedyLength).ToArray(), beam.AsSpan(0, beamLength).ToArray());
            }

            int S = sources.Max(s => s.Length);
            var flat = new int[sources.Count * S];
            for (int i = 0; i < sources.Count; i++) sources[i].CopyTo(flat, i * S);
            var outputs = new int[sources.Count * 6];
            var lengths = new int[sources.Count];
            model.Decode(flat, sources.Count, S, sources.Select(s => s.Length).ToArray(), outputs, 6, lengths);
            for (int i = 0; i < sources.Count; i++)
            {
                int length = model is ContextGru g ? g.Decode(sources[i], greedy) : ((ContextStack)model).Decode(sources[i], greedy);
                Assert.Equal(greedy.AsSpan(0, length).ToArray(), outputs.AsSpan(i * 6, lengths[i]).ToArray());
            }
        }
    }

    [Fact]
    public void A_beam_hypothesis_scores_its_teacher_forced_log_probability()
    {
        var model = new ContextGru(seed: 9);
        var output = new int[10];
        int checkedHypotheses = 0;
        var random = new Random(4);
        for (int n = 0; n < 12; n++)
        {
            int[] source = Enumerable.Range(0, random.Next(2, 6)).Select(_ => random.Next(3, 9)).ToArray();
            int length = model.DecodeBeam(source, output, 3, out float score);
            if (length == output.Length) continue; // no end token within the limit: not a complete hypothesis

            // log p(y_1 … y_n, end | x) = −(n + 1) · mean cross-entropy of the teacher-forced targets
            int[] targets = output.Take(length).Append(ContextGru.EndToken).ToArray();
            float loss = model.Forward(new Seq2SeqBatch { BatchSize = 1, SourceSteps = source.Length, Source = source, TargetSteps = targets.Length, Targets = targets });
            Assert.True(Math.Abs(-loss * targets.Length - score) < 1e-3 * Math.Max(1, Math.Abs(score)), $"beam score {score}, teacher-forced log-probability {-loss * targets.Length}");
            checkedHypotheses++;
        }

        Assert.True(checkedHypotheses > 0, "no beam ended within 10 tokens");
    }
}
