using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace RnnGen.Generators.Tests.Harness;

/// <summary>
/// Roslyn's standard test harness (Microsoft.CodeAnalysis.*.Testing) set up for RnnGen: the generator runs beside the
/// analyzer, and the references are the running runtime's own assemblies plus RnnGen's — nothing is downloaded (the
/// harness's built-in reference-assembly sets fetch packages at test time, which cannot work offline).
/// </summary>
internal static class RoslynHarness
{
    /// <summary>An empty reference set: the test state's additional references below are all there is.</summary>
    public static readonly ReferenceAssemblies References = new("net10.0");

    public static readonly ImmutableArray<MetadataReference> Assemblies = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
        .Split(Path.PathSeparator)
        .Append(typeof(RnnModelAttribute).Assembly.Location)
        .Append(typeof(System.Numerics.Tensors.TensorPrimitives).Assembly.Location)
        .Distinct()
        .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
        .ToImmutableArray();

    /// <summary>RnnGen's sources use <c>[|…|]</c> for the one marked span; the harness's markup for an expected diagnostic is <c>{|#0:…|}</c>.</summary>
    public static string Markup(string source) => source.Replace("[|", "{|#0:", StringComparison.Ordinal).Replace("|]", "|}", StringComparison.Ordinal);

    public static void Configure(SolutionState state)
    {
        state.AdditionalReferences.AddRange(Assemblies);
    }
}

/// <summary>
/// The analyzer and the generator, checked through the harness (diagnostics: ID, location, severity, arguments). The
/// generator's diagnostics come through <see cref="GeneratorDiagnosticsAnalyzer"/>: the harness's own way of running
/// generators (a workspace's generator execution) produced no output in some runs on this machine, so the generator is
/// run explicitly, as the code-fix tests need anyway.
/// </summary>
internal sealed class RnnGenAnalyzerTest : CSharpAnalyzerTest<RnnModelAnalyzer, DefaultVerifier>
{
    private readonly bool _analyzerOnly;

    /// <param name="generatedFor">
    /// For the analyzer's own diagnostics (call sites of generated members): the source whose generated code is added to
    /// the test's sources, so that the analyzer sees the members; the generator's diagnostics are then not asked for.
    /// </param>
    public RnnGenAnalyzerTest(string? generatedFor = null)
    {
        if (generatedFor is not null)
        {
            _analyzerOnly = true;
            (GeneratorDriverRunResult run, _) = GeneratorHarness.Run(generatedFor);
            foreach (GeneratedSourceResult generated in run.Results[0].GeneratedSources)
            {
                TestState.Sources.Add(("/0/Generated/" + generated.HintName, generated.SourceText));
            }
        }

        ReferenceAssemblies = RoslynHarness.References;
        RoslynHarness.Configure(TestState);
        CompilerDiagnostics = CompilerDiagnostics.None; // without the generated code the partial layer properties have no body
        TestBehaviors |= TestBehaviors.SkipSuppressionCheck; // the wrapped generator's diagnostics are not the analyzer's own to suppress
    }

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers()
        => _analyzerOnly ? new DiagnosticAnalyzer[] { new RnnModelAnalyzer() } : new DiagnosticAnalyzer[] { new RnnModelAnalyzer(), new GeneratorDiagnosticsAnalyzer() };

    protected override ParseOptions CreateParseOptions() => ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion.Latest);

    protected override CompilationOptions CreateCompilationOptions()
        => ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);
}

#pragma warning disable RS1036, RS1038, RS1041 // a test's own analyzer, never loaded by a compiler
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class GeneratorDiagnosticsAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = typeof(DiagnosticDescriptors).GetFields()
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToImmutableArray();

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        // per syntax tree, as the IDE asks for a document's diagnostics. The generator keeps no syntax in its pipeline, so its
        // locations are file path and span; the harness finds a fix's document through the location's tree, so give it one.
        context.RegisterSemanticModelAction(model =>
        {
            SyntaxTree tree = model.SemanticModel.SyntaxTree;
            GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new RnnGenerator().AsSourceGenerator() }, parseOptions: (CSharpParseOptions)tree.Options);
            foreach (Diagnostic diagnostic in driver.RunGenerators(model.SemanticModel.Compilation).GetRunResult().Diagnostics)
            {
                if (diagnostic.Location.GetLineSpan().Path == tree.FilePath)
                {
                    model.ReportDiagnostic(Diagnostic.Create(diagnostic.Descriptor, Location.Create(tree, diagnostic.Location.SourceSpan), Arguments(diagnostic)));
                }
            }
        });
    }

    /// <summary>The message arguments of a diagnostic (internal to Roslyn; the harness compares them).</summary>
    private static object?[] Arguments(Diagnostic diagnostic)
    {
        object? arguments = diagnostic.GetType().GetProperty("Arguments", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)?.GetValue(diagnostic);
        return arguments is IReadOnlyList<object?> list ? list.ToArray() : Array.Empty<object?>();
    }
}
#pragma warning restore RS1036, RS1038, RS1041

/// <summary>The code fixes, checked through the harness: exact fixed text, one fix at a time and fix-all.</summary>
internal sealed class RnnGenCodeFixTest : CSharpCodeFixTest<GeneratorDiagnosticsAnalyzer, RnnGen.CodeFixes.RnnGenCodeFixProvider, DefaultVerifier>
{
    public RnnGenCodeFixTest()
    {
        ReferenceAssemblies = RoslynHarness.References;
        RoslynHarness.Configure(TestState);
        TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        CompilerDiagnostics = CompilerDiagnostics.None; // without the generated code the partial layer properties have no body
        TestBehaviors |= TestBehaviors.SkipSuppressionCheck; // the wrapped generator's diagnostics are not the analyzer's own to suppress
    }

    protected override ParseOptions CreateParseOptions() => ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion.Latest);

    protected override CompilationOptions CreateCompilationOptions()
        => ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);
}
