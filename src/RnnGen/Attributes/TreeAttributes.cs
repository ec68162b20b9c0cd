namespace RnnGen;

/// <summary>
/// Base of the recursive (tree) layer attributes: one cell applied at every inner node of a binary tree, children before
/// parents, the same weights everywhere in the tree. A tree model is <c>[Embedding]</c> (the leaves' tokens), one tree layer
/// and a <c>[Dense]</c> head on the root's vector.
/// </summary>
public abstract class TreeAttribute : LayerAttribute
{
    /// <summary>Creates the attribute.</summary>
    protected TreeAttribute(int units) => Units = units;

    /// <summary>Hidden units H of every node's vector.</summary>
    public int Units { get; }
}

/// <summary>
/// The binary Tree-LSTM of Tai et al. (2015): gates <c>i, f_l, f_r, o, u</c> from the leaf's input (leaves) or the children's
/// states (inner nodes), <c>c = i⊙u + f_l⊙c_l + f_r⊙c_r</c>, <c>h = o⊙tanh(c)</c>.
/// </summary>
public sealed class TreeLstmAttribute : TreeAttribute
{
    /// <summary>Creates the attribute.</summary>
    public TreeLstmAttribute(int units) : base(units)
    {
    }
}

/// <summary>
/// The recursive neural network of Socher et al. (2011): a leaf's vector is its embedding (so the embedding dimension equals
/// <see cref="TreeAttribute.Units"/>), a parent is <c>p = tanh(W [h_l; h_r] + b)</c>.
/// </summary>
public sealed class TreeRnnAttribute : TreeAttribute
{
    /// <summary>Creates the attribute.</summary>
    public TreeRnnAttribute(int units) : base(units)
    {
    }
}
