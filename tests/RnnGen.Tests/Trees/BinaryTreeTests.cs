using RnnGen.Trees;

namespace RnnGen.Tests.Trees;

public sealed class BinaryTreeTests
{
    private static readonly string[] Words = { "(", "3", "+", "4", "*", "2", ")", "good", "film" };

    private static int Id(string token) => Array.IndexOf(Words, token);

    [Fact]
    public void Parse_builds_children_first_with_the_root_last()
    {
        BinaryTree tree = BinaryTree.Parse("((3 +) ((4 *) 2))", Id);
        Assert.Equal(9, tree.NodeCount);
        Assert.Equal(5, tree.LeafCount);
        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, tree.Tokens());
        Assert.Equal(8, tree.Root);
        for (int node = 0; node < tree.NodeCount; node++)
        {
            if (!tree.IsLeaf(node))
            {
                Assert.True(tree.Left(node) < node && tree.Right(node) < node);
                Assert.Equal(-1, tree.Token(node));
            }
        }

        Assert.Equal("((3 +) ((4 *) 2))", tree.ToString(t => Words[t]));
    }

    [Fact]
    public void Labelled_trees_read_and_write_treebank_style()
    {
        BinaryTree tree = BinaryTree.Parse("(3 (2 good) (1 film))", Id, labelled: true);
        Assert.Equal(3, tree.NodeCount);
        Assert.Equal(3, tree.Label(tree.Root));
        Assert.Equal(2, tree.Label(tree.Left(tree.Root)));
        Assert.Equal(1, tree.Label(tree.Right(tree.Root)));
        Assert.Equal("(3 (2 good) (1 film))", tree.ToString(t => Words[t]));
    }

    [Fact]
    public void Redundant_brackets_and_white_space_are_accepted()
    {
        BinaryTree a = BinaryTree.Parse("  ( (3)\n ( + ) ) ", Id);
        Assert.Equal("(3 +)", a.ToString(t => Words[t]));
        Assert.Equal(1, BinaryTree.Parse("(4)", Id).NodeCount);
    }

    [Theory]
    [InlineData("(3 + 4)", "expected ')' closing the '(' at position 0 (a node has two children)")]
    [InlineData("(3 +", "expected ')' closing the '(' at position 0")]
    [InlineData("3 +", "expected the end of the text after the tree at position 2")]
    [InlineData("", "expected a token or '('")]
    [InlineData("(3 zebra)", "token \"zebra\" at position 3 has id -1")]
    public void Malformed_text_names_the_position(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => BinaryTree.Parse(text, Id));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_labelled_group_needs_an_integer_label()
    {
        var e = Assert.Throws<FormatException>(() => BinaryTree.Parse("(good film)", Id, labelled: true));
        Assert.Contains("expected a label (an integer ≥ 0) at position 1, got \"good\"", e.Message);
    }

    [Fact]
    public void Node_and_leaf_compose_like_parse()
    {
        BinaryTree built = BinaryTree.Node(BinaryTree.Node(BinaryTree.Leaf(1), BinaryTree.Leaf(2)), BinaryTree.Leaf(3), label: 7);
        Assert.Equal("((3 +) 4)", built.ToString(t => Words[t]).Replace("(7 ", "(", StringComparison.Ordinal));
        Assert.Equal(7, built.Label(built.Root));
        Assert.Equal(BinaryTree.Parse("((3 +) 4)", Id).Tokens(), built.Tokens());
    }
}
