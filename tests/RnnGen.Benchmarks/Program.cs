using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/RnnGen.Benchmarks -- --filter '*'
// A short job (3 warm-ups, 5 iterations) keeps the whole suite to minutes on 2 cores; single-threaded except
// TwoThreadBenchmarks (Parallelism.Threads = 2).
IConfig config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(5).WithLaunchCount(1))
    .WithOptions(ConfigOptions.JoinSummary);
BenchmarkSwitcher.FromAssembly(typeof(RnnGen.Benchmarks.Workload).Assembly).Run(args, config);
