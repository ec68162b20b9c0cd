using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace RnnGen.Generators.Tests;

/// <summary>Builds test inputs and runs the generator in memory against the real runtime assembly.</summary>
public static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly ImmutableArray<MetadataReference> References = BuildReferences();

    private static ImmutableArray<MetadataReference> BuildReferences()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).ToList();
        paths.Add(typeof(RnnModelAttribute).Assembly.Location);
        paths.Add(typeof(System.Numerics.Tensors.TensorPrimitives).Assembly.Location);
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }

    /// <summary>A file with the usual usings around <paramref name="body"/>.</summary>
    public static string Source(string body) => "using RnnGen;\n\nnamespace Test;\n\n" + body + "\n";

    /// <summary>A model class named <paramref name="name"/> with the given attribute arguments and members.</summary>
    public static string Model(string members, string attribute = "[RnnModel(InputSize = 3)]", string name = "M")
        => Source($"{attribute}\npublic partial class {name}\n{{\n{members}\n}}");

    public static CSharpCompilation Compilation(params string[] sources)
        => CSharpCompilation.Create("Test", sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Test{i}.cs")),
            References, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver() => CSharpGeneratorDriver.Create(
        new[] { new RnnGenerator().AsSourceGenerator() }, parseOptions: ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns its run result and the compilation with the generated code added.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output) Run(params string[] sources)
    {
        GeneratorDriver driver = Driver().RunGeneratorsAndUpdateCompilation(Compilation(sources), out Compilation output, out _);
        return (driver.GetRunResult(), output);
    }

    /// <summary>Runs the generator, then the analyzer over the result; returns RnnGen's diagnostics from both, and the output compilation.</summary>
    public static (IReadOnlyList<Diagnostic> Diagnostics, GeneratorDriverRunResult Generator, Compilation Output) Analyze(params string[] sources)
    {
        (GeneratorDriverRunResult result, Compilation output) = Run(sources);
        var analyzers = ImmutableArray.Create<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>(new RnnModelAnalyzer());
        IReadOnlyList<Diagnostic> diagnostics = result.Diagnostics.Concat(output.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult()).ToList();
        return (diagnostics, result, output);
    }

    /// <summary>Errors and warnings of the compilation with the generated code (none expected for a valid model).</summary>
    public static IReadOnlyList<Diagnostic> CompileProblems(Compilation output)
        => output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();

    /// <summary>Splits <c>[|…|]</c> out of a source: the clean text and the marked span.</summary>
    public static (string Source, TextSpan Span) Marked(string source)
    {
        int start = source.IndexOf("[|", StringComparison.Ordinal);
        int end = source.IndexOf("|]", StringComparison.Ordinal);
        if (start < 0 || end < start) throw new ArgumentException("The source needs one [| … |] span.");
        string clean = source.Remove(end, 2).Remove(start, 2);
        return (clean, TextSpan.FromBounds(start, end - 2));
    }
}
