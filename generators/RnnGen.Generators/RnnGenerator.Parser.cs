using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generators.Model;

namespace RnnGen.Generators;

/// <summary>The result of parsing one <c>[RnnModel]</c> class: a model to emit (null if invalid) and its diagnostics.</summary>
/// <summary>
/// The result of parsing one <c>[RnnModel]</c> class: a model to emit (null if invalid), its diagnostics, and — for a
/// partial class whose declaration has errors — the layers whose partial properties still need an implementation part,
/// so that the user sees RnnGen's diagnostic rather than one compiler error per layer.
/// </summary>
internal sealed record ParseResult(ModelSpec? Model, EquatableArray<DiagnosticInfo> Diagnostics, ModelSpec? Invalid = null);

public sealed partial class RnnGenerator
{
    /// <summary>Turns the symbols of one <c>[RnnModel]</c> class into a <see cref="ModelSpec"/> or diagnostics. Never throws.</summary>
    internal static partial class Parser
    {
        /// <summary>Upper bound of any size: keeps every buffer within a .NET array.</summary>
        public const int MaxSize = 1 << 24;

        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            AttributeData attribute = context.Attributes[0];

            // [RnnModel] on several parts of one class: the first part generates the model, the others only say so.
            if (type.DeclaringSyntaxReferences.Length > 1 && FirstModelPart(type, context.SemanticModel.Compilation, cancellationToken) is { } first && first != context.TargetNode)
            {
                Location location = AttributeLocation(attribute, cancellationToken) ?? Location.None;
                return new ParseResult(null, ToEquatable(new[] { DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedModelClass, location, type.Name,
                    "[RnnModel] is on more than one of its parts; keep it on one") }));
            }

            return Parse(type, attribute, cancellationToken);
        }

        /// <summary>Parses one class marked <c>[RnnModel]</c> (used by the generator and by the analyzer alike).</summary>
        public static ParseResult Parse(INamedTypeSymbol type, AttributeData modelAttribute, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            try
            {
                ModelSpec? model = ParseModel(type, modelAttribute, diagnostics, cancellationToken, out bool stub);
                bool valid = !diagnostics.Any(IsError);
                return new ParseResult(valid ? model : null, ToEquatable(diagnostics), valid || !stub ? null : model);
            }
            catch (MalformedAttributeException)
            {
                return new ParseResult(null, ToEquatable(diagnostics.Where(d => d.Id != DiagnosticDescriptors.InternalErrorId)));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, type.Locations.FirstOrDefault(), type.Name, ex.GetType().Name + ": " + ex.Message));
                return new ParseResult(null, ToEquatable(diagnostics));
            }
        }

        private sealed class MalformedAttributeException : Exception
        {
        }

        private static bool IsError(DiagnosticInfo d) => d.Id != DiagnosticDescriptors.SoftmaxOverOneUnitId;

        private static EquatableArray<T> ToEquatable<T>(IEnumerable<T> items) where T : IEquatable<T> => new(items.Distinct().ToImmutableArray());

        private static ModelSpec? ParseModel(INamedTypeSymbol type, AttributeData modelAttribute, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken, out bool stub)
        {
            stub = false;
            // The class and every class containing it must be partial.
            for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
            {
                foreach (SyntaxReference reference in t.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassNotPartial, declaration.Identifier.GetLocation(), t.Name));
                        return null;
                    }
                }
            }

            // A class the generated part cannot extend gets no stub either: its diagnostic says why.
            if (!CheckModelClass(type, diagnostics, cancellationToken))
            {
                return null;
            }

            stub = true;
            var reported = new HashSet<string>(StringComparer.Ordinal);
            CheckMemberNames(type, ReservedNames.Public, null, diagnostics, reported, cancellationToken);

            int inputSize = 0;
            LossKind loss = LossKind.None;
            int initializer = 0, startToken = 1, endToken = 2;
            bool outputRecurrence = false, contextToEveryStep = false;
            foreach (KeyValuePair<string, TypedConstant> named in modelAttribute.NamedArguments)
            {
                RequireValue(named.Value);
                switch (named.Key)
                {
                    case "InputSize": inputSize = (int)named.Value.Value!; break;
                    case "Loss": loss = (LossKind)(int)named.Value.Value!; break;
                    case "Initializer": initializer = (int)named.Value.Value!; break;
                    case "StartToken": startToken = (int)named.Value.Value!; break;
                    case "EndToken": endToken = (int)named.Value.Value!; break;
                    case "OutputRecurrence": outputRecurrence = (bool)named.Value.Value!; break;
                    case "ContextToEveryStep": contextToEveryStep = (bool)named.Value.Value!; break;
                }
            }

            Location modelLocation = type.Locations.FirstOrDefault() ?? Location.None;
            CheckDefined<LossKind>(diagnostics, "Loss", (int)loss, modelAttribute, "Loss", cancellationToken);
            CheckDefined<InitializerKind>(diagnostics, "Initializer", initializer, modelAttribute, "Initializer", cancellationToken);
            Location inputSizeLocation = ArgumentLocation(modelAttribute, "InputSize", cancellationToken) ?? modelLocation;

            var layers = new List<LayerSpec>();
            var layerLocations = new List<Location>();
            var rejected = new List<RejectedMember>();
            foreach (ISymbol member in type.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                LayerSpec? layer = ParseMember(member, diagnostics, rejected, cancellationToken, out Location location);
                if (layer is not null)
                {
                    layers.Add(layer);
                    layerLocations.Add(location);
                }
            }

            if (layers.Count == 0 && rejected.Count == 0)
            {
                if (diagnostics.Count == 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, modelLocation, type.Name));
                }

                return null;
            }

            if (layers.Count > 0)
            {
                if (layers.Any(l => l.IsTree))
                {
                    ValidateTree(type.Name, inputSize, inputSizeLocation, loss, outputRecurrence, ArgumentLocation(modelAttribute, "OutputRecurrence", cancellationToken) ?? modelLocation,
                        layers, layerLocations, diagnostics);
                }
                else if (layers.Any(l => l.Group != LayerGroup.None || l.Kind == LayerKind.Attention))
                {
                    ValidateEncoderDecoder(type.Name, inputSize, inputSizeLocation, loss, startToken, endToken, layers, layerLocations, diagnostics, modelLocation, contextToEveryStep);
                    if (contextToEveryStep && layers.Any(l => l.Kind == LayerKind.Attention))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidContextToEveryStep, ArgumentLocation(modelAttribute, "ContextToEveryStep", cancellationToken) ?? modelLocation, type.Name,
                            "it has an attention layer, which already feeds a context c_t to every decoder step; remove one of the two"));
                    }
                }
                else
                {
                    Validate(type.Name, inputSize, inputSizeLocation, loss, layers, layerLocations, diagnostics);
                    if (contextToEveryStep)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidContextToEveryStep, ArgumentLocation(modelAttribute, "ContextToEveryStep", cancellationToken) ?? modelLocation, type.Name,
                            "it is not an encoder-decoder model (no [Encoder] and [Decoder] layers), so it has no context"));
                    }
                    if (outputRecurrence)
                    {
                        ValidateOutputRecurrence(type.Name, layers, layerLocations, diagnostics, ArgumentLocation(modelAttribute, "OutputRecurrence", cancellationToken) ?? modelLocation);
                    }
                }
            }

            if (layers.Any(l => l.IsConditioned))
            {
                ValidateConditions(type.Name, layers.Any(l => l.Group != LayerGroup.None || l.Kind == LayerKind.Attention), outputRecurrence, layers, layerLocations, diagnostics);
            }

            if (layers.Count > 0)
            {
                CheckGeneratedNames(type, ReservedNames.KindOf(layers, outputRecurrence), layers, layerLocations, diagnostics, reported, cancellationToken);
            }

            var containing = new List<string>();
            for (INamedTypeSymbol? t = type.ContainingType; t is not null; t = t.ContainingType)
            {
                containing.Insert(0, ContainerHeader(t));
            }

            string ns = type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString(NamespaceFormat);
            return new ModelSpec(ns, SourceWriter.Identifier(type.Name), Accessibility(type.DeclaredAccessibility), ToEquatable(containing),
                layers.Count > 0 && layers[0].Kind == LayerKind.Embedding ? 1 : inputSize, loss, initializer, ToEquatable(layers), ToEquatable(rejected), startToken, endToken, outputRecurrence,
                ContextToEveryStep: contextToEveryStep);
        }

        private static LayerSpec? ParseMember(ISymbol member, List<DiagnosticInfo> diagnostics, List<RejectedMember> rejected, CancellationToken cancellationToken, out Location location)
        {
            location = member.Locations.FirstOrDefault() ?? Location.None;
            AttributeData? layerAttribute = null;
            AttributeData? bidirectional = null;
            LayerGroup group = LayerGroup.None;
            AttributeData? residual = null;
            AttributeData? dropout = null;
            AttributeData? conditioned = null;
            foreach (AttributeData attribute in member.GetAttributes())
            {
                string? name = LayerAttributeName(attribute.AttributeClass);
                if (name is not null)
                {
                    if (layerAttribute is not null)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TwoLayerAttributes, AttributeLocation(attribute, cancellationToken) ?? location,
                            member.Name, LayerAttributeName(layerAttribute.AttributeClass), name));
                        Reject(member, rejected, cancellationToken);
                        return null;
                    }

                    layerAttribute = attribute;
                }
                else if (IsRnnGenAttribute(attribute.AttributeClass, "BidirectionalAttribute"))
                {
                    bidirectional = attribute;
                }
                else if (IsRnnGenAttribute(attribute.AttributeClass, "DropoutAttribute"))
                {
                    dropout = attribute;
                }
                else if (IsRnnGenAttribute(attribute.AttributeClass, "ResidualAttribute"))
                {
                    residual = attribute;
                }
                else if (IsRnnGenAttribute(attribute.AttributeClass, "ConditionedAttribute"))
                {
                    conditioned = attribute;
                }
                else if (IsRnnGenAttribute(attribute.AttributeClass, "EncoderAttribute"))
                {
                    group = LayerGroup.Encoder;
                }
                else if (IsRnnGenAttribute(attribute.AttributeClass, "DecoderAttribute"))
                {
                    group = LayerGroup.Decoder;
                }
            }

            if (layerAttribute is null)
            {
                if (bidirectional is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BidirectionalOnNonRecurrent, AttributeLocation(bidirectional, cancellationToken) ?? location, member.Name, "non-layer"));
                }

                return null;
            }

            string attributeName = LayerAttributeName(layerAttribute.AttributeClass)!;
            LayerKind kind = attributeName switch
            {
                "Embedding" => LayerKind.Embedding,
                "SimpleRnn" => LayerKind.SimpleRnn,
                "Lstm" => LayerKind.Lstm,
                "Gru" => LayerKind.Gru,
                "Attention" => LayerKind.Attention,
                "TreeLstm" => LayerKind.TreeLstm,
                "TreeRnn" => LayerKind.TreeRnn,
                _ => LayerKind.Dense,
            };
            string expectedType = kind switch
            {
                LayerKind.Embedding => "EmbeddingLayer",
                LayerKind.Dense => "DenseLayer",
                LayerKind.Attention => "AttentionLayer",
                LayerKind.TreeLstm or LayerKind.TreeRnn => "TreeLayer",
                _ => "RecurrentLayer",
            };

            if (member is not IPropertySymbol property || !IsPartialGetOnly(property, cancellationToken))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberNotPartialProperty, location, member.Name, expectedType));
                return null;
            }

            if (!(property.Type.Name == expectedType && property.Type.ContainingNamespace?.ToDisplayString() == "RnnGen"))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WrongLayerType, location, member.Name, attributeName, "RnnGen." + expectedType, property.Type.ToDisplayString()));
                Reject(member, rejected, cancellationToken);
                return null;
            }

            if (ReservedNames.Public.Contains(member.Name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameCollision, location, member.Name));
                Reject(member, rejected, cancellationToken);
                return null;
            }

            ImmutableArray<TypedConstant> args = layerAttribute.ConstructorArguments;
            if (layerAttribute.AttributeConstructor is null || args.Length < (kind == LayerKind.Embedding ? 2 : kind == LayerKind.Attention ? 0 : 1) || args.Any(a => a.Kind == TypedConstantKind.Error || a.Value is null))
            {
                // The compiler already reports the malformed attribute; generating nothing adds no second error for it.
                throw new MalformedAttributeException();
            }

            int units, vocabulary = 0;
            ActivationKind activation = ActivationKind.Linear;
            ScoreKind score = ScoreKind.Additive;
            if (kind == LayerKind.Attention)
            {
                score = args.Length > 0 ? (ScoreKind)(int)args[0].Value! : ScoreKind.Additive;
                units = args.Length > 1 ? (int)args[1].Value! : 0;
            }
            else if (kind == LayerKind.Embedding)
            {
                vocabulary = (int)args[0].Value!;
                units = (int)args[1].Value!;
            }
            else
            {
                units = (int)args[0].Value!;
                if (kind == LayerKind.SimpleRnn)
                {
                    activation = args.Length > 1 ? (ActivationKind)(int)args[1].Value! : ActivationKind.Tanh;
                }
                else if (kind == LayerKind.Dense && args.Length > 1)
                {
                    activation = (ActivationKind)(int)args[1].Value!;
                }
            }

            if (kind == LayerKind.Attention && args.Length > 0)
            {
                CheckDefinedArgument<ScoreKind>(diagnostics, "score", (int)score, layerAttribute, 0, cancellationToken);
            }
            else if (kind is LayerKind.SimpleRnn or LayerKind.Dense && args.Length > 1)
            {
                CheckDefinedArgument<ActivationKind>(diagnostics, "activation", (int)activation, layerAttribute, 1, cancellationToken);
            }

            bool returnSequences = false, peepholes = false, resetAfter = true, trainable = true, projectionGiven = false;
            int projection = 0;
            foreach (KeyValuePair<string, TypedConstant> named in layerAttribute.NamedArguments)
            {
                RequireValue(named.Value);
                switch (named.Key)
                {
                    case "ReturnSequences": returnSequences = (bool)named.Value.Value!; break;
                    case "Peepholes": peepholes = (bool)named.Value.Value!; break;
                    case "ResetAfter": resetAfter = (bool)named.Value.Value!; break;
                    case "Trainable": trainable = (bool)named.Value.Value!; break;
                    case "ProjectionSize" when kind == LayerKind.Lstm: projection = (int)named.Value.Value!; projectionGiven = true; break;
                }
            }

            MergeKind merge = MergeKind.Concat;
            if (bidirectional is not null)
            {
                foreach (KeyValuePair<string, TypedConstant> named in bidirectional.NamedArguments)
                {
                    if (named.Key == "Merge")
                    {
                        RequireValue(named.Value);
                        merge = (MergeKind)(int)named.Value.Value!;
                        CheckDefined<MergeKind>(diagnostics, "Merge", (int)merge, bidirectional, "Merge", cancellationToken);
                    }
                }
            }

            double dropoutRate = 0, inputDropout = 0;
            if (dropout is not null)
            {
                if (dropout.ConstructorArguments.Length > 0 && dropout.ConstructorArguments[0].Value is double rate)
                {
                    dropoutRate = rate;
                }

                foreach (KeyValuePair<string, TypedConstant> named in dropout.NamedArguments)
                {
                    if (named.Key == "Input" && named.Value.Value is double input)
                    {
                        inputDropout = input;
                    }
                }

                foreach ((string what, double value) in new[] { ("rate", dropoutRate), ("Input", inputDropout) })
                {
                    if (!(value >= 0 && value < 1))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidDropout, AttributeLocation(dropout, cancellationToken) ?? location, member.Name,
                            $"the {what} {value.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a probability in [0, 1)"));
                    }
                }
            }

            if (projectionGiven)
            {
                Location projectionLocation = ArgumentLocation(layerAttribute, "ProjectionSize", cancellationToken) ?? AttributeLocation(layerAttribute, cancellationToken) ?? location;
                if (units >= 1 && (projection < 1 || projection >= units))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidProjectionSize, projectionLocation, member.Name, projection, units, units - 1));
                }
                else if (group != LayerGroup.None)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ProjectionNotSupported, projectionLocation, member.Name, projection,
                        $"it is an [{group}] layer, and encoder-decoder models take no projection; remove ProjectionSize"));
                }

                // a rejected projection leaves the layer without one, so the checks after this one see a consistent layer
                projection = units >= 1 && projection >= 1 && projection < units ? projection : 0;
            }

            int conditionSize = 0, conditionMode = 0;
            if (conditioned is not null)
            {
                ParseCondition(member.Name, conditioned, diagnostics, location, cancellationToken, out conditionSize, out conditionMode);
            }

            if (conditionSize > 0 && projection > 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConditionedLayerMismatch, AttributeLocation(conditioned!, cancellationToken) ?? location, member.Name,
                    "it has a ProjectionSize, and a conditioned layer takes no projection yet; remove one of them"));
                projection = 0; // as for a rejected projection: the checks after this one see a consistent layer
            }

            var layer = new LayerSpec(member.Name, Accessibility(property.DeclaredAccessibility), expectedType, kind, units, vocabulary,
                activation, returnSequences, peepholes, resetAfter, bidirectional is not null, merge, group, score, residual is not null, dropoutRate, inputDropout, trainable,
                conditionSize, conditionMode, projection);

            // Size checks point at the argument that is wrong.
            Location attributeLocation = AttributeLocation(layerAttribute, cancellationToken) ?? location;
            if (kind == LayerKind.Embedding)
            {
                CheckSize(diagnostics, "vocabularySize", member.Name, vocabulary, ConstructorArgumentLocation(layerAttribute, 0, cancellationToken) ?? attributeLocation);
                CheckSize(diagnostics, "dimension", member.Name, units, ConstructorArgumentLocation(layerAttribute, 1, cancellationToken) ?? attributeLocation);
            }
            else if (kind == LayerKind.Attention)
            {
                if (score == ScoreKind.Additive)
                {
                    CheckSize(diagnostics, "units", member.Name, units, ConstructorArgumentLocation(layerAttribute, 1, cancellationToken) ?? attributeLocation);
                }
            }
            else
            {
                CheckSize(diagnostics, "units", member.Name, units, ConstructorArgumentLocation(layerAttribute, 0, cancellationToken) ?? attributeLocation);
            }

            if (bidirectional is not null && !layer.IsRecurrent)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BidirectionalOnNonRecurrent, AttributeLocation(bidirectional, cancellationToken) ?? location, member.Name, attributeName));
            }

            if (conditioned is not null && (!layer.IsRecurrent || layer.Bidirectional))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConditionedLayerMismatch, AttributeLocation(conditioned, cancellationToken) ?? location, member.Name,
                    layer.IsRecurrent ? "a bidirectional layer reads the sequence both ways; only a forward recurrent layer can be started or fed by a condition"
                        : $"a condition starts or feeds a recurrent layer, not a {attributeName} layer"));
            }

            if (residual is not null && !layer.IsRecurrent)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ResidualMismatch, AttributeLocation(residual, cancellationToken) ?? location, member.Name,
                    $"a residual connection goes around a recurrent layer, not a {attributeName} layer"));
            }

            if (kind == LayerKind.SimpleRnn && activation is (ActivationKind.Linear or ActivationKind.Softmax))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidRecurrentActivation, ConstructorArgumentLocation(layerAttribute, 1, cancellationToken) ?? attributeLocation, member.Name, activation));
            }

            location = attributeLocation;
            return layer;
        }

        /// <summary>[Conditioned(size, Mode = …)]: a positive size and a mode of InitialState, EveryStep or both (RNN0032).</summary>
        private static void ParseCondition(string member, AttributeData conditioned, List<DiagnosticInfo> diagnostics, Location location, CancellationToken cancellationToken,
            out int size, out int mode)
        {
            size = conditioned.ConstructorArguments.Length > 0 && conditioned.ConstructorArguments[0].Value is int s ? s : 0;
            mode = 1;
            foreach (KeyValuePair<string, TypedConstant> named in conditioned.NamedArguments)
            {
                if (named.Key == "Mode" && named.Value.Value is int m)
                {
                    mode = m;
                }
            }

            Location attribute = AttributeLocation(conditioned, cancellationToken) ?? location;
            if (size < 1 || size > MaxSize)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidCondition, ConstructorArgumentLocation(conditioned, 0, cancellationToken) ?? attribute, member,
                    $"the condition size is {size}; expected 1 … {MaxSize} floats"));
            }

            if (mode is < 1 or > 3)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidCondition, ArgumentLocation(conditioned, "Mode", cancellationToken) ?? attribute, member,
                    $"Mode is {mode}; expected ConditionMode.InitialState, ConditionMode.EveryStep or both"));
            }
        }

        /// <summary>A condition goes on the first recurrent layer of a sequential model, once (RNN0033), and not with output recurrence (RNN0034).</summary>
        private static void ValidateConditions(string modelName, bool encoderDecoder, bool outputRecurrence, List<LayerSpec> layers, List<Location> locations, List<DiagnosticInfo> diagnostics)
        {
            int first = layers.FindIndex(l => l.IsRecurrent);
            for (int i = 0; i < layers.Count; i++)
            {
                LayerSpec layer = layers[i];
                if (!layer.IsConditioned)
                {
                    continue;
                }

                if (encoderDecoder || outputRecurrence)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConditionUnsupported, locations[i], modelName, layer.Name,
                        encoderDecoder ? "an encoder-decoder model (its decoder starts from the encoder)"
                            : "a model with OutputRecurrence"));
                }
                else if (layer.IsRecurrent && i != first)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConditionedLayerMismatch, locations[i], layer.Name,
                        $"only the first recurrent layer, '{layers[first].Name}', can be conditioned"));
                }
            }
        }

        private static void Validate(string modelName, int inputSize, Location inputSizeLocation, LossKind loss, List<LayerSpec> layers, List<Location> locations, List<DiagnosticInfo> diagnostics)
        {
            LayerSpec first = layers[0];
            if (first.Kind == LayerKind.Embedding)
            {
                if (inputSize != 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputSizeTwice, inputSizeLocation, modelName, inputSize, first.Name));
                }
            }
            else if (inputSize == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputSizeMissing, inputSizeLocation, modelName, first.Name, first.Kind));
            }
            else
            {
                CheckSize(diagnostics, "InputSize", modelName, inputSize, inputSizeLocation);
            }

            for (int i = 0; i < layers.Count; i++)
            {
                LayerSpec layer = layers[i];
                if (layer.Dropout > 0 && i == layers.Count - 1)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidDropout, locations[i], layer.Name,
                        "dropout on the last layer would drop the model's outputs; put it on the layer before, or use Input"));
                }

                if (layer.InputDropout > 0 && layer.Kind == LayerKind.Embedding)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidDropout, locations[i], layer.Name,
                        "an embedding reads token ids, which cannot be dropped; drop the embedding's output with [Dropout(rate)]"));
                }
            }

            for (int i = 0; i < layers.Count; i++)
            {
                LayerSpec layer = layers[i];
                if (!layer.Residual || !layer.IsRecurrent)
                {
                    continue;
                }

                int input = i == 0 ? inputSize : layers[i - 1].OutputWidth;
                if (!layer.ReturnSequences)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ResidualMismatch, locations[i], layer.Name,
                        "a residual connection adds the layer's input to its output at every step; set ReturnSequences = true"));
                }
                else if (input != layer.OutputWidth)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ResidualMismatch, locations[i], layer.Name,
                        $"a residual connection adds the layer's input ({input} wide) to its output ({layer.OutputWidth} wide); make them equal"));
                }
            }

            for (int i = 1; i < layers.Count; i++)
            {
                LayerSpec layer = layers[i], previous = layers[i - 1];
                if (layer.Kind == LayerKind.Embedding)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmbeddingNotFirst, locations[i], layer.Name, previous.Name));
                }
                else if (layer.IsRecurrent && previous.Kind == LayerKind.Dense)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.RecurrentAfterDense, locations[i], layer.Name, previous.Name));
                }
                else if (layer.IsRecurrent && previous.IsRecurrent && !previous.ReturnSequences)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SequenceExpected, locations[i], layer.Name, previous.OutputWidth, previous.Name));
                }
            }

            for (int i = 0; i < layers.Count; i++)
            {
                LayerSpec layer = layers[i];
                if (layer.Kind == LayerKind.Dense && layer.Activation == ActivationKind.Softmax)
                {
                    if (i != layers.Count - 1)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SoftmaxNotLast, locations[i], layer.Name));
                    }
                    else if (layer.Units == 1)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SoftmaxOverOneUnit, locations[i], layer.Name));
                    }
                }
            }

            CheckParameterCount(modelName, inputSize, layers, locations, diagnostics);

            LayerSpec last = layers[layers.Count - 1];
            int lastIndex = layers.Count - 1;
            string lastText = last.Kind == LayerKind.Dense ? $"[Dense({last.Units}, Activation.{last.Activation})]" : $"a {last.Kind} layer";
            if (loss == LossKind.CrossEntropy && !(last.Kind == LayerKind.Dense && last.Activation == ActivationKind.Softmax && last.Units >= 2))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CrossEntropyNeedsSoftmax, locations[lastIndex], last.Name, lastText));
            }
            else if (loss == LossKind.BinaryCrossEntropy && !(last.Kind == LayerKind.Dense && last.Activation == ActivationKind.Sigmoid))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BinaryCrossEntropyNeedsSigmoid, locations[lastIndex], last.Name, lastText));
            }
        }

        /// <summary>Output recurrence feeds y_(t−1) back with x_t: the model must read floats, output every step and run forwards only.</summary>
        private static void ValidateOutputRecurrence(string modelName, List<LayerSpec> layers, List<Location> locations, List<DiagnosticInfo> diagnostics, Location location)
        {
            string? problem = null;
            if (layers[0].Kind == LayerKind.Embedding)
            {
                problem = $"its first layer '{layers[0].Name}' reads token ids; output recurrence appends the previous output to float inputs";
            }
            else if (layers.Any(l => l.Bidirectional))
            {
                problem = "a bidirectional layer reads the future, but the fed-back output only exists for past steps";
            }
            else
            {
                bool sequence = true;
                foreach (LayerSpec l in layers)
                {
                    if (l.IsRecurrent) sequence = l.ReturnSequences;
                }

                if (!sequence)
                {
                    problem = "it outputs one row per sequence; output recurrence needs an output at every step (ReturnSequences = true on the last recurrent layer)";
                }
            }

            if (problem is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidOutputRecurrence, location, modelName, problem));
            }
        }

        /// <summary>Largest array length .NET allows (Array.MaxLength, not in netstandard2.0).</summary>
        public const long MaxArrayLength = 0x7FFFFFC7;

        /// <summary>Each size is in range, but their products may not be: the parameters must fit one float array.</summary>
        private static void CheckParameterCount(string modelName, int inputSize, List<LayerSpec> layers, List<Location> locations, List<DiagnosticInfo> diagnostics)
        {
            if (diagnostics.Any(d => d.Id == DiagnosticDescriptors.SizeOutOfRangeId || d.Id == DiagnosticDescriptors.InputSizeMissingId))
            {
                return; // the sizes themselves are wrong; a total would say nothing more
            }

            long total = 0, width = layers[0].Kind == LayerKind.Embedding ? 0 : inputSize;
            for (int i = 0; i < layers.Count; i++)
            {
                LayerSpec layer = layers[i];
                total += ModelPlan.ParameterCountOf(layer, width);
                if (total > MaxArrayLength)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, locations[i], layer.Name, modelName,
                        total.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), MaxArrayLength.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)));
                    return;
                }

                width = layer.OutputWidth;
            }
        }

        private static void CheckSize(List<DiagnosticInfo> diagnostics, string what, string owner, int value, Location location)
        {
            if (value < 1 || value > MaxSize)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SizeOutOfRange, location, what, owner, value, MaxSize));
            }
        }

        /// <summary>Remembers a rejected partial get-only property, which still needs an implementation part.</summary>
        private static void Reject(ISymbol member, List<RejectedMember> rejected, CancellationToken cancellationToken)
        {
            if (member is IPropertySymbol property && IsPartialGetOnly(property, cancellationToken) && property.Type.TypeKind != TypeKind.Error)
            {
                rejected.Add(new RejectedMember(property.Name, Accessibility(property.DeclaredAccessibility), property.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)));
            }
        }

        private static bool IsPartialGetOnly(IPropertySymbol property, CancellationToken cancellationToken)
        {
            if (property.SetMethod is not null || property.GetMethod is null || property.IsStatic)
            {
                return false;
            }

            foreach (SyntaxReference reference in property.DeclaringSyntaxReferences)
            {
                // the generated part repeats only the accessibility and 'partial': other modifiers would differ between the parts
                if (reference.GetSyntax(cancellationToken) is PropertyDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    return declaration.Modifiers.All(m => m.Kind() is SyntaxKind.PartialKeyword or SyntaxKind.PublicKeyword or SyntaxKind.InternalKeyword
                        or SyntaxKind.ProtectedKeyword or SyntaxKind.PrivateKeyword);
                }
            }

            return false;
        }

        internal static string? LayerAttributeName(INamedTypeSymbol? attributeClass)
        {
            if (attributeClass is null || attributeClass.ContainingNamespace?.ToDisplayString() != "RnnGen")
            {
                return null;
            }

            return attributeClass.Name switch
            {
                "EmbeddingAttribute" => "Embedding",
                "SimpleRnnAttribute" => "SimpleRnn",
                "LstmAttribute" => "Lstm",
                "GruAttribute" => "Gru",
                "DenseAttribute" => "Dense",
                "AttentionAttribute" => "Attention",
                "TreeLstmAttribute" => "TreeLstm",
                "TreeRnnAttribute" => "TreeRnn",
                _ => null,
            };
        }

        private static bool IsRnnGenAttribute(INamedTypeSymbol? attributeClass, string name)
            => attributeClass is not null && attributeClass.Name == name && attributeClass.ContainingNamespace?.ToDisplayString() == "RnnGen";

        private static Location? AttributeLocation(AttributeData attribute, CancellationToken cancellationToken)
            => attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation();

        private static Location? ConstructorArgumentLocation(AttributeData attribute, int index, CancellationToken cancellationToken)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax syntax && syntax.ArgumentList is { } list)
            {
                int positional = 0;
                foreach (AttributeArgumentSyntax argument in list.Arguments)
                {
                    if (argument.NameEquals is null)
                    {
                        if (positional == index)
                        {
                            return argument.GetLocation();
                        }

                        positional++;
                    }
                }
            }

            return null;
        }

        private static Location? ArgumentLocation(AttributeData attribute, string name, CancellationToken cancellationToken)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax syntax && syntax.ArgumentList is { } list)
            {
                foreach (AttributeArgumentSyntax argument in list.Arguments)
                {
                    if (argument.NameEquals?.Name.Identifier.ValueText == name)
                    {
                        return argument.GetLocation();
                    }
                }

                return syntax.GetLocation();
            }

            return (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax)?.Name.GetLocation();
        }

        private static string Accessibility(Accessibility accessibility) => accessibility switch
        {
            Microsoft.CodeAnalysis.Accessibility.Public => "public",
            Microsoft.CodeAnalysis.Accessibility.Internal => "internal",
            Microsoft.CodeAnalysis.Accessibility.Private => "private",
            Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
            Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal",
            Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected",
            _ => "internal",
        };
    }
}
