using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace RnnGen.Benchmarks;

/// <summary>
/// <c>--warmup [lstm|gru|rnn]</c>: what a fresh process's first calls cost. Creates the W1 model (LSTM by default),
/// times the first Step (JIT compilation of everything it reaches), then calls Step back to back for 1.5 s and prints the
/// mean (and median) time per Step over the first 100 ms of those calls against the steady state (the calls between
/// 1.0 and 1.5 s), and their ratio. It must be the first thing the process does, which is why it is a mode of the program
/// and not a BenchmarkDotNet benchmark (those warm up by design).
/// </summary>
public static class WarmupMode
{
    private const int FirstMs = 100, SteadyFromMs = 1000, TotalMs = 1500;

    /// <summary>Step calls between clock reads, so reading the clock adds about a nanosecond per call.</summary>
    private const int Batch = 16;

    public static int Run(string cell)
    {
        var input = new float[] { 0.5f };
        var output = new float[32];
        string name;
        Action step;
        switch (cell.ToLowerInvariant())
        {
            case "lstm": { var m = new W1Lstm(); var s = m.CreateState(); step = () => m.Step(input, output, s); name = "LSTM"; break; }
            case "gru": { var m = new W1Gru(); var s = m.CreateState(); step = () => m.Step(input, output, s); name = "GRU"; break; }
            case "rnn": { var m = new W1Rnn(); var s = m.CreateState(); step = () => m.Step(input, output, s); name = "SimpleRnn"; break; }
            default: Console.Error.WriteLine($"--warmup: expected lstm, gru or rnn, got '{cell}'."); return 2;
        }

        // ends[i]: when the i-th batch of Batch calls finished; sized for calls far faster than any machine runs them.
        var ends = new long[TotalMs * 1000];
        long before = Stopwatch.GetTimestamp();
        step();
        long start = Stopwatch.GetTimestamp();
        int batches = Measure(step, ends, start + Stopwatch.Frequency * TotalMs / 1000);
        var firstPhase = Phase(ends, batches, start, 0, FirstMs);
        var steady = Phase(ends, batches, start, SteadyFromMs, TotalMs);
        Console.WriteLine($"W1 {name} step in a fresh process (RnnGen, .NET {Environment.Version}, {Environment.ProcessorCount} cores)");
        Console.WriteLine($"  first call (compiles what it reaches): {Stopwatch.GetElapsedTime(before, start).TotalMicroseconds:F0} µs");
        Console.WriteLine($"  first {FirstMs} ms of calls after it:       {firstPhase.Mean:F3} µs per step (mean), {firstPhase.Median:F3} µs (median), {firstPhase.Calls:N0} calls");
        Console.WriteLine($"  steady state ({SteadyFromMs}–{TotalMs} ms of calls):  {steady.Mean:F3} µs per step (mean), {steady.Median:F3} µs (median), {steady.Calls:N0} calls");
        Console.WriteLine($"  first {FirstMs} ms / steady state:          {firstPhase.Mean / steady.Mean:F2}× (mean), {firstPhase.Median / steady.Median:F2}× (median)");
        Console.Write("  mean µs per step in the window from t ms (t:µs; – where the process did not run a whole batch in it):");
        foreach (int t in new[] { 0, 10, 20, 30, 50, 100, 200, 300, 500, 700, 1000 })
        {
            double mean = Phase(ends, batches, start, t, t + (t < 100 ? 10 : 100)).Mean;
            Console.Write(double.IsNaN(mean) ? $" {t}:–" : $" {t}:{mean:F2}");
        }

        Console.WriteLine();
        return 0;
    }

    /// <summary>
    /// Calls <paramref name="step"/> in batches until <paramref name="stop"/>, recording when each batch ended. Compiled
    /// fully optimised up front, so that only the model's code warms up here, not this loop (no on-stack replacement).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Measure(Action step, long[] ends, long stop)
    {
        int batches = 0;
        for (long now = 0; now < stop && batches < ends.Length; batches++)
        {
            for (int i = 0; i < Batch; i++)
            {
                step();
            }

            now = Stopwatch.GetTimestamp();
            ends[batches] = now;
        }

        return batches;
    }

    /// <summary>The batches that ran wholly within [fromMs, toMs) of <paramref name="start"/>: calls, mean and median µs per call.</summary>
    private static (long Calls, double Mean, double Median) Phase(long[] ends, int batches, long start, int fromMs, int toMs)
    {
        long from = start + Stopwatch.Frequency * fromMs / 1000, to = start + Stopwatch.Frequency * toMs / 1000;
        var durations = new List<long>();
        for (int i = 0; i < batches; i++)
        {
            long begin = i == 0 ? start : ends[i - 1];
            if (begin >= from && ends[i] <= to)
            {
                durations.Add(ends[i] - begin);
            }
        }

        if (durations.Count == 0)
        {
            return (0, double.NaN, double.NaN);
        }

        durations.Sort();
        double perCall = 1e6 / Stopwatch.Frequency / Batch;
        return (durations.Count * (long)Batch, durations.Sum() * perCall / durations.Count, durations[durations.Count / 2] * perCall);
    }
}
