using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;

namespace RnnGen.Generators.Tests.Robustness;

/// <summary>
/// One declaration to throw at the generator: a whole file whose types live in a namespace of their own, the model to run
/// if it compiles (a C# type expression; null: compile only), the same model declared plainly, and what input the model reads
/// (floats, tokens, trees of tokens, or, for an encoder-decoder model, a source to decode and a target to score).
/// </summary>
public sealed record Declaration(string Name, string Source, string? ModelType = null, string? Plain = null, bool Tokens = false, string? ExpectedId = null, bool EncoderDecoder = false, bool Tree = false);

/// <summary>What happened to one declaration: the RNN diagnostics in its own file, or the outputs it matched the plain model with.</summary>
public sealed record Outcome(Declaration Declaration, IReadOnlyList<Diagnostic> RnnDiagnostics, bool Ran);

/// <summary>
/// Runs many declarations through the generator in one compilation: no generator exception, no CS8785 or RNN9999, no
/// error in a generated file, every RNN diagnostic in a user's file; each declaration is either diagnosed (an RNN error in
/// its own file) or compiles clean and, built in a second compilation beside its plain twin, has the same parameter count
/// and the same Predict outputs for the same seed and input.
/// </summary>
public static class RobustnessHarness
{
    public static IReadOnlyList<Outcome> Check(IReadOnlyList<Declaration> declarations)
    {
        (GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Run(declarations.Select(d => d.Source).ToArray());
        Assert.Null(result.Results[0].Exception);
        Assert.DoesNotContain(result.Diagnostics, d => d.Id is "CS8785" or DiagnosticDescriptors.InternalErrorId);

        // The generator reports from plain data, so its locations carry the file path rather than the tree.
        var userPaths = output.SyntaxTrees.Take(declarations.Count).Select(t => t.FilePath).ToList();
        List<Diagnostic> rnn = result.Diagnostics.Where(d => d.Id.StartsWith("RNN", StringComparison.Ordinal)).ToList();
        Assert.All(rnn, d => Assert.True(userPaths.Contains(d.Location.GetLineSpan().Path) && !d.Location.SourceSpan.IsEmpty, $"{d} is not located in the user's code"));

        var outcomes = new List<Outcome>();
        for (int i = 0; i < declarations.Count; i++)
        {
            List<Diagnostic> own = rnn.Where(d => d.Location.GetLineSpan().Path == userPaths[i]).ToList();
            outcomes.Add(new Outcome(declarations[i], own, !own.Any(d => d.Severity == DiagnosticSeverity.Error)));
        }

        // The files generated for diagnosed declarations (the throwing layer stubs) must compile here; the others are
        // compiled once, in the build beside the plain twins, which fails on any error.
        var diagnosedPaths = new HashSet<string>(outcomes.Select((o, i) => o.Ran ? null : userPaths[i]).OfType<string>());
        foreach (SyntaxTree tree in output.SyntaxTrees.Skip(declarations.Count))
        {
            SemanticModel model = output.GetSemanticModel(tree);
            bool forDiagnosed = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax>()
                .Select(t => model.GetDeclaredSymbol(t)).OfType<ISymbol>()
                .Any(symbol => symbol.Locations.Any(l => l.SourceTree is { } source && diagnosedPaths.Contains(source.FilePath)));
            if (forDiagnosed)
            {
                List<Diagnostic> errors = model.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                Assert.True(errors.Count == 0, "generated code does not compile:\n" + string.Join("\n", errors.Take(10)) + "\n    in " + tree.FilePath);
            }
        }

        RunAgainstPlain(outcomes.Where(o => o.Ran).Select(o => o.Declaration).ToList());
        return outcomes;
    }

    /// <summary>Builds every clean declaration with its plain twin and a probe, then compares counts and outputs.</summary>
    private static void RunAgainstPlain(IReadOnlyList<Declaration> declarations)
    {
        // a declaration without a model type is compiled, not run; one without a plain twin (it is plain already) runs alone
        List<Declaration> runnable = declarations.Where(d => d.ModelType is not null).ToList();
        if (declarations.Count == 0)
        {
            return;
        }

        var probe = new StringBuilder("using System.Linq;\nnamespace RobustnessProbes;\npublic static class Probe\n{\n");
        probe.Append("    private static float[] Floats(int n) { var x = new float[n]; for (int i = 0; i < n; i++) x[i] = global::System.MathF.Sin(0.7f * i + 0.3f); return x; }\n");
        probe.Append("    private static int[] Tokens(int n, int v) { var x = new int[n]; for (int i = 0; i < n; i++) x[i] = (7 * i + 3) % v; return x; }\n");
        for (int i = 0; i < runnable.Count; i++)
        {
            foreach ((string suffix, string type) in new[] { ("H", runnable[i].ModelType!), ("P", runnable[i].Plain is null ? runnable[i].ModelType! : $"global::Plain.{runnable[i].Name}.M") })
            {
                probe.Append($"    public static int Count{suffix}{i}() => {type}.ParameterCount;\n");
                if (runnable[i].EncoderDecoder)
                {
                    // the training loss of a teacher-forced batch, then greedy decoding: the tokens as floats
                    probe.Append($"    public static float[] Run{suffix}{i}() {{ var m = new {type}(7); var t = Tokens(2 * 4, {type}.TargetVocabularySize); var s = Tokens(2 * 3, {type}.SourceVocabularySize); " +
                                 $"float loss = m.Forward(new global::RnnGen.Seq2Seq.Seq2SeqBatch {{ BatchSize = 2, SourceSteps = 3, Source = s, TargetSteps = 4, Targets = t }}); " +
                                 $"var o = new int[2 * 5]; m.Decode(s, 2, 3, default, o, 5, new int[2]); return o.Select(x => (float)x).Prepend(loss).ToArray(); }}\n");
                    continue;
                }

                if (runnable[i].Tree)
                {
                    // a batch of two trees of different shapes, one row per root
                    probe.Append($"    public static float[] Run{suffix}{i}() {{ var m = new {type}(7); var t = Tokens(4, {type}.VocabularySize); " +
                                 "var trees = new[] { global::RnnGen.Trees.BinaryTree.Node(global::RnnGen.Trees.BinaryTree.Node(global::RnnGen.Trees.BinaryTree.Leaf(t[0]), global::RnnGen.Trees.BinaryTree.Leaf(t[1])), global::RnnGen.Trees.BinaryTree.Leaf(t[2])), global::RnnGen.Trees.BinaryTree.Leaf(t[3]) }; " +
                                 $"var o = new float[2 * {type}.OutputSize]; m.Predict(trees, o); return o; }}\n");
                    continue;
                }

                string input = runnable[i].Tokens ? $"Tokens(2 * 3, {type}.VocabularySize)" : $"Floats(2 * 3 * {type}.InputSize)";
                probe.Append($"    public static float[] Run{suffix}{i}() {{ var m = new {type}(7); var o = new float[2 * {type}.OutputSize * ({type}.OutputIsSequence ? 3 : 1)]; m.Predict({input}, 2, 3, o); return o; }}\n");
            }
        }

        probe.Append("}\n");
        string[] sources = declarations.Select(d => d.Source).Concat(runnable.Select(d => d.Plain).OfType<string>()).Append(probe.ToString()).ToArray();
        (GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Run(sources);
        Assert.Null(result.Results[0].Exception);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = output.Emit(stream);
        Assert.True(emitted.Success, "declarations without an RNN diagnostic, or the code generated for them, do not compile:\n" + string.Join("\n",
            emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(10).Select(d => d + "\n    in " + d.Location.SourceTree?.FilePath)));

        var context = new AssemblyLoadContext("robustness", isCollectible: true);
        try
        {
            stream.Position = 0;
            Type type = context.LoadFromStream(stream).GetType("RobustnessProbes.Probe")!;
            object? Call(string name) => type.GetMethod(name, BindingFlags.Public | BindingFlags.Static)!.Invoke(null, null);
            int nonzero = 0;
            for (int i = 0; i < runnable.Count; i++)
            {
                Assert.True(Equals(Call("CountP" + i), Call("CountH" + i)), $"{runnable[i].Name}: ParameterCount differs from the plain model");
                float[] plain = (float[])Call("RunP" + i)!, hostile = (float[])Call("RunH" + i)!;
                Assert.True(plain.AsSpan().SequenceEqual(hostile), $"{runnable[i].Name}: Predict differs from the plain model");
                nonzero += plain.Any(v => v != 0f) ? 1 : 0;
            }

            Assert.True(nonzero * 2 > runnable.Count, $"only {nonzero} of {runnable.Count} models output anything but zeros");
        }
        finally
        {
            context.Unload();
        }
    }
}
