using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using RnnGen.Benchmarks;

// dotnet run -c Release --project tests/RnnGen.Benchmarks -- --filter '*'
// A short job (3 warm-ups, 5 iterations) keeps the whole suite to minutes on 2 cores; single-threaded except
// TwoThreadBenchmarks (Parallelism.Threads = 2) and ThreadScalingBenchmarks.
// Modes outside BenchmarkDotNet: --warmup [lstm|gru|rnn] (first 100 ms of W1 Steps in a fresh process against the
// steady state), --check (ONNX files against RnnGen), --save-weights DIR (weights for onnx/export_onnx.py),
// --cpu-compare (RnnGen and ONNX Runtime alternating, in thread CPU time: for a machine shared with other work).
switch (args.FirstOrDefault())
{
    case "--warmup":
        return WarmupMode.Run(args.Length > 1 ? args[1] : "lstm");
    case "--check":
        return OnnxModes.Check();
    case "--cpu-compare":
        return CpuTimeCompare.Run();
    case "--save-weights" when args.Length == 2:
        return OnnxModes.SaveWeights(args[1]);
    case "--save-weights":
        Console.Error.WriteLine("--save-weights: expected one directory argument.");
        return 2;
}

IConfig config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(5).WithLaunchCount(1))
    .WithOptions(ConfigOptions.JoinSummary);
BenchmarkSwitcher.FromAssembly(typeof(Workload).Assembly).Run(args, config);
return 0;
