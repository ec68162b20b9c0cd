using System.ComponentModel;
using RnnGen.Trees;

namespace RnnGen.Generated;

/// <summary>
/// What the generator emits for a tree model, as static members of one struct: its sizes and its op sequence (embedding of
/// the leaves, the tree layer over every level, the dense head on the roots). <see cref="TreeCore{TNetwork}"/> owns the rest.
/// </summary>
/// <typeparam name="TSelf">The generated struct.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ITreeNetwork<TSelf> where TSelf : struct, ITreeNetwork<TSelf>
{
    /// <summary>The model's sizes and options.</summary>
    static abstract TreeNetworkInfo Info { get; }

    /// <summary>The layers' forward passes in order.</summary>
    static abstract void Forward(in TreePass pass);

    /// <summary>The layers' backward passes in reverse order; the head's output gradient is in place.</summary>
    static abstract void Backward(in TreePass pass);
}

/// <summary>The sizes of a generated tree model (constants the JIT folds into the runtime core).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct TreeNetworkInfo(int VocabularySize, int LeafSize, int Units, TreeCellKind Cell, int OutputSize, int ParameterCount, Loss Loss)
{
    /// <summary>Softmax with cross-entropy or sigmoid with binary cross-entropy: the head outputs logits for the loss.</summary>
    public bool FusedLoss { get; init; }

    /// <summary>Floats of one node's cache row.</summary>
    public int CacheWidth => (Cell == TreeCellKind.Lstm ? TreeLstmCell.Cache.Width : TreeRnnCell.Cache.Width) * Units;

    /// <summary>Where a node's h starts in its cache row.</summary>
    public int HiddenAt => (Cell == TreeCellKind.Lstm ? TreeLstmCell.Cache.Hidden : TreeRnnCell.Cache.Hidden) * Units;
}

/// <summary>
/// One forward or backward pass of a generated tree model over a batch of trees: the schedule (every node's slot, level by
/// level) and the buffers each layer reads and writes. Built by <see cref="TreeCore{TNetwork}"/>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly ref struct TreePass
{
    /// <summary>The batch's nodes in computing order (leaves first).</summary>
    public TreeSchedule Schedule { get; init; }

    /// <summary>The model's parameters.</summary>
    public ReadOnlySpan<float> Parameters { get; init; }

    /// <summary>The model's gradients (backward only).</summary>
    public Span<float> Gradients { get; init; }

    /// <summary>The leaves' inputs <c>[leaves, LeafSize]</c> in slot order.</summary>
    public Span<float> Leaves { get; init; }

    /// <summary>∂loss/∂(leaf inputs), written by the tree layer's backward pass.</summary>
    public Span<float> LeafGradient { get; init; }

    /// <summary>One cache row per node (<see cref="TreeNetworkInfo.CacheWidth"/> floats).</summary>
    public Span<float> Cache { get; init; }

    /// <summary>∂loss/∂h per node <c>[nodes, Units]</c> (backward scratch).</summary>
    public Span<float> NodeGradient { get; init; }

    /// <summary>The roots' vectors <c>[trees, Units]</c>.</summary>
    public Span<float> Roots { get; init; }

    /// <summary>∂loss/∂(root vectors), accumulated by the head's backward pass.</summary>
    public Span<float> RootGradient { get; init; }

    /// <summary>The head's output <c>[trees, OutputSize]</c> (logits when <see cref="Logits"/>).</summary>
    public Span<float> Output { get; init; }

    /// <summary>∂loss/∂output on entry to the backward pass (∂loss/∂logits when <see cref="Logits"/>); used as scratch.</summary>
    public Span<float> OutputGradient { get; init; }

    /// <summary>Scratch of the tree layer's backward pass.</summary>
    public Span<float> Scratch { get; init; }

    /// <summary>The head outputs logits for a fused loss (forward), or its output gradient is the logits' (backward).</summary>
    public bool Logits { get; init; }
}
