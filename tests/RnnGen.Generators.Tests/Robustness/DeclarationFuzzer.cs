using System.Text;
using Xunit.Abstractions;

namespace RnnGen.Generators.Tests.Robustness;

/// <summary>
/// Random sequential and tree models, most of them plain and some with a hostile touch — keyword, reserved, clashing or non-ASCII
/// names, undefined enum values, bad sizes, unusual class shapes, user members named like generated ones — each touched
/// one with its plain twin (the same layers, plain names, a plain class); an untouched one is plain already and runs alone. The seed is printed; set RNNGEN_FUZZ_SEED to replay a run.
/// </summary>
public sealed class DeclarationFuzzer
{
    private const int Count = 300;
    private readonly ITestOutputHelper _output;

    public DeclarationFuzzer(ITestOutputHelper output) => _output = output;

    private static readonly string[] PlainNames = { "Rnn", "Memory", "Hidden", "Out", "Encoder", "Refine", "Tags", "Head", "Decoder", "Words" };
    private static readonly string[] HostileNames =
    {
        "@class", "@int", "@event", "@object", "var", "value", "Слой", "x_1", "A_Out", "Summary", "Layout", "_parameters", "_",
        "InitializeParameters", "Generate", "State", "Named", "Run", "Loss", "CreateViews", "rnn", "M",
    };

    [Fact]
    public void Random_declarations_are_diagnosed_in_the_users_code_or_work_like_their_plain_twin()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("RNNGEN_FUZZ_SEED"), out int s) ? s : 20261127;
        _output.WriteLine($"fuzz seed {seed} (replay with RNNGEN_FUZZ_SEED={seed})");
        var random = new Random(seed);
        List<Declaration> declarations = Enumerable.Range(0, Count).Select(i => Generate(random, "F" + i)).ToList();

        TimeSpan cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var wall = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<Outcome> outcomes = RobustnessHarness.Check(declarations);
        _output.WriteLine($"checked in {wall.Elapsed.TotalSeconds:F1} s wall, {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F1} s CPU");
        int ran = outcomes.Count(o => o.Ran);
        _output.WriteLine($"{outcomes.Count} declarations: {ran} compiled and ran ({outcomes.Count(o => o.Ran && o.Declaration.Plain is not null)} of them matched their plain twin), {outcomes.Count - ran} diagnosed");
        foreach (var group in outcomes.SelectMany(o => o.RnnDiagnostics).GroupBy(d => d.Id).OrderBy(g => g.Key))
        {
            _output.WriteLine($"  {group.Key}: {group.Count()}");
        }

        // Both halves are exercised: the generator neither rejects everything nor accepts everything.
        Assert.InRange(ran, Count / 5, Count * 4 / 5);
        int trees = outcomes.Count(o => o.Declaration.Tree), treesRan = outcomes.Count(o => o.Declaration.Tree && o.Ran);
        _output.WriteLine($"{trees} tree declarations: {treesRan} compiled and ran, {trees - treesRan} diagnosed");
        Assert.InRange(treesRan, 1, trees - 1);
    }

    private sealed record Layer(string Kind, int Units, int Vocabulary, int Activation, bool Sequences, bool Bidirectional, int Merge, bool Peepholes, bool ResetAfter, double Dropout,
        int Projection = 0);

    private static Declaration Generate(Random r, string name)
    {
        bool tree = r.NextDouble() < 0.2;
        bool tokens = tree || r.NextDouble() < 0.3;
        var layers = new List<Layer>();
        int count = tree ? 0 : r.Next(1, 4);
        if (tokens) layers.Add(new Layer("Embedding", r.Next(2, 6), r.Next(3, 15), 0, true, false, 0, false, false, 0));
        if (tree) AddTreeLayers(r, layers);
        for (int i = 0; i < count; i++)
        {
            bool last = i == count - 1;
            string kind = last && r.NextDouble() < 0.6 ? "Dense" : new[] { "SimpleRnn", "Lstm", "Gru" }[r.Next(3)];
            int activation = kind == "SimpleRnn" ? new[] { 1, 1, 2, 3 }[r.Next(4)] : new[] { 0, 1, 3, 4 }[r.Next(4)];
            layers.Add(new Layer(kind, r.Next(1, 6), 0, activation, !last || r.NextDouble() < 0.3, kind != "Dense" && r.NextDouble() < 0.2,
                r.Next(4), r.NextDouble() < 0.3, r.NextDouble() < 0.7, !last && r.NextDouble() < 0.1 ? 0.25 : 0,
                kind == "Lstm" && r.NextDouble() < 0.25 ? r.Next(1, 4) : 0)); // a projection, valid when below the units
        }

        // a hostile touch on some declarations; each may make it invalid (diagnosed) or leave it valid (then it must run)
        string[] names = layers.Select((_, i) => PlainNames[i] + (i >= PlainNames.Length ? i.ToString() : "")).ToArray();
        int inputSize = r.Next(1, 5), loss = r.Next(3), initializer = r.Next(2);
        string className = "M", header = "public partial class", extra = "", before = "", after = "", outer = "", ns = $"Fuzz.{name}";
        int touches = r.NextDouble() < 0.35 ? 0 : r.Next(1, 3);
        for (int t = 0; t < touches; t++)
        {
            switch (r.Next(12))
            {
                case 0: case 1: names[r.Next(names.Length)] = HostileNames[r.Next(HostileNames.Length)]; break;
                case 2: names[r.Next(names.Length)] = names[0].TrimStart('@') + new[] { "Shape", "Weights", "Sequence", "Gradients" }[r.Next(4)]; break;
                case 3:
                    int which = r.Next(layers.Count);
                    layers[which] = layers[which] with { Activation = new[] { -1, 5, 42 }[r.Next(3)] };
                    break;
                case 4: layers[r.Next(layers.Count)] = layers[r.Next(layers.Count)] with { Units = new[] { 0, -2 }[r.Next(2)] }; break;
                case 5: loss = new[] { 9, -1 }[r.Next(2)]; break;
                case 6: initializer = 7; break;
                case 7: extra += new[] { " public string Summary() => \"x\";", " private float[] _workspace = new float[1];", " public int Loss => 1;", " public M(int seed) : this(seed, Initializer.Keras) { }", " public M() { }", " public M(string s) : this(3) { }", " private int _layerRnn;" }[r.Next(7)]; break;
                case 8:
                    switch (r.Next(6))
                    {
                        case 0: header = "public partial class"; className = "M<T>"; break;
                        case 1: header = "public partial record"; break;
                        case 2: header = "public static partial class"; break;
                        case 3: header = "internal sealed partial class"; break;
                        case 4: before = "public partial class Outer<T> { "; after = " }"; outer = "Outer<int>."; break;
                        default: before = "public static partial class Outer { "; after = " }"; outer = "Outer."; break;
                    }

                    break;
                case 9: className = className == "M" ? "@class" : className; break;
                case 10: ns = $"Fuzz.{name}.@namespace"; break;
                default: inputSize = new[] { 0, -1 }[r.Next(2)]; break;
            }
        }

        if (className == "@class") extra = extra.Replace(" M(", " @class(");
        string type = $"global::{ns}.{outer}{className}";
        string attribute = $"[RnnModel({(tokens ? "" : $"InputSize = {inputSize}, ")}Loss = (Loss)({loss}), Initializer = (Initializer)({initializer}))]";
        string hostile = $"using RnnGen;\nnamespace {ns};\n{before}{attribute}\n{header} {className}\n{{\n{Members(layers, names)}{extra}\n}}{after}\n";
        string plainNames = Members(layers, layers.Select((_, i) => "P" + i).ToArray());
        string plain = $"using RnnGen;\nnamespace Plain.{name};\n{attribute}\npublic partial class M\n{{\n{plainNames}\n}}\n";
        return new Declaration(name, hostile, type, touches == 0 ? null : plain, tokens, Tree: tree);
    }

    /// <summary>
    /// After the embedding: a tree layer and a dense head (docs/trees.md), then, on some, one shape mutation that the
    /// tree rules (RNN0040–RNN0044) or the common ones must diagnose.
    /// </summary>
    private static void AddTreeLayers(Random r, List<Layer> layers)
    {
        int dimension = layers[0].Units;
        string kind = r.Next(2) == 0 ? "TreeLstm" : "TreeRnn";
        int units = kind == "TreeRnn" && r.NextDouble() < 0.85 ? dimension : r.Next(1, 6);
        var treeLayer = new Layer(kind, units, 0, 0, false, false, 0, false, false, 0);
        var head = new Layer("Dense", r.Next(1, 6), 0, new[] { 0, 1, 3, 4 }[r.Next(4)], false, false, 0, false, false, 0);
        layers.Add(treeLayer);
        layers.Add(head);
        if (r.NextDouble() < 0.6)
        {
            return;
        }

        var sequential = new Layer(new[] { "SimpleRnn", "Lstm", "Gru" }[r.Next(3)], r.Next(1, 6), 0, 1, false, false, 0, false, true, 0);
        switch (r.Next(8))
        {
            case 0: layers.Insert(2, treeLayer with { Kind = kind == "TreeLstm" ? "TreeRnn" : "TreeLstm" }); break; // two tree layers
            case 1: layers.RemoveAt(0); break; // no embedding
            case 2: layers.Insert(1, sequential with { Sequences = true }); break; // a sequential layer before the tree
            case 3: layers.Insert(2, sequential); break; // a sequential layer after the tree
            case 4: layers.Add(head with { Units = r.Next(1, 6) }); break; // two heads
            case 5: layers.RemoveAt(2); break; // no head
            case 6: layers[1] = treeLayer with { Bidirectional = r.Next(2) == 0, Dropout = 0.25 }; break;
            default: layers[1] = treeLayer with { Kind = "TreeRnn", Units = dimension + r.Next(1, 3) }; break; // a TreeRnn narrower or wider than its embedding
        }
    }

    private static string Members(List<Layer> layers, string[] names)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < layers.Count; i++)
        {
            Layer l = layers[i];
            var attributes = new List<string>();
            if (l.Dropout > 0) attributes.Add($"Dropout({l.Dropout.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
            if (l.Bidirectional) attributes.Add($"Bidirectional(Merge = (MergeMode)({l.Merge}))");
            string seq = l.Sequences ? ", ReturnSequences = true" : "";
            string type;
            switch (l.Kind)
            {
                case "Embedding": attributes.Add($"Embedding({l.Vocabulary}, {l.Units})"); type = "EmbeddingLayer"; break;
                case "TreeLstm": case "TreeRnn": attributes.Add($"{l.Kind}({l.Units})"); type = "TreeLayer"; break;
                case "Dense": attributes.Add($"Dense({l.Units}, (Activation)({l.Activation}))"); type = "DenseLayer"; break;
                case "SimpleRnn": attributes.Add($"SimpleRnn({l.Units}, (Activation)({l.Activation}){seq})"); type = "RecurrentLayer"; break;
                case "Lstm": attributes.Add($"Lstm({l.Units}{seq}, Peepholes = {(l.Peepholes ? "true" : "false")}{(l.Projection > 0 ? $", ProjectionSize = {l.Projection}" : "")})"); type = "RecurrentLayer"; break;
                default: attributes.Add($"Gru({l.Units}{seq}, ResetAfter = {(l.ResetAfter ? "true" : "false")})"); type = "RecurrentLayer"; break;
            }

            sb.Append($"    [{string.Join(", ", attributes)}] public partial {type} {names[i]} {{ get; }}\n");
        }

        return sb.ToString();
    }
}
