using System.Diagnostics;
using System.Runtime.InteropServices;

namespace RnnGen.Benchmarks;

/// <summary>
/// <c>--cpu-compare</c>: RnnGen against ONNX Runtime on every ONNX workload, for a machine shared with other work.
/// The two alternate in blocks of calls (seven rounds after a warm-up), each block timed in the calling thread's CPU
/// time (<c>CLOCK_THREAD_CPUTIME_ID</c>, Linux) as well as wall time: time the thread spends descheduled counts in
/// neither side's CPU time, and alternating spreads the machine's load over both. Prints medians per call and the ratio
/// ONNX Runtime / RnnGen (&gt; 1: RnnGen is faster). Both run on the calling thread (ONNX Runtime: one intra-op thread).
/// </summary>
public static class CpuTimeCompare
{
    private const int Rounds = 7;
    private const double BlockSeconds = 0.05;

    public static int Run()
    {
        Console.WriteLine($"RnnGen against ONNX Runtime, one thread, alternating blocks, median of {Rounds} (machine load {LoadAverage()})");
        Console.WriteLine("| workload | RnnGen CPU | ONNX Runtime CPU | ONNX Runtime/RnnGen (CPU) | RnnGen wall | ONNX Runtime wall | ONNX Runtime/RnnGen (wall) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (OnnxWorkload workload in OnnxWorkload.All)
        {
            using var runner = new OnnxRunner(workload);
            OnnxParity.Check(workload);
            RnnGenModel model = workload.Create();
            float[] x = OnnxWorkload.RandomInputs(1, workload.InputLength), y = new float[workload.OutputLength];
            x.CopyTo(runner.Input, 0);
            Action ours = workload.Streaming ? () => model.Step!(x, y) : () => model.Predict!(x, workload.Batch, workload.Time, y);
            Action theirs = runner.Run;

            int oursCalls = CallsFor(ours), theirsCalls = CallsFor(theirs);
            var oursCpu = new double[Rounds]; var oursWall = new double[Rounds];
            var theirsCpu = new double[Rounds]; var theirsWall = new double[Rounds];
            for (int r = 0; r < Rounds; r++)
            {
                (oursCpu[r], oursWall[r]) = Block(ours, oursCalls);
                (theirsCpu[r], theirsWall[r]) = Block(theirs, theirsCalls);
            }

            double oc = Median(oursCpu), tc = Median(theirsCpu), ow = Median(oursWall), tw = Median(theirsWall);
            Console.WriteLine($"| {workload.Name} | {Micro(oc)} | {Micro(tc)} | {tc / oc:F2}× | {Micro(ow)} | {Micro(tw)} | {tw / ow:F2}× |");
        }

        Console.WriteLine($"(machine load afterwards {LoadAverage()})");
        return 0;
    }

    /// <summary>Warms <paramref name="call"/> up for about half a second and returns how many calls fill a block.</summary>
    private static int CallsFor(Action call)
    {
        long start = Stopwatch.GetTimestamp();
        int calls = 0;
        while (Stopwatch.GetElapsedTime(start).TotalSeconds < 0.5)
        {
            call();
            calls++;
        }

        (double cpu, _) = Block(call, Math.Max(1, calls / 10));
        return Math.Max(1, (int)(BlockSeconds / cpu));
    }

    /// <summary>Runs <paramref name="calls"/> calls; returns seconds per call in thread CPU time and in wall time.</summary>
    private static (double Cpu, double Wall) Block(Action call, int calls)
    {
        long wall = Stopwatch.GetTimestamp();
        double cpu = ThreadCpuSeconds();
        for (int i = 0; i < calls; i++)
        {
            call();
        }

        return ((ThreadCpuSeconds() - cpu) / calls, Stopwatch.GetElapsedTime(wall).TotalSeconds / calls);
    }

    private static double Median(double[] values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static string Micro(double seconds) => seconds < 1e-5 ? $"{seconds * 1e6:F3} µs" : $"{seconds * 1e6:F1} µs";

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private const int ClockThreadCpuTimeId = 3;

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private static double ThreadCpuSeconds()
    {
        if (ClockGetTime(ClockThreadCpuTimeId, out TimeSpec t) != 0)
        {
            throw new PlatformNotSupportedException("--cpu-compare: clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed (Linux only).");
        }

        return t.Seconds + t.Nanoseconds * 1e-9;
    }
}
