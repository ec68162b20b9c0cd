namespace RnnGen.Trees;

/// <summary>
/// A binary tree for a recursive network: every leaf holds a token id, every inner node combines exactly two children.
/// Nodes are stored children first (post-order), so node <see cref="NodeCount"/> − 1 is the root; a node may carry a
/// class label (−1 for none), as the Stanford Sentiment Treebank labels every phrase.
/// </summary>
public sealed class BinaryTree
{
    private readonly int[] _left, _right, _token, _label;

    private BinaryTree(int[] left, int[] right, int[] token, int[] label)
    {
        _left = left;
        _right = right;
        _token = token;
        _label = label;
    }

    /// <summary>Nodes, leaves included.</summary>
    public int NodeCount => _token.Length;

    /// <summary>Leaves (tokens); always <see cref="NodeCount"/> / 2 + 1.</summary>
    public int LeafCount => (NodeCount + 1) / 2;

    /// <summary>The root's index: <see cref="NodeCount"/> − 1.</summary>
    public int Root => NodeCount - 1;

    /// <summary>The left child of node <paramref name="node"/>, or −1 for a leaf.</summary>
    public int Left(int node) => _left[node];

    /// <summary>The right child of node <paramref name="node"/>, or −1 for a leaf.</summary>
    public int Right(int node) => _right[node];

    /// <summary>The token of leaf <paramref name="node"/>, or −1 for an inner node.</summary>
    public int Token(int node) => _token[node];

    /// <summary>The label of node <paramref name="node"/>, or −1.</summary>
    public int Label(int node) => _label[node];

    /// <summary>Whether node <paramref name="node"/> is a leaf.</summary>
    public bool IsLeaf(int node) => _left[node] < 0;

    /// <summary>The tokens of the leaves, left to right.</summary>
    public int[] Tokens() => _token.Where(t => t >= 0).ToArray();

    /// <summary>A one-node tree.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="token"/> is negative.</exception>
    public static BinaryTree Leaf(int token, int label = -1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(token);
        return new BinaryTree(new[] { -1 }, new[] { -1 }, new[] { token }, new[] { label < 0 ? -1 : label });
    }

    /// <summary>A tree whose root combines <paramref name="left"/> and <paramref name="right"/>.</summary>
    public static BinaryTree Node(BinaryTree left, BinaryTree right, int label = -1)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        int n = left.NodeCount + right.NodeCount + 1, shift = left.NodeCount;
        var l = new int[n];
        var r = new int[n];
        var t = new int[n];
        var y = new int[n];
        for (int i = 0; i < left.NodeCount; i++)
        {
            (l[i], r[i], t[i], y[i]) = (left._left[i], left._right[i], left._token[i], left._label[i]);
        }

        for (int i = 0; i < right.NodeCount; i++)
        {
            int j = shift + i;
            (l[j], r[j], t[j], y[j]) = (Shift(right._left[i]), Shift(right._right[i]), right._token[i], right._label[i]);
        }

        (l[n - 1], r[n - 1], t[n - 1], y[n - 1]) = (left.Root, shift + right.Root, -1, label < 0 ? -1 : label);
        return new BinaryTree(l, r, t, y);

        int Shift(int child) => child < 0 ? -1 : child + shift;
    }

    /// <summary>
    /// Reads a bracketed tree: a token, or <c>( tree tree )</c>; <c>( tree )</c> is the tree itself. With
    /// <paramref name="labelled"/> every group starts with an integer label, Treebank style: <c>(3 (2 good) (1 film))</c>.
    /// Tokens are separated by white space and brackets; <paramref name="tokenId"/> maps each to its id.
    /// </summary>
    /// <exception cref="FormatException">The text is not one well-formed binary tree; the message gives the position.</exception>
    public static BinaryTree Parse(string text, Func<string, int> tokenId, bool labelled = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(tokenId);
        var parser = new Parser(text, tokenId, labelled);
        BinaryTree tree = parser.Tree();
        parser.End();
        return tree;
    }

    /// <summary>The tree in the bracketed form <see cref="Parse"/> reads, tokens written by <paramref name="tokenText"/>.</summary>
    public string ToString(Func<int, string> tokenText)
    {
        ArgumentNullException.ThrowIfNull(tokenText);
        return Write(Root);

        string Write(int node)
        {
            string label = _label[node] >= 0 ? _label[node] + " " : string.Empty;
            if (IsLeaf(node))
            {
                return label.Length > 0 ? $"({label}{tokenText(_token[node])})" : tokenText(_token[node]);
            }

            return $"({label}{Write(_left[node])} {Write(_right[node])})";
        }
    }

    /// <inheritdoc/>
    public override string ToString() => ToString(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private sealed class Parser(string text, Func<string, int> tokenId, bool labelled)
    {
        private int _at;

        public BinaryTree Tree()
        {
            Skip();
            if (_at >= text.Length)
            {
                throw Error("expected a token or '('");
            }

            if (text[_at] != '(')
            {
                int start = _at;
                string token = Word();
                int id = tokenId(token);
                if (id < 0)
                {
                    throw new FormatException($"BinaryTree.Parse: token \"{token}\" at position {start} has id {id}; ids must be ≥ 0.");
                }

                return Leaf(id);
            }

            int open = _at++;
            int label = -1;
            if (labelled)
            {
                Skip();
                int start = _at;
                string word = Word();
                if (!int.TryParse(word, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out label))
                {
                    throw new FormatException($"BinaryTree.Parse: expected a label (an integer ≥ 0) at position {start}, got \"{word}\".");
                }
            }

            BinaryTree first = Tree();
            Skip();
            BinaryTree tree;
            if (_at < text.Length && text[_at] == ')')
            {
                tree = first.NodeCount == 1 ? Leaf(first._token[0], label) : label >= 0 ? Relabel(first, label) : first;
            }
            else
            {
                BinaryTree second = Tree();
                Skip();
                if (_at >= text.Length || text[_at] != ')')
                {
                    throw Error($"expected ')' closing the '(' at position {open} (a node has two children)");
                }

                tree = Node(first, second, label);
            }

            _at++;
            return tree;
        }

        public void End()
        {
            Skip();
            if (_at < text.Length)
            {
                throw Error("expected the end of the text after the tree");
            }
        }

        private static BinaryTree Relabel(BinaryTree tree, int label)
        {
            int[] labels = (int[])tree._label.Clone();
            labels[^1] = label;
            return new BinaryTree(tree._left, tree._right, tree._token, labels);
        }

        private string Word()
        {
            int start = _at;
            while (_at < text.Length && !char.IsWhiteSpace(text[_at]) && text[_at] is not '(' and not ')')
            {
                _at++;
            }

            if (_at == start)
            {
                throw Error("expected a token");
            }

            return text[start.._at];
        }

        private void Skip()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at]))
            {
                _at++;
            }
        }

        private FormatException Error(string what) =>
            new($"BinaryTree.Parse: {what} at position {_at} of \"{(text.Length > 80 ? text[..80] + "…" : text)}\".");
    }
}
