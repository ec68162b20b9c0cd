using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generators.Model;

namespace RnnGen.Generators;

public sealed partial class RnnGenerator
{
    /// <summary>The checks that keep a user's declaration from breaking the generated file: class shape, names, enum values.</summary>
    internal static partial class Parser
    {
        /// <summary>A namespace as C# source: keywords escaped (<c>@namespace.@class</c>), no <c>global::</c>.</summary>
        private static readonly SymbolDisplayFormat NamespaceFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted);

        /// <summary>
        /// The classes RnnGen cannot generate a model for (RNN0030). False when not even the throwing layer stubs can be
        /// generated (a record, static, generic or file-local class); true when they can, whether or not it reported.
        /// </summary>
        private static bool CheckModelClass(INamedTypeSymbol type, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            string? problem = null;
            if (type.IsRecord)
            {
                problem = "it is a record; declare it as a 'partial class'";
            }
            else if (type.IsStatic)
            {
                problem = "it is static, but a model is an object; remove 'static'";
            }
            else if (type.TypeParameters.Length > 0)
            {
                problem = "it is generic; a model's sizes are constants, so it takes no type parameters";
            }
            else if (Outward(type).Any(t => t.IsFileLocal))
            {
                problem = "it is file-local, and the generated part lives in another file; remove 'file'";
            }
            else if (Outward(type.ContainingType).Any(t => t.TypeKind is not (TypeKind.Class or TypeKind.Struct or TypeKind.Interface)))
            {
                problem = "it is nested in a type that cannot have a partial part";
            }

            if (problem is null && type.GetMembers(type.Name).FirstOrDefault(IsLayerMember) is { } namesake)
            {
                // C# forbids a member named as its class: the generated part could not even implement the layer
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberClash, namesake.Locations.FirstOrDefault(), namesake.Name, $"its class '{type.Name}'"));
                return false;
            }

            if (problem is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedModelClass, type.Locations.FirstOrDefault(), type.Name, problem));
                return false;
            }

            if (type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>().FirstOrDefault(d => d.ParameterList is not null) is { } primary)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedModelClass, primary.ParameterList!.GetLocation(), type.Name,
                    "it has a primary constructor, but the generated constructors create the layers; declare a constructor that calls this(seed)"));
            }
            else if (Bases(type.BaseType).FirstOrDefault(IsModel) is { } baseModel)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedModelClass, type.Locations.FirstOrDefault(), type.Name,
                    $"it derives from the model '{baseModel.Name}', whose generated members it would hide; derive both from a common class that is not a model"));
            }
            else
            {
                foreach (IMethodSymbol constructor in type.InstanceConstructors.Where(c => !c.IsImplicitlyDeclared))
                {
                    if (constructor.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<ConstructorDeclarationSyntax>()
                        .FirstOrDefault() is { } syntax && syntax.Initializer is not { RawKind: (int)SyntaxKind.ThisConstructorInitializer })
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedModelClass, syntax.Identifier.GetLocation(), type.Name,
                            "its constructor does not call this(seed) or this(seed, initializer), so it would leave the layers unset; add ': this(0)'"));
                        break;
                    }
                }
            }

            return true;
        }

        private static IEnumerable<INamedTypeSymbol> Outward(INamedTypeSymbol? type)
        {
            for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
            {
                yield return t;
            }
        }

        private static bool IsModel(INamedTypeSymbol type)
            => type.GetAttributes().Any(a => IsRnnGenAttribute(a.AttributeClass, "RnnModelAttribute"));

        /// <summary>
        /// The user's own members, the class name and inherited members against the names the generator declares (RNN0029):
        /// <paramref name="owners"/> maps a name generated for a layer to that layer (null: only fixed names).
        /// </summary>
        private static void CheckMemberNames(INamedTypeSymbol type, IEnumerable<string> reserved, Dictionary<string, string>? owners,
            List<DiagnosticInfo> diagnostics, HashSet<string> reported, CancellationToken cancellationToken)
        {
            var names = new HashSet<string>(reserved, StringComparer.Ordinal);
            string What(string name) => owners is not null && owners.TryGetValue(name, out string? layer) && layer != name
                ? $"'{name}', which RnnGen generates for layer '{layer}'" : $"'{name}', a member RnnGen generates";

            if (names.Contains(type.Name) && reported.Add(type.Name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberClash, type.Locations.FirstOrDefault(), "class " + type.Name, What(type.Name)));
            }

            foreach (ISymbol member in type.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                // once the layers are known (owners given), CheckGeneratedNames has compared them
                if (member.IsImplicitlyDeclared || !names.Contains(member.Name) || (owners is not null && IsLayerMember(member)) || !reported.Add(member.Name))
                {
                    continue;
                }

                if (IsLayerMember(member))
                {
                    // reported before the attributes are read: a layer named Loss makes Loss.CrossEntropy unbindable
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameCollision, member.Locations.FirstOrDefault(), member.Name));
                    continue;
                }

                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberClash, member.Locations.FirstOrDefault(), member.Name, What(member.Name)));
            }

            foreach (INamedTypeSymbol baseType in Bases(type.BaseType))
            {
                foreach (ISymbol member in baseType.GetMembers())
                {
                    if (!member.IsImplicitlyDeclared && member.DeclaredAccessibility != Microsoft.CodeAnalysis.Accessibility.Private
                        && names.Contains(member.Name) && reported.Add(member.Name))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberClash, type.Locations.FirstOrDefault(),
                            $"{member.Name} (inherited from {baseType.Name})", What(member.Name)));
                    }
                }
            }

            foreach (IMethodSymbol constructor in type.InstanceConstructors.Where(c => !c.IsImplicitlyDeclared))
            {
                if (IsGeneratedSignature(constructor) && reported.Add(".ctor" + constructor.Parameters.Length))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberClash, constructor.Locations.FirstOrDefault(),
                        $"constructor {type.Name}({string.Join(", ", constructor.Parameters.Select(p => p.Type.Name))})",
                        "a constructor RnnGen generates, (int seed) or (int seed, Initializer initializer)"));
                }
            }
        }

        private static IEnumerable<INamedTypeSymbol> Bases(INamedTypeSymbol? type)
        {
            for (INamedTypeSymbol? t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            {
                yield return t;
            }
        }

        private static bool IsGeneratedSignature(IMethodSymbol constructor)
        {
            var p = constructor.Parameters;
            return (p.Length == 1 && p[0].Type.SpecialType == SpecialType.System_Int32)
                || (p.Length == 2 && p[0].Type.SpecialType == SpecialType.System_Int32 && p[1].Type.Name == "Initializer" && p[1].Type.ContainingNamespace?.ToDisplayString() == "RnnGen");
        }

        private static bool IsLayerMember(ISymbol member)
            => member.GetAttributes().Any(a => LayerAttributeName(a.AttributeClass) is not null);

        /// <summary>
        /// With the layers known, the names the generator will declare for this kind of model: the per-layer names must not
        /// meet each other, a fixed generated name, a user's member or the class (RNN0018 for a layer, RNN0029 otherwise).
        /// </summary>
        private static void CheckGeneratedNames(INamedTypeSymbol type, ReservedNames.ModelKind kind, List<LayerSpec> layers, List<Location> locations,
            List<DiagnosticInfo> diagnostics, HashSet<string> reported, CancellationToken cancellationToken)
        {
            var owners = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string name in ReservedNames.Fixed(kind))
            {
                owners[name] = name;
            }

            for (int i = 0; i < layers.Count; i++)
            {
                foreach (string name in ReservedNames.ForLayer(kind, layers[i].Name))
                {
                    if (owners.TryGetValue(name, out string? owner))
                    {
                        // the later layer's name, or one generated for it, is taken: report that layer
                        if (reported.Add(layers[i].Name))
                        {
                            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameCollision, locations[i], layers[i].Name));
                        }
                    }
                    else
                    {
                        owners[name] = layers[i].Name;
                    }
                }
            }

            CheckMemberNames(type, owners.Keys, owners, diagnostics, reported, cancellationToken);
        }

        /// <summary>An argument the compiler could not bind (it reports why): nothing is generated, and no second error.</summary>
        private static void RequireValue(TypedConstant value)
        {
            if (value.Kind == TypedConstantKind.Error || value.Value is null)
            {
                throw new MalformedAttributeException();
            }
        }

        /// <summary>A cast integer such as <c>(Activation)42</c> is no value of the enum: RNN0031 at the named argument.</summary>
        private static void CheckDefined<TEnum>(List<DiagnosticInfo> diagnostics, string what, int value, AttributeData attribute, string argument, CancellationToken cancellationToken)
            where TEnum : struct, Enum
        {
            if (!Enum.IsDefined(typeof(TEnum), value))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UndefinedEnumValue, ArgumentLocation(attribute, argument, cancellationToken), what, value,
                    EnumName<TEnum>(), string.Join(", ", Enum.GetNames(typeof(TEnum)))));
            }
        }

        private static void CheckDefinedArgument<TEnum>(List<DiagnosticInfo> diagnostics, string what, int value, AttributeData attribute, int index, CancellationToken cancellationToken)
            where TEnum : struct, Enum
        {
            if (!Enum.IsDefined(typeof(TEnum), value))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UndefinedEnumValue,
                    ConstructorArgumentLocation(attribute, index, cancellationToken) ?? AttributeLocation(attribute, cancellationToken), what, value,
                    EnumName<TEnum>(), string.Join(", ", Enum.GetNames(typeof(TEnum)))));
            }
        }

        private static string EnumName<TEnum>() => typeof(TEnum).Name switch
        {
            nameof(ActivationKind) => "Activation",
            nameof(LossKind) => "Loss",
            nameof(MergeKind) => "MergeMode",
            nameof(ScoreKind) => "AttentionScore",
            _ => "Initializer",
        };

        /// <summary>The header of a containing type's partial part: its kind, type parameters and the modifiers every part must repeat.</summary>
        private static string ContainerHeader(INamedTypeSymbol type)
        {
            string keyword = type.TypeKind switch
            {
                TypeKind.Struct => type.IsRecord ? "record struct" : "struct",
                TypeKind.Interface => "interface",
                _ => type.IsRecord ? "record" : "class",
            };
            string modifiers = (type.IsStatic ? "static " : string.Empty) + (type.IsRefLikeType ? "ref " : string.Empty);
            string parameters = type.TypeParameters.Length == 0 ? string.Empty
                : "<" + string.Join(",", type.TypeParameters.Select(p => SourceWriter.Identifier(p.Name))) + ">";
            return modifiers + "partial " + keyword + " " + SourceWriter.Identifier(type.Name) + parameters;
        }

        /// <summary>The first part of a partial class, in declaration order, whose attributes include [RnnModel].</summary>
        private static SyntaxNode? FirstModelPart(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
        {
            foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration)
                {
                    continue;
                }

                SemanticModel model = compilation.GetSemanticModel(declaration.SyntaxTree);
                foreach (AttributeSyntax attribute in declaration.AttributeLists.SelectMany(l => l.Attributes))
                {
                    if (model.GetSymbolInfo(attribute, cancellationToken).Symbol is IMethodSymbol constructor && IsRnnGenAttribute(constructor.ContainingType, "RnnModelAttribute"))
                    {
                        return declaration;
                    }
                }
            }

            return null;
        }
    }
}
