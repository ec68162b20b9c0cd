using System.Diagnostics;
using RnnGen;
using RnnGen.Data;
using RnnGen.Embeddings;

// word2vec (skip-gram, negative sampling) on Moby-Dick: nearest neighbours, an analogy, and a hand-made check that related
// words score above unrelated ones. `-- --smoke` for a seconds-long run on a slice; `--output DIR` for the vectors file.
bool smoke = args.Contains("--smoke");
int outputAt = Array.IndexOf(args, "--output");
string outputDirectory = outputAt >= 0 && outputAt + 1 < args.Length ? args[outputAt + 1] : Path.Combine(Environment.CurrentDirectory, "output");
var clock = Stopwatch.StartNew();

// Sentences end at . ! ? ; words are lower-cased, other punctuation dropped.
string text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", "moby-dick.txt"));
if (smoke)
{
    text = text[..(text.Length / 20)];
}

var sentences = new List<string[]>();
var sentence = new List<string>();
foreach (string token in new WordTokenizer(new WordTokenizerOptions { LowerCase = true }).Tokenize(text))
{
    if (char.IsLetterOrDigit(token[0]))
    {
        sentence.Add(token);
    }
    else if (token is "." or "!" or "?" && sentence.Count > 0)
    {
        sentences.Add(sentence.ToArray());
        sentence.Clear();
    }
}

if (sentence.Count > 0) sentences.Add(sentence.ToArray());
Console.WriteLine($"{sentences.Count:N0} sentences, {sentences.Sum(s => s.Length):N0} words");

var options = new Word2VecOptions
{
    Architecture = Word2VecArchitecture.SkipGram, Dimensions = 100, Window = 5, NegativeSamples = 5,
    MinCount = 5, Epochs = smoke ? 1 : 5, Seed = 1, Threads = 1,
};
WordVectors vectors = Word2Vec.Train(sentences, options);
Console.WriteLine($"{vectors.Count:N0} words of at least {options.MinCount} occurrences, {vectors.Dimensions} dimensions, trained in {clock.Elapsed.TotalSeconds:F1} s");

foreach (string word in new[] { "whale", "ship", "captain", "sea", "harpoon", "ahab" }.Where(vectors.Contains))
{
    Console.WriteLine($"  {word,-8} → " + string.Join(", ", vectors.Nearest(word, 6).Select(n => $"{n.Word} {n.Similarity:F2}")));
}

if (new[] { "whale", "whales", "ship" }.All(vectors.Contains))
{
    Console.WriteLine("  whale : whales :: ship : " + string.Join(", ", vectors.Analogy("whale", "whales", "ship", 3).Select(n => n.Word)));
}

// Hand-made pairs: the first word should be nearer the second than the third.
(string Word, string Related, string Unrelated)[] pairs =
{
    ("whale", "sperm", "chair"), ("ship", "deck", "bread"), ("sea", "ocean", "pipe"), ("harpoon", "lance", "book"),
    ("captain", "mate", "fish"), ("boat", "oars", "heaven"), ("head", "eyes", "ship"), ("night", "day", "oil"),
    ("wind", "sail", "whale"), ("god", "heaven", "boat"),
};
var known = pairs.Where(p => vectors.Contains(p.Word) && vectors.Contains(p.Related) && vectors.Contains(p.Unrelated)).ToList();
int right = known.Count(p => vectors.Similarity(p.Word, p.Related) > vectors.Similarity(p.Word, p.Unrelated));
Console.WriteLine($"related above unrelated: {right} of {known.Count} hand-made pairs");

string file = Path.Combine(outputDirectory, "moby-dick-vectors.txt");
Directory.CreateDirectory(outputDirectory);
WordVectorFiles.Save(vectors, file);
Console.WriteLine($"vectors (word2vec text format): {file}");
Console.WriteLine($"time: {clock.Elapsed.TotalSeconds:F1} s");
