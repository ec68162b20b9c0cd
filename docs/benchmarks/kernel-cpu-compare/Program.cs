using System.Diagnostics;
using System.Runtime.InteropServices;
using RnnGen;

// Thread-CPU time per call of the recurrent kernels' training step (Forward + Backward) and a lone stream's Step.
// Usage: kbench ROUNDS; prints one line per workload: median µs per call (thread CPU).
int rounds = args.Length > 0 ? int.Parse(args[0]) : 7;
var random = new Random(1);
float[] Fill(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)(random.NextDouble() * 2 - 1); return a; }
const int B = 16, T = 50, I = 32;
var lstm = new LstmTrain(); var gru = new GruTrain(); var rnn = new RnnTrain(); var peep = new PeepTrain(); var gruB = new GruBeforeTrain();
float[] x = Fill(B * T * I), y = new float[B * T * 8], dy = Fill(B * T * 8);
var step = new LstmStep(); var s = step.CreateState(); float[] sx = Fill(32), sy = new float[8];
var gstep = new GruStep(); var gs = gstep.CreateState();
var work = new (string Name, Action Call)[]
{
    ("LSTM 128 train B16 T50", () => { lstm.Forward(x, B, T, y); lstm.Backward(dy); }),
    ("LSTM 64 peephole train B16 T50", () => { peep.Forward(x, B, T, y); peep.Backward(dy); }),
    ("GRU 128 train B16 T50", () => { gru.Forward(x, B, T, y); gru.Backward(dy); }),
    ("GRU 128 reset-before train B16 T50", () => { gruB.Forward(x, B, T, y); gruB.Backward(dy); }),
    ("SimpleRnn 128 train B16 T50", () => { rnn.Forward(x, B, T, y); rnn.Backward(dy); }),
    ("LSTM 128 predict B16 T50", () => lstm.Predict(x, B, T, y)),
    ("LSTM 64 step", () => step.Step(sx, sy, s)),
    ("GRU 64 step", () => gstep.Step(sx, sy, gs)),
};
foreach (var (name, call) in work)
{
    int calls = CallsFor(call);
    var cpu = new double[rounds];
    for (int r = 0; r < rounds; r++) cpu[r] = Block(call, calls);
    Array.Sort(cpu);
    Console.WriteLine($"{name}\t{cpu[rounds / 2] * 1e6:F2}");
}
return 0;

static int CallsFor(Action call)
{
    var sw = Stopwatch.StartNew();
    int n = 0;
    while (sw.Elapsed.TotalSeconds < 0.5) { call(); n++; }
    double per = Block(call, Math.Max(1, n / 10));
    return Math.Max(1, (int)(0.1 / per));
}

static double Block(Action call, int calls)
{
    double start = Cpu();
    for (int i = 0; i < calls; i++) call();
    return (Cpu() - start) / calls;
}

static double Cpu()
{
    if (Native.ClockGetTime(3, out Native.TimeSpec t) != 0) throw new PlatformNotSupportedException();
    return t.Seconds + t.Nanoseconds * 1e-9;
}

static class Native
{
    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec { public long Seconds; public long Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    public static extern int ClockGetTime(int clock, out TimeSpec time);
}

[RnnModel(InputSize = 32)]
public partial class LstmTrain
{
    [Lstm(128, ReturnSequences = true)] public partial RecurrentLayer R { get; }
    [Dense(8)] public partial DenseLayer D { get; }
}

[RnnModel(InputSize = 32)]
public partial class PeepTrain
{
    [Lstm(64, ReturnSequences = true, Peepholes = true)] public partial RecurrentLayer R { get; }
    [Dense(8)] public partial DenseLayer D { get; }
}

[RnnModel(InputSize = 32)]
public partial class GruTrain
{
    [Gru(128, ReturnSequences = true)] public partial RecurrentLayer R { get; }
    [Dense(8)] public partial DenseLayer D { get; }
}

[RnnModel(InputSize = 32)]
public partial class GruBeforeTrain
{
    [Gru(128, ReturnSequences = true, ResetAfter = false)] public partial RecurrentLayer R { get; }
    [Dense(8)] public partial DenseLayer D { get; }
}

[RnnModel(InputSize = 32)]
public partial class RnnTrain
{
    [SimpleRnn(128, ReturnSequences = true)] public partial RecurrentLayer R { get; }
    [Dense(8)] public partial DenseLayer D { get; }
}

[RnnModel(InputSize = 32)]
public partial class LstmStep
{
    [Lstm(64)] public partial RecurrentLayer R { get; }
    [Dense(8)] public partial DenseLayer D { get; }
}

[RnnModel(InputSize = 32)]
public partial class GruStep
{
    [Gru(64)] public partial RecurrentLayer R { get; }
    [Dense(8)] public partial DenseLayer D { get; }
}
