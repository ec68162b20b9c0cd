using System.Diagnostics;
using CharLM;
using RnnGen;

// A character language model on Moby-Dick, trained statefully, scored against a Kneser-Ney 5-gram; `-- --smoke` for a seconds-long check.
bool smoke = args.Contains("--smoke");
if (!smoke) Parallelism.Threads = 2; // process-wide: a smoke run inside the tests leaves it alone
var clock = Stopwatch.StartNew();
CharLmRun.Run(Path.Combine(AppContext.BaseDirectory, "data", "moby-dick.txt"), smoke ? CharLmSettings.Smoke : CharLmSettings.Full, Console.Out, progress: !smoke);
Console.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s");
