using System.Diagnostics;
using System.Text.Json;
using RnnGen.Data;
using RnnGen.Training;
using Sentiment;

// Sentiment classification of review sentences (IMDB, Amazon, Yelp; Kotzias et al. 2015), trained in-process.
// `-- --smoke`: a seconds-long run on a slice of the data (the tests run it); `--output DIR` for the plot.
const int Seed = 42, MaxLength = 40;
bool smoke = args.Contains("--smoke");
int outputAt = Array.IndexOf(args, "--output");
string outputDirectory = outputAt >= 0 && outputAt + 1 < args.Length ? args[outputAt + 1] : Path.Combine(Environment.CurrentDirectory, "output");
var clock = Stopwatch.StartNew();
string dataDirectory = Path.Combine(AppContext.BaseDirectory, "data");
var sentences = new List<(string Text, int Label)>();
foreach (string file in new[] { "amazon.json", "imdb.json", "yelp.json" })
{
    using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(dataDirectory, file)));
    foreach (JsonElement entry in document.RootElement.EnumerateArray())
    {
        sentences.Add((entry.GetProperty("text").GetString()!, entry.GetProperty("class").GetInt32()));
    }
}

// A fixed 80 / 10 / 10 split by sentence.
int[] order = Enumerable.Range(0, sentences.Count).ToArray();
new RnnGen.Initialization.DeterministicRandom(Seed).Shuffle(order.AsSpan());
int trainCount = sentences.Count * 8 / 10, validationCount = sentences.Count / 10;
var train = order.Take(trainCount).Select(i => sentences[i]).ToList();
var validation = order.Skip(trainCount).Take(validationCount).Select(i => sentences[i]).ToList();
var test = order.Skip(trainCount + validationCount).Select(i => sentences[i]).ToList();
if (smoke)
{
    train = train.Take(400).ToList();
}

// The vocabulary comes from the training sentences only.
Vocabulary vocabulary = Vocabulary.Build(train.Select(s => Tokenizer.Words(s.Text)), SentimentModel.Words);
SequenceDataSet Encode(List<(string Text, int Label)> part)
{
    (int[] ids, int[] lengths) = Padding.PadSequences(part.Select(s => vocabulary.Encode(s.Text)).ToList(), MaxLength);
    return SequenceDataSet.FromTokens(ids, part.Count, MaxLength, part.Select(s => (float)s.Label).ToArray(), targetWidth: 1, lengths);
}

SequenceDataSet trainSet = Encode(train), validationSet = Encode(validation), testSet = Encode(test);
Console.WriteLine($"{sentences.Count} sentences: {train.Count} training, {validation.Count} validation, {test.Count} test; {vocabulary.WordCount} words known of {SentimentModel.Words - 2} kept");

var model = new SentimentModel(seed: Seed);
Console.WriteLine(model.Summary());

TrainingHistory history = model.Fit(trainSet, new Adam(learningRate: 0.003f), new FitOptions
{
    Epochs = smoke ? 1 : 12,
    BatchSize = 32,
    Seed = Seed,
    ValidationData = validationSet,
    EarlyStoppingPatience = 3,
    ConsoleProgress = !smoke,
});

EvaluationResult result = model.Evaluate(testSet);
Console.WriteLine($"best epoch: {history.BestEpoch} (of {history.Epochs.Count})");
Console.WriteLine($"test loss: {result.Loss:F4}");
Console.WriteLine($"test accuracy: {result.Metric:F2}");

string plot = Path.Combine(outputDirectory, "training.svg");
history.SavePlot(plot, "Sentiment: bidirectional LSTM on review sentences");
Console.WriteLine($"curves: {plot}");
Console.WriteLine($"time: {clock.Elapsed.TotalSeconds:F1} s");
