using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using RnnGen.Generators.Model;

namespace RnnGen.Generators;

/// <summary>
/// Reports what the generator cannot see: layer attributes outside an <c>[RnnModel]</c> class, and call sites whose buffer
/// sizes are compile-time constants that do not fit the model. (Declaration mistakes are reported by the generator.)
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RnnModelAnalyzer : DiagnosticAnalyzer
{
    private static readonly string[] LayerAttributeNames = { "EmbeddingAttribute", "SimpleRnnAttribute", "LstmAttribute", "GruAttribute", "DenseAttribute", "TreeLstmAttribute", "TreeRnnAttribute" };

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.LayerOutsideModel, DiagnosticDescriptors.ArgumentSizeMismatch);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            INamedTypeSymbol? modelAttribute = start.Compilation.GetTypeByMetadataName("RnnGen.RnnModelAttribute");
            if (modelAttribute is null)
            {
                return; // RnnGen is not referenced
            }

            start.RegisterSymbolAction(c => AnalyzeMember(c, modelAttribute), SymbolKind.Property, SymbolKind.Field, SymbolKind.Method);
            start.RegisterOperationAction(c => AnalyzeInvocation(c, modelAttribute), OperationKind.Invocation);
        });
    }

    private static void AnalyzeMember(SymbolAnalysisContext context, INamedTypeSymbol modelAttribute)
    {
        ISymbol member = context.Symbol;
        if (member is IPropertySymbol { PartialDefinitionPart: not null })
        {
            return; // the implementation part of a partial property: its definition part is analysed already
        }

        INamedTypeSymbol? type = member.ContainingType;
        if (type is null || type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, modelAttribute)))
        {
            return;
        }

        foreach (AttributeData attribute in member.GetAttributes())
        {
            string? name = RnnGenerator.Parser.LayerAttributeName(attribute.AttributeClass);
            if (name is not null)
            {
                Location location = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? member.Locations.FirstOrDefault() ?? Location.None;
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.LayerOutsideModel, location, member.Name, name, type.Name));
            }
        }
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, INamedTypeSymbol modelAttribute)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol method = invocation.TargetMethod;
        if (method.Name is not ("Predict" or "Step") || method.ContainingType is not { } type ||
            !type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, modelAttribute)))
        {
            return;
        }

        int? inputSize = Constant(type, "InputSize"), outputSize = Constant(type, "OutputSize");
        bool tokens = Constant(type, "VocabularySize") is not null;
        bool perStep = type.GetMembers("OutputIsSequence").OfType<IFieldSymbol>().FirstOrDefault()?.ConstantValue is true;
        if (inputSize is null || outputSize is null)
        {
            return;
        }

        var lengths = new Dictionary<string, (int Length, IArgumentOperation Argument)>();
        var constants = new Dictionary<string, int>();
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            string name = argument.Parameter?.Name ?? string.Empty;
            if (argument.Value.ConstantValue is { HasValue: true, Value: int value })
            {
                constants[name] = value;
            }
            else if (ConstantLength(argument.Value, context) is int length)
            {
                lengths[name] = (length, argument);
            }
        }

        string model = type.Name;
        if (method.Name == "Predict" && constants.TryGetValue("batchSize", out int batch) && constants.TryGetValue("timeSteps", out int time))
        {
            string inputName = tokens ? "tokens" : "inputs";
            Check(context, lengths, inputName, batch * time * (tokens ? 1 : inputSize.Value), $"{model}.Predict",
                tokens ? $"batchSize·timeSteps = {batch}·{time} = {batch * time}" : $"batchSize·timeSteps·InputSize = {batch}·{time}·{inputSize} = {batch * time * inputSize}");
            int rows = perStep ? batch * time : batch;
            Check(context, lengths, "outputs", rows * outputSize.Value, $"{model}.Predict",
                perStep ? $"batchSize·timeSteps·OutputSize = {batch}·{time}·{outputSize} = {rows * outputSize}" : $"batchSize·OutputSize = {batch}·{outputSize} = {rows * outputSize}");
        }
        else if (method.Name == "Step")
        {
            // Streams in a state are not known here; the input and output must describe the same number of streams.
            string inputName = tokens ? "tokens" : "inputs";
            int per = tokens ? 1 : inputSize.Value;
            if (lengths.TryGetValue(inputName, out var input) && input.Length % per != 0)
            {
                Report(context, input.Argument, $"{model}.Step", inputName, input.Length, $"a multiple of InputSize = {per} (InputSize floats per stream)");
            }
            else if (lengths.TryGetValue("output", out var output) && lengths.TryGetValue(inputName, out var i))
            {
                // Without a constant input the number of streams is the state's, unknown here: nothing to compare.
                int streams = i.Length / per;
                if (output.Length != streams * outputSize.Value)
                {
                    Report(context, output.Argument, $"{model}.Step", "output", output.Length, $"{streams} stream(s) · OutputSize = {streams}·{outputSize} = {streams * outputSize.Value}");
                }
            }
        }
    }

    private static void Check(OperationAnalysisContext context, Dictionary<string, (int Length, IArgumentOperation Argument)> lengths, string name, int expected, string method, string formula)
    {
        if (lengths.TryGetValue(name, out var found) && found.Length != expected)
        {
            Report(context, found.Argument, method, name, found.Length, formula);
        }
    }

    private static void Report(OperationAnalysisContext context, IArgumentOperation argument, string method, string name, int actual, string expected)
        => context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ArgumentSizeMismatch, argument.Syntax.GetLocation(), method, name, actual, method.Split('.')[0], expected));

    private static int? Constant(INamedTypeSymbol type, string name)
        => type.GetMembers(name).OfType<IFieldSymbol>().FirstOrDefault(f => f.IsConst)?.ConstantValue as int?;

    /// <summary>The length of an array or stackalloc of constant size, directly or through a local initialised with one.</summary>
    private static int? ConstantLength(IOperation value, OperationAnalysisContext context)
    {
        while (value is IConversionOperation conversion)
        {
            value = conversion.Operand;
        }

        if (value is ILocalReferenceOperation local && local.Local.DeclaringSyntaxReferences.Length == 1 &&
            local.Local.DeclaringSyntaxReferences[0].GetSyntax(context.CancellationToken) is VariableDeclaratorSyntax { Initializer.Value: { } initializer } &&
            value.SemanticModel is { } model)
        {
            return SyntaxLength(initializer, model, context);
        }

        return value.SemanticModel is { } semantic ? SyntaxLength(value.Syntax, semantic, context) : null;
    }

    private static int? SyntaxLength(SyntaxNode syntax, SemanticModel model, OperationAnalysisContext context)
    {
        ArrayRankSpecifierSyntax? rank = syntax switch
        {
            ArrayCreationExpressionSyntax array => array.Initializer is { } init && array.Type.RankSpecifiers[0].Sizes[0] is OmittedArraySizeExpressionSyntax ? null : array.Type.RankSpecifiers.FirstOrDefault(),
            StackAllocArrayCreationExpressionSyntax stack when stack.Type is ArrayTypeSyntax arrayType => arrayType.RankSpecifiers.FirstOrDefault(),
            _ => null,
        };
        if (rank is { Sizes.Count: 1 } && model.GetConstantValue(rank.Sizes[0], context.CancellationToken) is { HasValue: true, Value: int size })
        {
            return size;
        }

        InitializerExpressionSyntax? elements = syntax switch
        {
            ArrayCreationExpressionSyntax array => array.Initializer,
            ImplicitArrayCreationExpressionSyntax implicitArray => implicitArray.Initializer,
            ImplicitStackAllocArrayCreationExpressionSyntax implicitStack => implicitStack.Initializer,
            StackAllocArrayCreationExpressionSyntax stack => stack.Initializer,
            _ => null,
        };
        return elements?.Expressions.Count;
    }
}
