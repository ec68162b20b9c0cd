using System.Diagnostics;
using RnnGen;
using RnnGen.Data;
using RnnGen.Initialization;
using RnnGen.Training;
using TreeArithmetic;

// Arithmetic expressions such as (3 + (4 * 2)) evaluated modulo 10: a Tree-LSTM that follows the brackets against an
// LSTM that reads the same expression left to right. `-- --smoke` for a seconds-long run.
bool smoke = args.Contains("--smoke");
int trainCount = smoke ? 300 : 12_000, testCount = smoke ? 200 : 2_000, epochs = smoke ? 1 : 12, maxOperations = 4;
const int Seed = 7, BatchSize = 32;
if (!smoke) Parallelism.Threads = 2; // process-wide: the smoke run (in the tests' process) leaves it alone
var clock = Stopwatch.StartNew();

var random = new DeterministicRandom(Seed);
var seen = new HashSet<string>();
var data = new List<(string Text, int Value)>();
while (data.Count < trainCount + testCount)
{
    var expression = Expressions.Random(random, 1 + random.NextInt(maxOperations));
    if (seen.Add(expression.Text)) data.Add(expression); // held-out expressions never appear in training
}

var train = data.Take(trainCount).ToList();
var test = data.Skip(trainCount).ToList();
Console.WriteLine($"{train.Count:N0} training and {test.Count:N0} held-out expressions with 1–{maxOperations} operators, e.g. {test[0].Text} = {test[0].Value} (mod 10)");

// Tree-LSTM over ((a op) b) trees (TreeModel.cs).
var treeModel = new TreeModel(seed: Seed);
TrainingHistory treeHistory = treeModel.Fit(train.Select(e => Expressions.Tree(e.Text)).ToList(), train.Select(e => e.Value).ToList(), new Adam(0.005f), epochs, BatchSize, Seed);
double treeAccuracy = treeModel.Evaluate(test.Select(e => Expressions.Tree(e.Text)).ToList(), test.Select(e => e.Value).ToList()).Metric;
Console.WriteLine($"Tree-LSTM: training loss {treeHistory.Epochs[0].Loss:F3} → {treeHistory.Epochs[^1].Loss:F3}");

// LSTM over the token sequence, padded to the longest expression.
SequenceDataSet Sequences(List<(string Text, int Value)> part, int steps)
{
    (int[] ids, int[] lengths) = Padding.PadSequences(part.Select(e => Expressions.Tokens(e.Text)).ToList(), steps);
    return SequenceDataSet.FromTokens(ids, part.Count, steps, part.Select(e => e.Value).ToArray(), lengths);
}

int maxSteps = data.Max(e => Expressions.Tokens(e.Text).Length);
var sequenceModel = new SequenceModel(seed: Seed);
TrainingHistory history = sequenceModel.Fit(Sequences(train, maxSteps), new Adam(0.005f), new FitOptions { Epochs = epochs, BatchSize = BatchSize, Seed = Seed });
EvaluationResult sequenceResult = sequenceModel.Evaluate(Sequences(test, maxSteps));
Console.WriteLine($"LSTM: training loss {history.Epochs[0].Loss:F3} → {history.Epochs[^1].Loss:F3}");

Console.WriteLine($"held-out accuracy, Tree-LSTM: {treeAccuracy:F3}");
Console.WriteLine($"held-out accuracy, sequential LSTM: {sequenceResult.Metric:F3}");
Console.WriteLine($"chance: {1.0 / 10:F3}");
Console.WriteLine($"time: {clock.Elapsed.TotalSeconds:F1} s");
