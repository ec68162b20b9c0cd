using System.Runtime.CompilerServices;

namespace RnnGen.Trees;

/// <summary>
/// The nodes of a batch of trees in the order a recursive network computes them: by height (leaves are height 0, a node
/// is one above its higher child), so that every node of one height — across all trees — is one matrix product. Slot s is
/// a node's place in that order. Arrays grow to the largest batch seen and are reused: steady state allocates nothing.
/// </summary>
public sealed class TreeSchedule
{
    private int[] _left = Array.Empty<int>(), _right = Array.Empty<int>(), _token = Array.Empty<int>(), _label = Array.Empty<int>();
    private int[] _height = Array.Empty<int>(), _levelStart = new int[1], _root = Array.Empty<int>(), _first = Array.Empty<int>();

    /// <summary>Nodes in the batch.</summary>
    public int NodeCount { get; private set; }

    /// <summary>Trees in the batch.</summary>
    public int TreeCount { get; private set; }

    /// <summary>Heights present: levels 0 … <see cref="Levels"/> − 1.</summary>
    public int Levels { get; private set; }

    /// <summary>The most nodes any one level holds (the rows a level's scratch needs).</summary>
    public int WidestLevel { get; private set; }

    /// <summary>Slots of level h are <c>LevelStart(h) … LevelStart(h + 1) − 1</c>; level 0 holds every leaf.</summary>
    public int LevelStart(int level) => _levelStart[level];

    /// <summary>The slot of the left child of each slot (−1 for a leaf).</summary>
    public ReadOnlySpan<int> Left => _left.AsSpan(0, NodeCount);

    /// <summary>The slot of the right child (−1 for a leaf).</summary>
    public ReadOnlySpan<int> Right => _right.AsSpan(0, NodeCount);

    /// <summary>The token of each leaf slot (−1 for inner nodes); the leaves are slots 0 … LevelStart(1) − 1.</summary>
    public ReadOnlySpan<int> Tokens => _token.AsSpan(0, NodeCount);

    /// <summary>The label of each slot (−1 for none).</summary>
    public ReadOnlySpan<int> Labels => _label.AsSpan(0, NodeCount);

    /// <summary>The slot of each tree's root.</summary>
    public ReadOnlySpan<int> Roots => _root.AsSpan(0, TreeCount);

    /// <summary>Lays out <paramref name="trees"/>; token ids must be below <paramref name="vocabularySize"/>.</summary>
    /// <exception cref="ArgumentException">The batch is empty, a tree is null, or a token is out of range (the message names the tree and the node).</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Set(ReadOnlySpan<BinaryTree> trees, int vocabularySize)
    {
        if (trees.IsEmpty)
        {
            throw new ArgumentException("trees: expected at least one tree, got none.", nameof(trees));
        }

        int total = 0;
        for (int t = 0; t < trees.Length; t++)
        {
            BinaryTree tree = trees[t] ?? throw new ArgumentException($"trees[{t}] is null.", nameof(trees));
            for (int node = 0; node < tree.NodeCount; node++)
            {
                int token = tree.Token(node);
                if (tree.IsLeaf(node) && (uint)token >= (uint)vocabularySize)
                {
                    throw new ArgumentException($"trees[{t}]: leaf {node} has token {token}; expected 0 … {vocabularySize - 1}.", nameof(trees));
                }
            }

            total = checked(total + tree.NodeCount);
        }

        Grow(total, trees.Length);
        NodeCount = total;
        TreeCount = trees.Length;

        // heights, in post-order per tree (children come first)
        int levels = 1, n = 0;
        for (int t = 0; t < trees.Length; t++)
        {
            BinaryTree tree = trees[t];
            _first[t] = n;
            for (int node = 0; node < tree.NodeCount; node++, n++)
            {
                _height[n] = tree.IsLeaf(node) ? 0 : 1 + Math.Max(_height[_first[t] + tree.Left(node)], _height[_first[t] + tree.Right(node)]);
                levels = Math.Max(levels, _height[n] + 1);
            }
        }

        if (_levelStart.Length < levels + 1)
        {
            _levelStart = new int[levels + 1];
        }

        Levels = levels;
        _levelStart.AsSpan(0, levels + 1).Clear();
        for (int i = 0; i < total; i++)
        {
            _levelStart[_height[i] + 1]++;
        }

        WidestLevel = 0;
        for (int h = 0; h < levels; h++)
        {
            WidestLevel = Math.Max(WidestLevel, _levelStart[h + 1]);
            _levelStart[h + 1] += _levelStart[h];
        }

        // slot of every node (stable: tree order, then post-order within a level), kept in _height's place
        Span<int> next = levels <= 256 ? stackalloc int[levels] : new int[levels];
        _levelStart.AsSpan(0, levels).CopyTo(next);
        for (int i = 0; i < total; i++)
        {
            _height[i] = next[_height[i]]++;
        }

        n = 0;
        for (int t = 0; t < trees.Length; t++)
        {
            BinaryTree tree = trees[t];
            for (int node = 0; node < tree.NodeCount; node++, n++)
            {
                int slot = _height[n];
                bool leaf = tree.IsLeaf(node);
                _left[slot] = leaf ? -1 : _height[_first[t] + tree.Left(node)];
                _right[slot] = leaf ? -1 : _height[_first[t] + tree.Right(node)];
                _token[slot] = leaf ? tree.Token(node) : -1;
                _label[slot] = tree.Label(node);
            }

            _root[t] = _height[_first[t] + tree.Root];
        }
    }

    /// <summary>Writes [h_left; h_right] of each slot of a level into its row's children block (rows of <paramref name="stride"/> floats, block at <paramref name="childrenAt"/>; h of slot s at <c>s·stride + hiddenAt</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void GatherChildren(int start, int count, Span<float> rows, int stride, int childrenAt, ReadOnlySpan<float> cache, int hiddenAt, int hidden)
    {
        for (int k = 0; k < count; k++)
        {
            Span<float> children = rows.Slice(k * stride + childrenAt, 2 * hidden);
            cache.Slice(_left[start + k] * stride + hiddenAt, hidden).CopyTo(children.Slice(0, hidden));
            cache.Slice(_right[start + k] * stride + hiddenAt, hidden).CopyTo(children.Slice(hidden, hidden));
        }
    }

    /// <summary>Adds row k of <paramref name="dChildren"/> (<c>[∂h_left; ∂h_right]</c> of slot start + k) to the children's rows of <paramref name="dHidden"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void AddToChildren(int start, int count, ReadOnlySpan<float> dChildren, Span<float> dHidden, int hidden)
    {
        for (int k = 0; k < count; k++)
        {
            Span<float> dl = dHidden.Slice(_left[start + k] * hidden, hidden), dr = dHidden.Slice(_right[start + k] * hidden, hidden);
            System.Numerics.Tensors.TensorPrimitives.Add(dl, dChildren.Slice(k * 2 * hidden, hidden), dl);
            System.Numerics.Tensors.TensorPrimitives.Add(dr, dChildren.Slice(k * 2 * hidden + hidden, hidden), dr);
        }
    }

    private void Grow(int nodes, int trees)
    {
        if (_left.Length < nodes)
        {
            int size = Math.Max(nodes, _left.Length * 2);
            _left = new int[size];
            _right = new int[size];
            _token = new int[size];
            _label = new int[size];
            _height = new int[size];
        }

        if (_root.Length < trees)
        {
            int size = Math.Max(trees, _root.Length * 2);
            _root = new int[size];
            _first = new int[size];
        }
    }
}
