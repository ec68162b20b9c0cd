using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using RnnGen.Generators.Model;

namespace RnnGen.Generators;

public sealed partial class RnnGenerator
{
    internal static partial class Parser
    {
        /// <summary>
        /// The checks of an encoder-decoder model: its parts in order, each part's first layer an embedding, the decoder
        /// unidirectional, and the size relations — decoder state vs encoder state, dot attention widths, output vs decoder vocabulary.
        /// </summary>
        private static void ValidateEncoderDecoder(string modelName, int inputSize, Location inputSizeLocation, LossKind loss, int startToken, int endToken,
            List<LayerSpec> layers, List<Location> locations, List<DiagnosticInfo> diagnostics, Location modelLocation, bool contextToEveryStep = false)
        {
            void Structure(int index, string message)
                => diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EncoderDecoderStructure, index < 0 ? modelLocation : locations[index], modelName, message));

            if (inputSize != 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputSizeTwice, inputSizeLocation, modelName, inputSize, layers[0].Name));
            }

            // order: encoder layers, decoder layers, then the rest
            int stage = 0;
            for (int i = 0; i < layers.Count; i++)
            {
                int s = layers[i].Group switch { LayerGroup.Encoder => 0, LayerGroup.Decoder => 1, _ => 2 };
                if (s < stage)
                {
                    Structure(i, $"'{layers[i].Name}' is declared after a layer of a later part; declare the [Encoder] layers, then the [Decoder] layers, then the attention and the output layer");
                    return;
                }

                stage = s;
            }

            List<int> encoder = Enumerable.Range(0, layers.Count).Where(i => layers[i].Group == LayerGroup.Encoder).ToList();
            List<int> decoder = Enumerable.Range(0, layers.Count).Where(i => layers[i].Group == LayerGroup.Decoder).ToList();
            List<int> rest = Enumerable.Range(0, layers.Count).Where(i => layers[i].Group == LayerGroup.None).ToList();

            if (!CheckPart("encoder", "[Encoder]", encoder, layers, Structure) | !CheckPart("decoder", "[Decoder]", decoder, layers, Structure))
            {
                return;
            }

            foreach (int i in decoder.Where(i => layers[i].Bidirectional))
            {
                Structure(i, $"decoder layer '{layers[i].Name}' is bidirectional, but a decoder runs forwards one step at a time; remove [Bidirectional]");
            }

            for (int k = 1; k < encoder.Count - 1; k++)
            {
                LayerSpec e = layers[encoder[k]];
                if (!e.ReturnSequences)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SequenceExpected, locations[encoder[k + 1]], layers[encoder[k + 1]].Name, e.OutputWidth, e.Name));
                }
            }

            List<int> attention = rest.Where(i => layers[i].Kind == LayerKind.Attention).ToList();
            List<int> dense = rest.Where(i => layers[i].Kind == LayerKind.Dense).ToList();
            foreach (int i in rest.Where(i => layers[i].Kind is not (LayerKind.Attention or LayerKind.Dense)))
            {
                Structure(i, $"'{layers[i].Name}' belongs to no part; mark it [Encoder] or [Decoder]");
            }

            if (attention.Count > 1)
            {
                Structure(attention[1], $"'{layers[attention[1]].Name}' is a second attention layer; a model has at most one");
            }

            if (dense.Count != 1 || rest[rest.Count - 1] != dense[0])
            {
                Structure(dense.Count > 1 ? dense[1] : rest.Count > 0 ? rest[rest.Count - 1] : -1, "declare exactly one output [Dense] layer, last, after the decoder (and the attention)");
                return;
            }

            LayerSpec lastEncoder = layers[encoder[encoder.Count - 1]];
            if (attention.Count == 1 && !lastEncoder.ReturnSequences)
            {
                Structure(encoder[encoder.Count - 1], $"attention reads every step of the encoder's last layer '{lastEncoder.Name}'; set ReturnSequences = true on it");
            }

            // the context fed to every decoder step: attention's c_t, or the encoder's final state C (as wide as the top decoder layer)
            int fixedContext = contextToEveryStep && decoder.Count > 0 ? layers[decoder[decoder.Count - 1]].Units : 0;
            CheckEncoderDecoderModifiers(layers, locations, diagnostics, encoder, decoder, rest, attention.Count == 1 ? lastEncoder.OutputWidth : fixedContext, Structure);

            // decoder layer k from the top starts from encoder layer k from the top
            int encoderRecurrent = encoder.Count - 1, decoderRecurrent = decoder.Count - 1;
            if (decoderRecurrent > encoderRecurrent)
            {
                Structure(decoder[1 + encoderRecurrent], $"the decoder has {decoderRecurrent} recurrent layers but the encoder only {encoderRecurrent}; each decoder layer starts from the final state of the encoder layer at the same depth from the top");
            }
            else
            {
                for (int k = 0; k < decoderRecurrent; k++)
                {
                    LayerSpec d = layers[decoder[decoder.Count - 1 - k]], e = layers[encoder[encoder.Count - 1 - k]];
                    if (d.Units != e.OutputWidth)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DecoderStateMismatch, locations[decoder[decoder.Count - 1 - k]], d.Name, d.Units, e.Name, e.OutputWidth));
                    }
                }
            }

            LayerSpec top = layers[decoder[decoder.Count - 1]];
            if (attention.Count == 1 && layers[attention[0]].Score == ScoreKind.Dot && top.Units != lastEncoder.OutputWidth)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AttentionSizeMismatch, locations[attention[0]], layers[attention[0]].Name, top.Name, top.Units, lastEncoder.Name, lastEncoder.OutputWidth));
            }

            LayerSpec output = layers[dense[0]], targetEmbedding = layers[decoder[0]];
            if (output.Units != targetEmbedding.VocabularySize)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DecoderOutputMismatch, locations[dense[0]], output.Name, output.Units, targetEmbedding.Name, targetEmbedding.VocabularySize));
            }

            if (loss is not (LossKind.CrossEntropy or LossKind.None) || output.Activation != ActivationKind.Softmax)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CrossEntropyNeedsSoftmax, locations[dense[0]], output.Name, $"[Dense({output.Units}, Activation.{output.Activation})] with Loss.{loss}"));
            }

            if (!diagnostics.Any(d => d.Id == DiagnosticDescriptors.SizeOutOfRangeId))
            {
                // every size is in range, but the parameters must also fit one array
                int context = attention.Count == 1 ? lastEncoder.OutputWidth : fixedContext;
                long total = 0;
                long width = 0;
                for (int i = 0; i < layers.Count; i++)
                {
                    LayerSpec l = layers[i];
                    if (i == decoder[0]) width = 0;
                    long input = i == decoder[0] + 1 ? width + context : width;
                    total += ModelPlan.ParameterCountOf(l, l.Kind == LayerKind.Dense ? top.Units + context : input, top.Units, lastEncoder.OutputWidth);
                    if (total > MaxArrayLength)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, locations[i], l.Name, modelName,
                            total.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), MaxArrayLength.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)));
                        break;
                    }

                    if (l.Kind != LayerKind.Attention && l.Kind != LayerKind.Dense) width = l.OutputWidth;
                }
            }

            foreach ((string what, int token) in new[] { ("StartToken", startToken), ("EndToken", endToken) })
            {
                if (token < 0 || token >= targetEmbedding.VocabularySize)
                {
                    Structure(-1, $"{what} = {token} is not a token id of the decoder embedding '{targetEmbedding.Name}' (0…{targetEmbedding.VocabularySize - 1})");
                }
            }
        }

        /// <summary>
        /// [Dropout] and [Residual] inside the encoder and the decoder: dropout on any layer's output but the model's output
        /// layer, input dropout where the input is one layer's output, residual connections where input and output widths
        /// are equal (an encoder layer must also return sequences; a decoder layer outputs every step anyway).
        /// </summary>
        private static void CheckEncoderDecoderModifiers(List<LayerSpec> layers, List<Location> locations, List<DiagnosticInfo> diagnostics,
            List<int> encoder, List<int> decoder, List<int> rest, int context, System.Action<int, string> structure)
        {
            foreach (int i in rest.Where(i => layers[i].Dropout > 0 || layers[i].InputDropout > 0))
            {
                structure(i, layers[i].Kind == LayerKind.Attention
                    ? $"'{layers[i].Name}' has dropout, which attention does not take; put [Dropout] on the encoder's last layer or on a decoder layer"
                    : $"'{layers[i].Name}' has dropout, which the output layer does not take (it would drop the logits or the context); put [Dropout] on the decoder's last layer");
            }

            foreach (int i in encoder.Concat(decoder).Where(i => layers[i].InputDropout > 0 && layers[i].Kind == LayerKind.Embedding))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidDropout, locations[i], layers[i].Name,
                    "an embedding reads token ids, which cannot be dropped; drop the embedding's output with [Dropout(rate)]"));
            }

            if (context > 0 && decoder.Count > 1 && layers[decoder[1]].InputDropout > 0)
            {
                structure(decoder[1], $"'{layers[decoder[1]].Name}' reads [embedding; attention context]; drop the embedding's output with [Dropout(rate)] on '{layers[decoder[0]].Name}' instead of Input");
            }

            foreach (List<int> part in new[] { encoder, decoder })
            {
                for (int k = 1; k < part.Count; k++)
                {
                    LayerSpec layer = layers[part[k]];
                    if (!layer.Residual || !layer.IsRecurrent)
                    {
                        continue;
                    }

                    int input = layers[part[k - 1]].OutputWidth + (part == decoder && k == 1 ? context : 0);
                    if (part == encoder && !layer.ReturnSequences)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ResidualMismatch, locations[part[k]], layer.Name,
                            "a residual connection adds the layer's input to its output at every step; set ReturnSequences = true"));
                    }
                    else if (input != layer.OutputWidth)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ResidualMismatch, locations[part[k]], layer.Name,
                            $"a residual connection adds the layer's input ({input} wide) to its output ({layer.OutputWidth} wide); make them equal"));
                    }
                }
            }
        }

        /// <summary>A part is an embedding followed by at least one recurrent layer.</summary>
        private static bool CheckPart(string part, string attribute, List<int> indices, List<LayerSpec> layers, System.Action<int, string> structure)
        {
            if (indices.Count == 0)
            {
                structure(-1, $"it has no {attribute} layers; declare an {part} (an Embedding, then recurrent layers)");
                return false;
            }

            if (layers[indices[0]].Kind != LayerKind.Embedding)
            {
                structure(indices[0], $"the {part} starts with '{layers[indices[0]].Name}'; it must start with an [Embedding] of its tokens");
                return false;
            }

            bool ok = true;
            for (int k = 1; k < indices.Count; k++)
            {
                if (!layers[indices[k]].IsRecurrent)
                {
                    structure(indices[k], $"{part} layer '{layers[indices[k]].Name}' must be recurrent (SimpleRnn, Lstm or Gru)");
                    ok = false;
                }
            }

            if (indices.Count < 2)
            {
                structure(indices[0], $"the {part} has no recurrent layer after its embedding '{layers[indices[0]].Name}'");
                ok = false;
            }

            return ok;
        }
    }
}
