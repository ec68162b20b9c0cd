using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using RnnGen.Generators;

namespace RnnGen.Benchmarks;

/// <summary>
/// The generator and the analyzer over a project of 50 models (every cell, directions, stacks), against the baseline of
/// compiling that project (declarations plus generated code) — what a user's build pays for RnnGen on top of compiling.
/// Every measurement starts from a fresh clone of the compilation, which caches nothing.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private CSharpCompilation _compilation = null!;
    private Compilation _generated = null!;
    private CSharpParseOptions _parse = null!;

    [GlobalSetup]
    public void Setup()
    {
        _parse = new CSharpParseOptions(LanguageVersion.Latest);
        string[] cells = { "Lstm({0}, ReturnSequences = true)", "Gru({0}, ReturnSequences = true)", "SimpleRnn({0}, ReturnSequences = true)", "Lstm({0}, Peepholes = true, ReturnSequences = true)", "Gru({0}, ResetAfter = false, ReturnSequences = true)" };
        var trees = new List<SyntaxTree>();
        for (int i = 0; i < 50; i++)
        {
            string cell = string.Format(cells[i % cells.Length], 16 + i);
            string bidi = i % 3 == 0 ? "Bidirectional, " : string.Empty;
            string source = $$"""
                using RnnGen;
                namespace Project;
                [RnnModel(Loss = Loss.CrossEntropy)]
                public partial class Model{{i}}
                {
                    [Embedding(1000, 32)] public partial EmbeddingLayer Words { get; }
                    [{{bidi}}{{cell}}] public partial RecurrentLayer Encoder { get; }
                    [Lstm(32, ReturnSequences = true)] public partial RecurrentLayer Refine { get; }
                    [Dense(5, Activation.Softmax)] public partial DenseLayer Out { get; }
                }
                public static class Use{{i}} { public static void Run() { var m = new Model{{i}}(); m.Predict(new int[20], 2, 10, new float[100]); } }
                """;
            trees.Add(CSharpSyntaxTree.ParseText(source, _parse));
        }

        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(RnnModelAttribute).Assembly.Location).Distinct().Select(p => MetadataReference.CreateFromFile(p));
        _compilation = CSharpCompilation.Create("Project", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        CSharpGeneratorDriver.Create(new[] { new RnnGenerator().AsSourceGenerator() }, parseOptions: _parse)
            .RunGeneratorsAndUpdateCompilation(_compilation, out _generated, out _);
    }

    [Benchmark(Baseline = true, Description = "compile 50 models (declarations + generated code)")]
    public int Compile() => _generated.Clone().GetDiagnostics().Length;

    [Benchmark(Description = "generator over 50 models")]
    public int Generate()
    {
        CSharpGeneratorDriver.Create(new[] { new RnnGenerator().AsSourceGenerator() }, parseOptions: _parse)
            .RunGeneratorsAndUpdateCompilation(_compilation.Clone(), out Compilation output, out _);
        return output.SyntaxTrees.Count();
    }

    [Benchmark(Description = "analyzer over 50 models")]
    public int Analyze()
        => _generated.Clone().WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new RnnModelAnalyzer())).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult().Length;
}
