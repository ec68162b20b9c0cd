using System.Diagnostics;
using G2P;
using RnnGen.Initialization;
using RnnGen.Seq2Seq;
using RnnGen.Training;

// Grapheme-to-phoneme conversion on the CMU Pronouncing Dictionary with an attention encoder-decoder, trained in-process.
// Arguments: [epochs [training words]]; `--smoke` for a seconds-long run (the tests run it); `--output DIR` for the plot.
const int Seed = 42, BatchSize = 64;
bool smoke = args.Contains("--smoke");
int outputAt = Array.IndexOf(args, "--output");
string outputDirectory = outputAt >= 0 && outputAt + 1 < args.Length ? args[outputAt + 1] : Path.Combine(Environment.CurrentDirectory, "output");
string[] numbers = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || args[i - 1] != "--output")).ToArray();
int epochs = numbers.Length > 0 ? int.Parse(numbers[0], System.Globalization.CultureInfo.InvariantCulture) : smoke ? 1 : 4;
int? limit = numbers.Length > 1 ? int.Parse(numbers[1], System.Globalization.CultureInfo.InvariantCulture) : smoke ? 1000 : null;
int testWords = smoke ? 200 : 3000;
var clock = Stopwatch.StartNew();

// One pronunciation per word (the first), letters A–Z and the apostrophe only, stress marks dropped (39 phonemes).
string[] phonemeNames = "AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH".Split(' ');
var phonemeIds = phonemeNames.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i + 3);
var words = new List<(string Word, int[] Letters, int[] Phonemes)>();
foreach (string line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "data", "cmudict.txt")))
{
    int split = line.IndexOf("  ", StringComparison.Ordinal);
    string word = line[..split];
    if (word.Contains('(') || word.Any(c => !(c is >= 'A' and <= 'Z' or '\'')) || word.Length > 20) continue;
    int[] letters = word.Select(c => c == '\'' ? 27 : c - 'A' + 1).ToArray();
    int[] phonemes = line[(split + 2)..].Split(' ').Select(p => phonemeIds[p.TrimEnd('0', '1', '2')]).ToArray();
    if (phonemes.Length > 20) continue;
    words.Add((word, letters, phonemes));
}

// A split by word, fixed by the seed.
int[] order = Enumerable.Range(0, words.Count).ToArray();
new DeterministicRandom(Seed).Shuffle(order.AsSpan());
var test = order.Take(testWords).Select(i => words[i]).ToList();
var train = order.Skip(testWords).Take(limit ?? int.MaxValue).Select(i => words[i]).ToList();
Console.WriteLine($"{words.Count:N0} words: {train.Count:N0} training, {test.Count:N0} held out");

var model = new Speller(seed: Seed);
Console.WriteLine(model.Summary());

var data = new Seq2SeqDataSet(train.Select(w => w.Letters).ToList(), train.Select(w => w.Phonemes).ToList(), Speller.EndToken);
model.Fit(data, new Adam(learningRate: 0.002f) { ClipNorm = 5f }, new Seq2SeqFitOptions
{
    Epochs = epochs,
    BatchSize = BatchSize,
    Seed = Seed,
    ConsoleProgress = !smoke,
});

// Held-out words, greedy decoding: word accuracy and phoneme error rate (edit distance / reference length).
var decoded = new int[testWords * 24];
var lengths = new int[testWords];
int S = test.Max(w => w.Letters.Length);
var source = new int[testWords * S];
var sourceLengths = new int[testWords];
for (int i = 0; i < test.Count; i++)
{
    test[i].Letters.CopyTo(source, i * S);
    sourceLengths[i] = test[i].Letters.Length;
}

int correct = 0, errors = 0, reference = 0;
for (int start = 0; start < test.Count; start += 500)
{
    int n = Math.Min(500, test.Count - start);
    model.Decode(source.AsSpan(start * S, n * S), n, S, sourceLengths.AsSpan(start, n), decoded.AsSpan(start * 24, n * 24), 24, lengths.AsSpan(start, n));
}

for (int i = 0; i < test.Count; i++)
{
    ReadOnlySpan<int> guess = decoded.AsSpan(i * 24, lengths[i]);
    int distance = EditDistance.Compute(guess, test[i].Phonemes);
    errors += distance;
    reference += test[i].Phonemes.Length;
    if (distance == 0) correct++;
}

string Spell(ReadOnlySpan<int> phonemes) => string.Join(' ', phonemes.ToArray().Select(p => p >= 3 ? phonemeNames[p - 3] : "?"));
Console.WriteLine("examples (held out):");
foreach (var (word, letters, phonemes) in test.Take(8))
{
    var output = new int[24];
    int length = model.Decode(letters, output);
    Console.WriteLine($"  {word,-14} {Spell(output.AsSpan(0, length)),-28} (dictionary: {Spell(phonemes)})");
}

// The attention alignment of one held-out word as an SVG heat map.
var (shown, shownLetters, _) = test.First(w => w.Word.Length >= 8);
var alignmentOutput = new int[24];
var attention = new float[24 * shownLetters.Length];
int alignedLength = model.Decode(shownLetters, alignmentOutput, attention);
string svg = Path.Combine(outputDirectory, "attention.svg");
RnnGen.Plotting.SvgHeatMap.Save(svg, $"Attention of {shown}", attention.AsSpan(0, alignedLength * shownLetters.Length), alignedLength, shownLetters.Length,
    shown.Select(c => c.ToString()).ToArray(), alignmentOutput.Take(alignedLength).Select(p => phonemeNames[p - 3]).ToArray());

Console.WriteLine($"attention of {shown}: {svg}");
Console.WriteLine($"phoneme error rate: {(double)errors / reference:F3}");
Console.WriteLine($"word accuracy: {(double)correct / test.Count:F2}");
Console.WriteLine($"time: {clock.Elapsed.TotalSeconds:F1} s");
