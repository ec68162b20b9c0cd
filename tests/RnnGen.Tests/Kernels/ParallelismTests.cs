using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RnnGen.Layers;
using RnnGen.Tests.Fixtures;
using RnnGen.Tests.Models;
using RnnGen.Tests.Reference;
using RnnGen.Threading;
using RnnGen.Training;

namespace RnnGen.Tests.Kernels;

/// <summary>Tests that change the process-wide <see cref="Parallelism.Threads"/> run alone, after every other test.</summary>
[CollectionDefinition(nameof(ParallelismCollection), DisableParallelization = true)]
public sealed class ParallelismCollection;

/// <summary>
/// The batch split of the recurrent kernels (<see cref="Parallelism.Threads"/> &gt; 1): the same numbers as one thread
/// for every cell, direction and topology, PyTorch parity and finite differences while split, no allocation in steady
/// state, failures of a share reach the caller, and concurrent callers stay correct.
/// </summary>
[Collection(nameof(ParallelismCollection))]
public sealed class ParallelismTests
{
    /// <summary>Runs <paramref name="body"/> with <paramref name="threads"/> threads and every call split, however small.</summary>
    private static void Split(int threads, Action body)
    {
        Parallelism.Threads = threads;
        RecurrentParallel.MinimumWork = 0;
        try
        {
            body();
        }
        finally
        {
            Parallelism.Threads = 1;
            RecurrentParallel.MinimumWork = RecurrentParallel.DefaultMinimumWork;
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65)]
    public void Threads_out_of_range_is_refused_with_its_name_and_value(int value)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Parallelism.Threads = value);
        Assert.Equal("Threads", e.ParamName);
        Assert.Contains($"got {value}", e.Message);
        Assert.Equal(1, Parallelism.Threads);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_reference_case_matches_the_reference_and_finite_differences_when_split(int threads)
    {
        // batch 3 with lengths 5, 2, 4: shares of one or two ragged sequences
        var tests = new ReferenceParityTests();
        Split(threads, () =>
        {
            foreach (ReferenceCase c in ReferenceCase.All())
            {
                tests.Outputs_and_loss_match_the_reference(c);
                tests.Gradients_match_finite_differences_of_the_reference(c);
            }
        });
    }

    [Fact]
    public void Every_PyTorch_fixture_matches_when_split()
    {
        var tests = new FixtureParityTests();
        Split(2, () =>
        {
            foreach (string name in FixtureParityTests.Names)
            {
                tests.Forward_matches_PyTorch(name);
                tests.Gradients_match_PyTorch(name);
            }
        });
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void A_split_training_step_gives_what_one_thread_gives(int threads)
    {
        // bidirectional GRU over embeddings, 7 ragged sequences (uneven shares), the packed per-step products (T ≥ 4, B ≥ 4)
        (float loss, float[] outputs, float[] gradients) Run()
        {
            var model = new TokenTagger(seed: 4);
            int B = 7, T = 9;
            int[] ids = Enumerable.Range(0, B * T).Select(i => (i * 13) % 50).ToArray();
            int[] classes = Enumerable.Range(0, B * T).Select(i => i % 5).ToArray();
            int[] lengths = { 9, 3, 7, 1, 9, 5, 8 };
            var outputs = new float[B * T * 5];
            model.ZeroGradients();
            float loss = model.Forward(new SequenceBatch { BatchSize = B, TimeSteps = T, Tokens = ids, Lengths = lengths, ClassTargets = classes }, outputs);
            model.Backward();
            return (loss, outputs, model.Gradients.ToArray());
        }

        var one = Run();
        (float loss, float[] outputs, float[] gradients) split = default;
        Split(threads, () => split = Run());

        Assert.Equal(one.loss, split.loss, 6);
        Compare.Close("outputs", one.outputs.Select(v => (double)v).ToArray(), split.outputs, 1e-6);
        Compare.Close("gradients", one.gradients.Select(v => (double)v).ToArray(), split.gradients, 1e-6);
    }

    [Fact]
    public void A_split_training_step_allocates_nothing_after_warm_up()
    {
        var model = new TokenTagger(seed: 2);
        var optimizer = new Adam(0.01f) { ClipNorm = 1f };
        int[] ids = Enumerable.Range(0, 4 * 6).Select(i => (i * 7) % 50).ToArray();
        int[] classes = Enumerable.Range(0, 4 * 6).Select(i => i % 5).ToArray();
        int[] lengths = { 6, 3, 5, 1 };
        float[] tags = new float[4 * 6 * 5];
        void TrainStep()
        {
            var batch = new SequenceBatch { BatchSize = 4, TimeSteps = 6, Tokens = ids, Lengths = lengths, ClassTargets = classes };
            model.ZeroGradients();
            model.Forward(batch, default);
            model.Backward();
            optimizer.Update(model.Parameters, model.Gradients);
            model.Predict(ids, 4, 6, tags, lengths);
        }

        Split(2, () =>
        {
            TrainStep();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++) TrainStep();
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        });
    }

    [Fact]
    public void Models_run_from_two_threads_at_once_while_split_give_their_one_thread_results()
    {
        // whichever caller finds the workers busy runs its shares itself; both must still be right
        var expected = new float[2][];
        var ids = new int[2][];
        for (int m = 0; m < 2; m++)
        {
            ids[m] = Enumerable.Range(0, 6 * 8).Select(i => (i * (5 + m)) % 50).ToArray();
            expected[m] = new float[6 * 8 * 5];
            new TokenTagger(seed: 10 + m).Predict(ids[m], 6, 8, expected[m]);
        }

        Split(2, () =>
        {
            var failures = new List<string>();
            Parallel.For(0, 2, m =>
            {
                var model = new TokenTagger(seed: 10 + m);
                var actual = new float[6 * 8 * 5];
                for (int i = 0; i < 200; i++)
                {
                    model.Predict(ids[m], 6, 8, actual);
                    for (int k = 0; k < actual.Length; k++)
                    {
                        if (Math.Abs(actual[k] - expected[m][k]) > 1e-6)
                        {
                            lock (failures) failures.Add($"model {m}, call {i}, output[{k}] = {actual[k]}, one thread {expected[m][k]}");
                            return;
                        }
                    }
                }
            });
            Assert.Empty(failures);
        });
    }

    [Fact]
    public unsafe void A_share_that_throws_on_a_worker_fails_the_call_after_every_share_has_finished()
    {
        Parallelism.Threads = 2;
        try
        {
            // The state must not move while the shares run: native memory, not a local the lambda would hoist into a closure.
            int* finished = (int*)NativeMemory.AllocZeroed(sizeof(int));
            try
            {
                var e = Assert.Throws<InvalidOperationException>(() => WorkerPool.Run(2, &ThrowOnWorker, finished));
                Assert.Equal("share 1 of 2", e.Message);
                Assert.Equal(1, Volatile.Read(ref *finished)); // the caller's share ran to the end before the failure surfaced
            }
            finally
            {
                NativeMemory.Free(finished);
            }

            int count = 0;
            WorkerPool.Run(2, &Count, Unsafe.AsPointer(ref count)); // the pool still works afterwards
            Assert.Equal(2, Volatile.Read(ref count));
        }
        finally
        {
            Parallelism.Threads = 1;
        }
    }

    private static unsafe void ThrowOnWorker(void* state, int part, int parts)
    {
        if (part == 1)
        {
            throw new InvalidOperationException($"share {part} of {parts}");
        }

        Thread.Sleep(20);
        Interlocked.Increment(ref *(int*)state);
    }

    private static unsafe void Count(void* state, int part, int parts) => Interlocked.Increment(ref *(int*)state);

    [Fact]
    public void Shares_cover_every_item_once_in_multiples()
    {
        foreach (int count in new[] { 0, 1, 7, 16, 33, 1024 })
        {
            for (int parts = 1; parts <= 5; parts++)
            {
                int next = 0;
                for (int part = 0; part < parts; part++)
                {
                    (int start, int length) = RecurrentParallel.Share(count, part, parts, multiple: 16);
                    Assert.Equal(next, start);
                    Assert.True(length >= 0);
                    if (part < parts - 1) Assert.Equal(0, length % 16);
                    next = start + length;
                }

                Assert.Equal(count, next);
            }
        }
    }
}
