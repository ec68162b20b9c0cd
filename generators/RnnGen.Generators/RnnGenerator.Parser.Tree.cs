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
        /// The shape rules of a tree model: <c>[Embedding]</c>, exactly one tree layer, one <c>[Dense]</c> head, nothing that
        /// reads sequences (RNN0040–RNN0044), plus the loss/head pairing and sizes every model checks.
        /// </summary>
        private static void ValidateTree(string modelName, int inputSize, Location inputSizeLocation, LossKind loss, bool outputRecurrence, Location outputRecurrenceLocation,
            List<LayerSpec> layers, List<Location> locations, List<DiagnosticInfo> diagnostics)
        {
            int tree = layers.FindIndex(l => l.IsTree);
            LayerSpec treeLayer = layers[tree];
            for (int i = tree + 1; i < layers.Count; i++)
            {
                if (layers[i].IsTree)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TreeLayerCount, locations[i], layers[i].Name, treeLayer.Name));
                }
            }

            if (outputRecurrence)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotInTreeModel, outputRecurrenceLocation, "OutputRecurrence", modelName,
                    "a tree model has one output per tree, no previous step to feed back"));
            }

            for (int i = 0; i < layers.Count; i++)
            {
                LayerSpec layer = layers[i];
                string? problem = layer.IsRecurrent ? $"a {layer.Kind} layer reads a sequence; the tree layer '{treeLayer.Name}' is the model's only recurrence"
                    : layer.Kind == LayerKind.Attention ? "attention belongs to an encoder-decoder model"
                    : layer.Group != LayerGroup.None ? $"[{layer.Group}] marks part of an encoder-decoder model"
                    : layer.Dropout > 0 || layer.InputDropout > 0 ? "dropout is not supported in tree models"
                    : null;
                if (problem is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotInTreeModel, locations[i], layer.Name, modelName, problem));
                }
            }

            LayerSpec first = layers[0];
            if (first.Kind == LayerKind.Embedding && inputSize != 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputSizeTwice, inputSizeLocation, modelName, inputSize, first.Name));
            }

            if (tree != 1 || first.Kind != LayerKind.Embedding)
            {
                string why = tree == 0 ? "it is the first layer, so nothing embeds the leaves' tokens; declare [Embedding(vocabularySize, dimension)] before it"
                    : first.Kind != LayerKind.Embedding ? $"the first layer '{first.Name}' is not an [Embedding]"
                    : $"'{layers[tree - 1].Name}' stands between it and the embedding '{first.Name}'";
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TreeNeedsEmbedding, locations[tree], treeLayer.Name, why));
            }
            else if (treeLayer.Kind == LayerKind.TreeRnn && first.Units != treeLayer.Units)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TreeRnnWidth, locations[tree], treeLayer.Units, treeLayer.Name, first.Name, first.Units));
            }

            for (int i = 1; i < layers.Count; i++)
            {
                if (layers[i].Kind == LayerKind.Embedding)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmbeddingNotFirst, locations[i], layers[i].Name, layers[i - 1].Name));
                }
            }

            int after = layers.Count - 1 - tree;
            string? headProblem = after == 0 ? "it has no layer after the tree layer"
                : after > 1 ? $"it has {after} layers after the tree layer"
                : layers[tree + 1].Kind != LayerKind.Dense ? $"'{layers[tree + 1].Name}' is a {layers[tree + 1].Kind} layer"
                : null;
            if (headProblem is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TreeHeadNotDense, locations[after == 0 ? tree : tree + 1], modelName, treeLayer.Name, headProblem));
                return; // the loss checks below read the head
            }

            LayerSpec head = layers[layers.Count - 1];
            int last = layers.Count - 1;
            string headText = $"[Dense({head.Units}, Activation.{head.Activation})]";
            if (head.Activation == ActivationKind.Softmax && head.Units == 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SoftmaxOverOneUnit, locations[last], head.Name));
            }

            if (loss == LossKind.CrossEntropy && !(head.Activation == ActivationKind.Softmax && head.Units >= 2))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CrossEntropyNeedsSoftmax, locations[last], head.Name, headText));
            }
            else if (loss == LossKind.BinaryCrossEntropy && head.Activation != ActivationKind.Sigmoid)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BinaryCrossEntropyNeedsSigmoid, locations[last], head.Name, headText));
            }

            if (!diagnostics.Any(IsError))
            {
                CheckParameterCount(modelName, inputSize, layers, locations, diagnostics);
            }
        }
    }
}
