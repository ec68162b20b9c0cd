using RnnGen.Seq2Seq;
using RnnGen.Training;

namespace RnnGen.Tests.Seq2Seq;

/// <summary>Training, decoding, scheduled sampling, allocation and argument checks of generated encoder-decoder models.</summary>
public sealed class EncoderDecoderBehaviourTests
{
    /// <summary>Sequences of tokens 3…8 (lengths 2…5) and their reversal: source tokens and target tokens share ids.</summary>
    private static Seq2SeqDataSet ReversalData(int count, int seed, out List<int[]> sources)
    {
        var random = new Random(seed);
        sources = new List<int[]>();
        var targets = new List<int[]>();
        for (int i = 0; i < count; i++)
        {
            int[] s = Enumerable.Range(0, random.Next(2, 6)).Select(_ => random.Next(3, 9)).ToArray();
            sources.Add(s);
            targets.Add(s.Reverse().ToArray());
        }

        return new Seq2SeqDataSet(sources, targets, endToken: 2);
    }

    private static AdditiveLstm TrainReversal(int steps)
    {
        var model = new AdditiveLstm(seed: 3);
        Seq2SeqDataSet data = ReversalData(512, 1, out _);
        var optimizer = new Adam(learningRate: 0.01f) { ClipNorm = 5f };
        var random = new RnnGen.Initialization.DeterministicRandom(2);
        int batches = data.BatchCount(32);
        for (int step = 0; step < steps; step++)
        {
            if (step % batches == 0) data.Shuffle(random, 32, 4);
            Seq2SeqBatch batch = data.GetBatch(step % batches, 32);
            model.ZeroGradients();
            model.Forward(batch);
            model.Backward();
            optimizer.Update(model.Parameters, model.Gradients);
        }

        return model;
    }

    [Fact]
    public void An_attention_model_learns_to_reverse_sequences_and_decodes_them_greedily()
    {
        AdditiveLstm model = TrainReversal(600);
        ReversalData(200, 99, out List<int[]> sources);
        int correct = 0;
        var output = new int[8];
        foreach (int[] source in sources)
        {
            int length = model.Decode(source, output);
            if (output.AsSpan(0, length).SequenceEqual(source.Reverse().ToArray())) correct++;
        }

        Assert.True(correct >= 180, $"reversed {correct} of 200 held-out sequences");
    }

    [Fact]
    public void Beam_search_of_width_1_equals_greedy_decoding()
    {
        foreach (IEncoderDecoderModel model in new IEncoderDecoderModel[] { TrainReversal(150), new GeneralGru(1), new DotRnn(2), new PlainLstm(3) })
        {
            ReversalData(60, 7, out List<int[]> sources);
            var greedy = new int[6];
            var beam = new int[6];
            int ended = 0;
            foreach (int[] source in sources)
            {
                int greedyLength = Greedy(model, source, greedy);
                int beamLength = Beam(model, source, beam, 1, out _);
                Assert.Equal(greedy.AsSpan(0, greedyLength).ToArray(), beam.AsSpan(0, beamLength).ToArray());
                if (greedyLength < greedy.Length) ended++;
            }

            // the batch decoder agrees with the one-sequence decoder
            int S = sources.Max(s => s.Length);
            var flat = new int[sources.Count * S];
            for (int i = 0; i < sources.Count; i++) sources[i].CopyTo(flat, i * S);
            var outputs = new int[sources.Count * 6];
            var lengths = new int[sources.Count];
            model.Decode(flat, sources.Count, S, sources.Select(s => s.Length).ToArray(), outputs, 6, lengths);
            for (int i = 0; i < sources.Count; i++)
            {
                int length = Greedy(model, sources[i], greedy);
                Assert.Equal(greedy.AsSpan(0, length).ToArray(), outputs.AsSpan(i * 6, lengths[i]).ToArray());
            }
        }
    }

    private static int Greedy(IEncoderDecoderModel model, int[] source, int[] output) => model switch
    {
        AdditiveLstm m => m.Decode(source, output),
        GeneralGru m => m.Decode(source, output),
        DotRnn m => m.Decode(source, output),
        PlainLstm m => m.Decode(source, output),
        _ => throw new ArgumentException(nameof(model)),
    };

    private static int Beam(IEncoderDecoderModel model, int[] source, int[] output, int width, out float score) => model switch
    {
        AdditiveLstm m => m.DecodeBeam(source, output, width, out score),
        GeneralGru m => m.DecodeBeam(source, output, width, out score),
        DotRnn m => m.DecodeBeam(source, output, width, out score),
        PlainLstm m => m.DecodeBeam(source, output, width, out score),
        _ => throw new ArgumentException(nameof(model)),
    };

    [Fact]
    public void A_beam_hypothesis_scores_its_teacher_forced_log_probability_and_wider_beams_score_no_lower()
    {
        AdditiveLstm model = TrainReversal(150);
        ReversalData(30, 11, out List<int[]> sources);
        var output = new int[8];
        foreach (int[] source in sources)
        {
            float narrow = float.NegativeInfinity;
            foreach (int width in new[] { 1, 3 })
            {
                int length = model.DecodeBeam(source, output, width, out float score);
                if (length == output.Length) continue; // no end token within the limit: not a complete hypothesis

                // log p(y_1 … y_n, end | x) = −(n + 1) · mean cross-entropy of the teacher-forced targets
                int[] targets = output.Take(length).Append(AdditiveLstm.EndToken).ToArray();
                float loss = model.Forward(new Seq2SeqBatch { BatchSize = 1, SourceSteps = source.Length, Source = source, TargetSteps = targets.Length, Targets = targets });
                Assert.True(Math.Abs(-loss * targets.Length - score) < 1e-3 * Math.Max(1, Math.Abs(score)), $"beam score {score}, teacher-forced log-probability {-loss * targets.Length}");
                if (width == 1) narrow = score;
                else Assert.True(score >= narrow - 1e-4, $"width 3 found {score}, width 1 {narrow}");
            }
        }
    }

    [Fact]
    public void Scheduled_sampling_is_reproducible_and_changes_what_the_decoder_is_fed()
    {
        var model = new AdditiveLstm(seed: 4);
        Seq2SeqDataSet data = ReversalData(32, 5, out _);
        Seq2SeqBatch Batch(float ratio) => data.GetBatch(0, 32, ratio);
        float forced = model.Forward(Batch(1f));
        model.ResetRandom(8);
        float sampledA = model.Forward(Batch(0.5f));
        model.ResetRandom(8);
        float sampledB = model.Forward(Batch(0.5f));
        float free = model.Forward(Batch(0f));
        Assert.Equal(sampledA, sampledB);
        Assert.NotEqual(forced, free);
        Assert.NotEqual(forced, sampledA);

        // the gradient of a scheduled-sampling batch is the gradient of the loss with the same choices (a trained model, whose
        // most likely tokens do not flip under the small perturbation)
        model = TrainReversal(150);
        model.ResetRandom(8);
        model.Gradients.Clear();
        model.Forward(Batch(0.5f));
        model.Backward();
        float[] g = model.Gradients.ToArray();
        Span<float> p = model.Parameters;
        var random = new Random(3);
        var direction = new float[p.Length];
        double analytic = 0;
        for (int i = 0; i < p.Length; i++)
        {
            direction[i] = (float)(random.NextDouble() * 2 - 1);
            analytic += direction[i] * g[i];
        }

        float[] saved = p.ToArray();
        const float eps = 1e-3f;
        for (int i = 0; i < p.Length; i++) p[i] = saved[i] + eps * direction[i];
        model.ResetRandom(8);
        double plus = model.Forward(Batch(0.5f));
        for (int i = 0; i < p.Length; i++) p[i] = saved[i] - eps * direction[i];
        model.ResetRandom(8);
        double minus = model.Forward(Batch(0.5f));
        saved.CopyTo(p);
        double numeric = (plus - minus) / (2 * eps);
        Assert.True(Math.Abs(numeric - analytic) <= 1e-2 * Math.Max(1, Math.Abs(analytic)), $"finite difference {numeric}, backward {analytic}");
    }

    [Fact]
    public void A_training_step_and_decoding_allocate_nothing_after_warm_up()
    {
        var model = new AdditiveLstm(seed: 5);
        Seq2SeqDataSet data = ReversalData(64, 6, out List<int[]> sources);
        var optimizer = new Adam(learningRate: 0.001f) { ClipNorm = 1f };
        var output = new int[8];
        var attention = new float[8 * sources[0].Length];
        var batchOutput = new int[4 * 8];
        var lengths = new int[4];
        int S = 5;
        var flat = new int[4 * S];
        for (int i = 0; i < 4; i++) sources[i].CopyTo(flat, i * S);
        int[] sourceLengths = sources.Take(4).Select(s => s.Length).ToArray();

        void Step()
        {
            Seq2SeqBatch batch = data.GetBatch(0, 64, 0.75f);
            model.ZeroGradients();
            model.Forward(batch);
            model.Backward();
            optimizer.Update(model.Parameters, model.Gradients);
            model.Decode(sources[0], output, attention);
            model.Decode(flat, 4, S, sourceLengths, batchOutput, 8, lengths);
            model.DecodeBeam(sources[1], output, 3, out _);
        }

        Step();
        Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Bad_batches_name_the_member_and_the_expected_value()
    {
        var model = new AdditiveLstm();
        int[] source = { 3, 4, 5 };
        var badToken = Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(new Seq2SeqBatch { BatchSize = 1, SourceSteps = 3, Source = source, TargetSteps = 2, Targets = new[] { 4, 9 } }));
        Assert.Contains("batch.Targets[1]: expected a token id in 0…8 but got 9", badToken.Message);
        var badLength = Assert.Throws<ArgumentException>(() => model.Forward(new Seq2SeqBatch { BatchSize = 1, SourceSteps = 3, Source = source, TargetSteps = 2, Targets = new[] { 4 } }));
        Assert.Contains("batch.Targets: expected [batchSize, targetSteps] = 1·2 = 2 elements but got 1", badLength.Message);
        var badRatio = Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(new Seq2SeqBatch { BatchSize = 1, SourceSteps = 3, Source = source, TargetSteps = 1, Targets = new[] { 2 }, TeacherForcing = 1.5f }));
        Assert.Contains("batch.TeacherForcing: expected a probability in [0, 1] but got 1.5", badRatio.Message);
        var badSource = Assert.Throws<ArgumentOutOfRangeException>(() => model.Decode(new[] { 3, 11 }, new int[4]));
        Assert.Contains("source[1]: expected a token id in 0…10 but got 11", badSource.Message);
        Assert.Throws<InvalidOperationException>(() => new AdditiveLstm().Backward());
    }

    [Fact]
    public void A_rejected_batch_leaves_the_last_forward_ready_for_backward()
    {
        Seq2SeqDataSet data = ReversalData(8, 12, out _);
        var expected = new AdditiveLstm(seed: 6);
        expected.Forward(data.GetBatch(0, 8));
        expected.Backward();

        var model = new AdditiveLstm(seed: 6);
        model.Forward(data.GetBatch(0, 8));
        int[] otherSource = { 4, 4, 4 };
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(new Seq2SeqBatch { BatchSize = 1, SourceSteps = 3, Source = otherSource, TargetSteps = 1, Targets = new[] { 99 } }));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(new Seq2SeqBatch { BatchSize = 1, SourceSteps = 3, Source = new[] { 4, 40, 4 }, TargetSteps = 1, Targets = new[] { 2 } }));
        model.Backward();
        Assert.Equal(expected.Gradients.ToArray(), model.Gradients.ToArray());
    }

    [Fact]
    public void Saved_weights_load_into_a_fresh_model_and_decode_the_same()
    {
        AdditiveLstm trained = TrainReversal(100);
        string path = Path.Combine(Path.GetTempPath(), $"rnngen-seq2seq-{Guid.NewGuid():N}.safetensors");
        try
        {
            trained.SaveWeights(path);
            var loaded = new AdditiveLstm(seed: 77);
            loaded.LoadWeights(path);
            Assert.Equal(trained.Parameters.ToArray(), loaded.Parameters.ToArray());
            var a = new int[8];
            var b = new int[8];
            int la = trained.Decode(new[] { 3, 5, 7, 8 }, a), lb = loaded.Decode(new[] { 3, 5, 7, 8 }, b);
            Assert.Equal(a.AsSpan(0, la).ToArray(), b.AsSpan(0, lb).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
