using System.Runtime.InteropServices;
using RnnGen.Generation;
using RnnGen.IO;
using RnnGen.Seq2Seq;
using RnnGen.Tests.Seq2Seq;
using RnnGen.Training;

namespace RnnGen.Tests.Reliability;

/// <summary>
/// The concurrency contract of encoder-decoder models: Decode, DecodeBeam and DecodeStep (each thread with its own
/// DecodingState) on one instance from several threads give the one-thread results bit for bit and allocate nothing in
/// steady state; training members refuse to overlap each other or decoding on another thread.
/// </summary>
public sealed class EncoderDecoderConcurrencyTests
{
    private const int Threads = 4, Calls = 10_000, Cases = 8, S = 4, MaxLength = 6, Beams = 3;

    /// <summary>Source case c: <see cref="S"/> tokens of the source vocabulary (3…10).</summary>
    private static int[] Source(int c) => Enumerable.Range(0, S).Select(i => 3 + (i * 5 + c * 3) % 8).ToArray();

    /// <summary><see cref="ConcurrentCalls.Run"/> with this class's <see cref="Threads"/> and <see cref="Calls"/>.</summary>
    private static long[] OnThreads(Action<int, int> body, int warmUp = Calls) => ConcurrentCalls.Run(Threads, Calls, body, warmUp);

    [Fact]
    public void Decode_from_four_threads_equals_one_thread_bitwise_and_allocates_nothing_after_warm_up()
    {
        var model = new AdditiveLstm(seed: 21);
        const int B = 3;
        int[][] sources = Enumerable.Range(0, Cases).Select(Source).ToArray();
        int[][] batches = Enumerable.Range(0, Cases).Select(c => Enumerable.Range(0, B).SelectMany(b => Source(c + b)).ToArray()).ToArray();
        int[] sourceLengths = { 4, 2, 3 };
        var expected = new (int[] Output, int Length, float[] Attention, int[] Batch, int[] Lengths)[Cases];
        for (int c = 0; c < Cases; c++)
        {
            var output = new int[MaxLength];
            var attention = new float[MaxLength * S];
            int length = model.Decode(sources[c], output, attention);
            var batch = new int[B * MaxLength];
            var lengths = new int[B];
            model.Decode(batches[c], B, S, sourceLengths, batch, MaxLength, lengths);
            expected[c] = (output, length, attention, batch, lengths);
        }

        Assert.True(expected.Select(e => string.Join(",", e.Batch)).Distinct().Count() > 1, "the cases should decode to different tokens");

        int[][] outputs = Enumerable.Range(0, Threads).Select(_ => new int[MaxLength]).ToArray();
        float[][] attentions = Enumerable.Range(0, Threads).Select(_ => new float[MaxLength * S]).ToArray();
        int[][] batchOutputs = Enumerable.Range(0, Threads).Select(_ => new int[B * MaxLength]).ToArray();
        int[][] batchLengths = Enumerable.Range(0, Threads).Select(_ => new int[B]).ToArray();
        int[] wrong = new int[Threads];
        void Call(int thread, int c)
        {
            int length = model.Decode(sources[c], outputs[thread], attentions[thread]);
            model.Decode(batches[c], B, S, sourceLengths, batchOutputs[thread], MaxLength, batchLengths[thread]);
            if (length != expected[c].Length || !outputs[thread].AsSpan(0, length).SequenceEqual(expected[c].Output.AsSpan(0, length)) || !Bitwise(attentions[thread], expected[c].Attention)
                || !batchOutputs[thread].AsSpan().SequenceEqual(expected[c].Batch) || !batchLengths[thread].AsSpan().SequenceEqual(expected[c].Lengths))
            {
                wrong[thread]++;
            }
        }

        long[] allocated = OnThreads((thread, call) => Call(thread, (call + thread) % Cases), warmUp: 10 * Cases);
        Assert.Equal(new int[Threads], wrong);
        Assert.Equal(new long[Threads], allocated); // measured on each thread while the four run
    }

    [Fact]
    public void DecodeBeam_from_four_threads_equals_one_thread_bitwise_and_allocates_nothing_after_warm_up()
    {
        var model = new AdditiveLstm(seed: 22);
        int[][] sources = Enumerable.Range(0, Cases).Select(Source).ToArray();
        var expected = new (int[] Output, int Length, float Score)[Cases];
        for (int c = 0; c < Cases; c++)
        {
            var output = new int[MaxLength];
            int length = model.DecodeBeam(sources[c], output, Beams, out float score);
            expected[c] = (output, length, score);
        }

        Assert.True(expected.Select(e => e.Score).Distinct().Count() > 1, "the cases should score differently");
        Assert.Contains(expected, e => e.Length > 0);

        int[][] outputs = Enumerable.Range(0, Threads).Select(_ => new int[MaxLength]).ToArray();
        int[] wrong = new int[Threads];
        void Call(int thread, int c)
        {
            int length = model.DecodeBeam(sources[c], outputs[thread], Beams, out float score);
            if (length != expected[c].Length || !outputs[thread].AsSpan(0, length).SequenceEqual(expected[c].Output.AsSpan(0, length))
                || BitConverter.SingleToInt32Bits(score) != BitConverter.SingleToInt32Bits(expected[c].Score))
            {
                wrong[thread]++;
            }
        }

        long[] allocated = OnThreads((thread, call) => Call(thread, (call + thread) % Cases), warmUp: 10 * Cases);
        Assert.Equal(new int[Threads], wrong);
        Assert.Equal(new long[Threads], allocated); // measured on each thread while the four run
    }

    [Fact]
    public void DecodeStep_with_a_state_per_thread_equals_one_thread_bitwise_and_allocates_nothing_after_warm_up()
    {
        var model = new GeneralGru(seed: 23);
        const int Period = 5; // each thread begins a new source every Period calls, then steps its beams
        int V = GeneralGru.TargetVocabularySize;
        int[] parents = { 0, 2, 1 }, tokens = { 4, 5, 6 };
        int[][] sources = Enumerable.Range(0, Cases).Select(Source).ToArray();
        float[][][] expected = new float[Cases][][];
        DecodingState reference = model.CreateDecodingState();
        for (int c = 0; c < Cases; c++)
        {
            model.BeginDecoding(sources[c], Beams, reference);
            expected[c] = new float[Period][];
            for (int t = 0; t < Period; t++)
            {
                expected[c][t] = new float[Beams * V];
                model.DecodeStep(parents, tokens, expected[c][t], reference);
            }
        }

        Assert.Equal(Beams, reference.Beams);
        DecodingState[] states = Enumerable.Range(0, Threads).Select(_ => model.CreateDecodingState()).ToArray();
        float[][] logs = Enumerable.Range(0, Threads).Select(_ => new float[Beams * V]).ToArray();
        int[] wrong = new int[Threads];
        long[] allocated = OnThreads((thread, call) =>
        {
            int c = (call / Period + thread) % Cases, t = call % Period;
            if (t == 0) model.BeginDecoding(sources[c], Beams, states[thread]);
            model.DecodeStep(parents, tokens, logs[thread], states[thread]);
            if (!Bitwise(logs[thread], expected[c][t])) wrong[thread]++;
        }, warmUp: 10 * Period * Cases);
        Assert.Equal(new int[Threads], wrong);
        Assert.Equal(new long[Threads], allocated); // a state owns its buffers: measured while the four threads run
    }

    [Fact]
    public void Evaluate_from_four_threads_equals_one_thread_bitwise()
    {
        var model = new AdditiveLstm(seed: 26);
        var pairs = Enumerable.Range(0, Cases).Select(c => (Source: Source(c), Target: Source(c + 1).Take(3).Select(x => x % 9).ToArray())).ToList();
        var data = new Seq2SeqDataSet(pairs.Select(p => p.Source).ToList(), pairs.Select(p => p.Target).ToList(), AdditiveLstm.EndToken);
        // each case is a batch of two pairs; every thread keeps its own copy of the batches (a data set's batch views are its own)
        (int[] Source, int[] Lengths, int[] Targets, int[] TargetLengths, int S, int T)[] batches = Enumerable.Range(0, Cases).Select(c =>
        {
            data.Order[0] = c;
            data.Order[1] = (c + 3) % Cases;
            Seq2SeqBatch b = data.GetBatch(0, 2);
            return (b.Source.ToArray(), b.SourceLengths.ToArray(), b.Targets.ToArray(), b.TargetLengths.ToArray(), b.SourceSteps, b.TargetSteps);
        }).ToArray();
        Seq2SeqBatch Batch(int c) => new()
        {
            BatchSize = 2, SourceSteps = batches[c].S, Source = batches[c].Source, SourceLengths = batches[c].Lengths,
            TargetSteps = batches[c].T, Targets = batches[c].Targets, TargetLengths = batches[c].TargetLengths,
        };
        float[] expected = Enumerable.Range(0, Cases).Select(c => model.Evaluate(Batch(c))).ToArray();
        Assert.True(expected.Distinct().Count() > 1, "the cases should score differently");

        int[] wrong = new int[Threads];
        OnThreads((thread, call) =>
        {
            int c = (call + thread) % Cases;
            if (BitConverter.SingleToInt32Bits(model.Evaluate(Batch(c))) != BitConverter.SingleToInt32Bits(expected[c])) wrong[thread]++;
        });
        Assert.Equal(new int[Threads], wrong);
    }

    [Fact]
    public void The_models_own_decoding_state_belongs_to_the_thread_that_began()
    {
        var model = new PlainLstm(seed: 24);
        model.BeginDecoding(Source(0), beams: 2);
        var logs = new float[2 * PlainLstm.TargetVocabularySize];
        model.DecodeStep(new[] { 0, 1 }, new[] { 1, 1 }, logs);
        float[] before = logs.ToArray();

        Exception? refused = null;
        var other = new Thread(() =>
        {
            try
            {
                model.DecodeStep(new[] { 0, 1 }, new[] { 3, 3 }, new float[logs.Length]);
            }
            catch (InvalidOperationException e)
            {
                refused = e;
            }
        });
        other.Start();
        other.Join();
        Assert.NotNull(refused);
        Assert.Contains("belongs to the thread that called BeginDecoding", refused!.Message);

        // the refused call moved nothing: the next step equals a fresh run's second step
        var fresh = new PlainLstm(seed: 24);
        fresh.BeginDecoding(Source(0), beams: 2);
        var expected = new float[logs.Length];
        fresh.DecodeStep(new[] { 0, 1 }, new[] { 1, 1 }, expected);
        Assert.Equal(before, expected);
        fresh.DecodeStep(new[] { 1, 0 }, new[] { 4, 5 }, expected);
        model.DecodeStep(new[] { 1, 0 }, new[] { 4, 5 }, logs);
        Assert.Equal(expected, logs);

        var e = Assert.Throws<ArgumentException>(() => model.DecodeStep(new[] { 0 }, new[] { 1 }, new float[AdditiveLstm.TargetVocabularySize], new AdditiveLstm().CreateDecodingState()));
        Assert.Equal("state", e.ParamName);
        Assert.Throws<InvalidOperationException>(() => model.DecodeStep(new[] { 0 }, new[] { 1 }, new float[PlainLstm.TargetVocabularySize], model.CreateDecodingState()));
    }

    [Fact]
    public void Training_members_refuse_to_overlap_a_Fit_on_another_thread_and_decoding_waits_for_it()
    {
        var model = new PlainLstm(seed: 25);
        var sources = Enumerable.Range(0, 8).Select(Source).ToList();
        var targets = sources.Select(s => s.Take(3).Select(x => x % 9).ToArray()).ToList();
        var data = new Seq2SeqDataSet(sources, targets, endToken: PlainLstm.EndToken);
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var fit = new Thread(() => model.Fit(data, new Adam(0.01f), new Seq2SeqFitOptions
        {
            Epochs = 2,
            BatchSize = 4,
            OnEpochEnd = (epoch, _) =>
            {
                if (epoch != 1) return;
                inside.Set();
                release.Wait();
            },
        }));
        fit.Start();
        inside.Wait();
        float[] parameters = model.Parameters.ToArray();
        string path = Path.Combine(Path.GetTempPath(), $"rnngen-encrel-{Guid.NewGuid():N}.safetensors");
        try
        {
            var forward = Assert.Throws<InvalidOperationException>(() => model.Forward(data.GetBatch(0, 4)));
            Assert.Contains("training members of one instance are single-threaded", forward.Message);
            Assert.Throws<InvalidOperationException>(() => model.Backward());
            Assert.Throws<InvalidOperationException>(() => model.ZeroGradients());
            Assert.Throws<InvalidOperationException>(() => model.ResetRandom(1));
            Assert.Throws<InvalidOperationException>(() => model.InitializeParameters(1, Initializer.Keras));
            Assert.Throws<InvalidOperationException>(() => { model.Fit(data, new Adam(0.01f), new Seq2SeqFitOptions { Epochs = 1 }); });
            new PlainLstm(seed: 3).SaveWeights(path);
            Assert.Throws<InvalidOperationException>(() => model.LoadWeights(path));
            Assert.Throws<InvalidOperationException>(() => model.LoadWeights(path, new WeightLoadOptions { AllowNonFinite = true }));
            var decode = Assert.Throws<InvalidOperationException>(() => model.Decode(Source(1), new int[MaxLength]));
            Assert.Contains("Decode", decode.Message);
            Assert.Throws<InvalidOperationException>(() => model.DecodeBeam(Source(1), new int[MaxLength], Beams, out _));
            DecodingState state = model.CreateDecodingState();
            Assert.Throws<InvalidOperationException>(() => model.BeginDecoding(Source(1), Beams, state));
            Assert.Equal(parameters, model.Parameters.ToArray()); // the refused calls changed nothing
        }
        finally
        {
            release.Set();
            fit.Join();
            File.Delete(path);
        }

        model.Decode(Source(1), new int[MaxLength]); // after Fit the model is free again
        model.Forward(data.GetBatch(0, 4));
        model.Backward();
    }

    /// <summary>Equal bit for bit (NaN included), without allocating.</summary>
    private static bool Bitwise(float[] a, float[] b) => MemoryMarshal.Cast<float, int>(a.AsSpan()).SequenceEqual(MemoryMarshal.Cast<float, int>(b.AsSpan()));
}
