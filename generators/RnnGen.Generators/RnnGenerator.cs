using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using RnnGen.Generators.Model;

namespace RnnGen.Generators;

/// <summary>
/// Generates the code of every <c>[RnnModel]</c> partial class: parse (symbols → <see cref="ModelSpec"/>),
/// then emit (<see cref="ModelSpec"/> → C#), and report the declaration diagnostics. <see cref="RnnModelAnalyzer"/> adds the
/// checks that need no model: layer attributes outside a model and constant-size buffers at call sites.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class RnnGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps (asserted by the caching tests).</summary>
    public static class StepNames
    {
        public const string Parse = "RnnGen.Parse";
        public const string Models = "RnnGen.Models";
        public const string Diagnostics = "RnnGen.Diagnostics";
        public const string Invalid = "RnnGen.Invalid";
    }

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ParseResult> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                "RnnGen.RnnModelAttribute",
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.RecordDeclarationSyntax,
                static (ctx, ct) => Parser.Parse(ctx, ct))
            .WithTrackingName(StepNames.Parse);

        IncrementalValuesProvider<ModelSpec> models = parsed
            .Where(static r => r.Model is not null)
            .Select(static (r, _) => r.Model!)
            .WithTrackingName(StepNames.Models);

        // Declaration diagnostics travel as data on their own output: a moved line re-reports them without regenerating code.
        // They come from the generator, not an analyzer, because the command-line compiler skips analyzers once a
        // compilation has errors — and a broken declaration always has some (the partial members lack their other half).
        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = parsed
            .Select(static (r, _) => r.Diagnostics)
            .Where(static d => d.Count > 0)
            .WithTrackingName(StepNames.Diagnostics);

        context.RegisterSourceOutput(diagnostics, static (spc, list) =>
        {
            foreach (DiagnosticInfo info in list)
            {
                spc.ReportDiagnostic(info.ToDiagnostic());
            }
        });

        // Every model's full name, so that each file name is unique (see HintNames); it changes only when a model is renamed.
        IncrementalValueProvider<EquatableArray<string>> names = parsed
            .Select(static (r, _) => r.Model ?? r.Invalid)
            .Where(static m => m is not null)
            .Select(static (m, _) => HintNames.Key(m!))
            .Collect()
            .Select(static (keys, _) => new EquatableArray<string>(keys.Distinct().OrderBy(k => k, System.StringComparer.Ordinal).ToImmutableArray()));

        // An invalid but partial model still gets its layer properties, each throwing, so that its RNN diagnostic stands alone.
        IncrementalValuesProvider<ModelSpec> invalid = parsed
            .Where(static r => r.Invalid is not null)
            .Select(static (r, _) => r.Invalid!)
            .WithTrackingName(StepNames.Invalid);
        context.RegisterSourceOutput(invalid.Combine(names), static (spc, pair) => AddSource(spc, pair.Left, pair.Right, Emitter.EmitStub));
        context.RegisterSourceOutput(models.Combine(names), static (spc, pair) => AddSource(spc, pair.Left, pair.Right, Emitter.Emit));
    }

    /// <summary>Emits and adds one file; an exception in either becomes RNN9999 instead of a generator crash (CS8785).</summary>
    private static void AddSource(SourceProductionContext spc, ModelSpec model, EquatableArray<string> names, System.Func<ModelSpec, string> emit)
    {
        try
        {
            spc.AddSource(HintNames.For(model, names), emit(model));
        }
        catch (System.Exception ex) when (ex is not System.OperationCanceledException)
        {
            spc.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, Location.None, model.ClassName, ex.GetType().Name + ": " + ex.Message));
        }
    }
}
