using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace RnnGen.Generators.Tests;

/// <summary>The incremental pipeline caches: unrelated edits reuse every step, model edits recompute, and no step holds compiler objects.</summary>
public sealed class CachingTests
{
    private static readonly string ModelSource = GeneratorHarness.Model("""
        [Lstm(4, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; }
        [Dense(2, Activation.Softmax)] public partial DenseLayer Out { get; }
        """, "[RnnModel(InputSize = 3, Loss = Loss.CrossEntropy)]");

    private static readonly string[] TrackedSteps = { RnnGenerator.StepNames.Parse, RnnGenerator.StepNames.Models, RnnGenerator.StepNames.Diagnostics };

    [Fact]
    public void An_unrelated_edit_leaves_every_step_cached()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(ModelSource, "namespace Test; public class Other { }");
        GeneratorDriver driver = GeneratorHarness.Driver().RunGenerators(compilation);

        CSharpCompilation edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("namespace Test; public class Other { public int X; }", GeneratorHarness.ParseOptions, path: "Test1.cs"));
        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results[0];

        Assert.NotEmpty(result.TrackedSteps[RnnGenerator.StepNames.Parse]);
        foreach (string step in TrackedSteps.Where(result.TrackedSteps.ContainsKey))
        {
            foreach (IncrementalGeneratorRunStep run in result.TrackedSteps[step])
            {
                Assert.All(run.Outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                    $"step {step} was {o.Reason} after an unrelated edit"));
            }
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Theory]
    [InlineData("Lstm(4", "Lstm(5", "public const int RnnUnits = 5;")]
    [InlineData("InputSize = 3", "InputSize = 7", "public const int InputSize = 7;")]
    [InlineData("Loss = Loss.CrossEntropy", "Loss = Loss.CrossEntropy, Initializer = Initializer.PyTorch", "this(seed, global::RnnGen.Initializer.PyTorch)")]
    public void Editing_the_model_recomputes_it(string before, string after, string emitted)
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(ModelSource);
        GeneratorDriver driver = GeneratorHarness.Driver().RunGenerators(compilation);
        Assert.Contains(before, ModelSource);
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.First(),
            CSharpSyntaxTree.ParseText(ModelSource.Replace(before, after), GeneratorHarness.ParseOptions, path: "Test0.cs"));
        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results[0];
        Assert.Contains(result.TrackedSteps[RnnGenerator.StepNames.Parse].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(result.TrackedSteps[RnnGenerator.StepNames.Models].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(emitted, result.GeneratedSources[0].SourceText.ToString());
    }

    [Fact]
    public void A_whitespace_edit_of_the_model_file_parses_again_but_emits_nothing_new()
    {
        // The model is equal by value, so the emit step sees Unchanged and the output is reused.
        CSharpCompilation compilation = GeneratorHarness.Compilation(ModelSource);
        GeneratorDriver driver = GeneratorHarness.Driver().RunGenerators(compilation);
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.First(),
            CSharpSyntaxTree.ParseText("// a comment moves every line\n" + ModelSource, GeneratorHarness.ParseOptions, path: "Test0.cs"));
        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results[0];
        Assert.All(result.TrackedSteps[RnnGenerator.StepNames.Models].SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"model step was {o.Reason}"));
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output step was {o.Reason}"));
    }

    [Fact]
    public void No_step_output_holds_a_symbol_a_syntax_node_or_a_compilation()
    {
        string broken = GeneratorHarness.Source("[RnnModel(InputSize = 0)] public class Broken { [Lstm(0)] public partial RecurrentLayer Rnn { get; } }");
        GeneratorRunResult result = GeneratorHarness.Driver().RunGenerators(GeneratorHarness.Compilation(ModelSource, broken)).GetRunResult().Results[0];
        int visited = 0;
        // Our own steps (Roslyn's internal ForAttributeWithMetadataName steps legitimately hold syntax trees).
        foreach (IncrementalGeneratorRunStep step in TrackedSteps.Where(result.TrackedSteps.ContainsKey).SelectMany(name => result.TrackedSteps[name]))
        {
            foreach ((object value, _) in step.Outputs)
            {
                Walk(value, step.Name ?? "?", new HashSet<object>(ReferenceEqualityComparer.Instance));
                visited++;
            }
        }

        Assert.True(visited >= 2, $"expected outputs from the parse and model steps, walked {visited}");
        Assert.NotEmpty(result.TrackedSteps[RnnGenerator.StepNames.Parse]);
        Assert.NotEmpty(result.TrackedSteps[RnnGenerator.StepNames.Models]);
    }

    private static void Walk(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value)) return;
        Assert.False(value is ISymbol or SyntaxNode or Compilation or SemanticModel or Location or SyntaxTree,
            $"{path} holds a {value.GetType().Name}, which defeats caching");
        if (value is IEnumerable items)
        {
            int i = 0;
            foreach (object? item in items) Walk(item, $"{path}[{i++}]", seen);
        }

        foreach (FieldInfo field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (field.FieldType.IsPointer) continue;
            Walk(field.GetValue(value), $"{path}.{field.Name}", seen);
        }
    }
}
