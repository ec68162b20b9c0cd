using Microsoft.CodeAnalysis;
using RnnGen.Generators.Model;

namespace RnnGen.Generators;

/// <summary>
/// Generates the code of every <c>[RnnModel]</c> partial class: parse (symbols → <see cref="ModelSpec"/>),
/// then emit (<see cref="ModelSpec"/> → C#). The same parser feeds <see cref="RnnModelAnalyzer"/>, which reports the
/// declaration diagnostics; the generator reports only its own failures (RNN9999).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class RnnGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps (asserted by the caching tests).</summary>
    public static class StepNames
    {
        public const string Parse = "RnnGen.Parse";
        public const string Models = "RnnGen.Models";
    }

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ParseResult> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                "RnnGen.RnnModelAttribute",
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
                static (ctx, ct) => Parser.Parse(ctx, ct))
            .WithTrackingName(StepNames.Parse);

        IncrementalValuesProvider<ModelSpec> models = parsed
            .Where(static r => r.Model is not null)
            .Select(static (r, _) => r.Model!)
            .WithTrackingName(StepNames.Models);

        // Declaration diagnostics are reported by RnnModelAnalyzer (live in the IDE, once); the generator only skips invalid models.
        context.RegisterSourceOutput(models, static (spc, model) =>
        {
            string source;
            try
            {
                source = Emitter.Emit(model);
            }
            catch (System.Exception ex)
            {
                spc.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, Location.None, model.ClassName, ex.GetType().Name + ": " + ex.Message));
                return;
            }

            spc.AddSource(Emitter.HintName(model), source);
        });
    }
}
