using RnnGen.Initialization;
using RnnGen.Trees;

namespace TreeArithmetic;

/// <summary>Random arithmetic expressions over digits with +, − and ×, and their values modulo 10.</summary>
public static class Expressions
{
    /// <summary>Tree leaves: digits 0–9 are ids 0–9, then +, −, × (an operation's node is ((a op) b)).</summary>
    public const int TreeVocabulary = 13;

    /// <summary>Sequence tokens: 0 padding, digits 1–10, + − × 11–13, ( ) 14–15.</summary>
    public const int SequenceVocabulary = 16;

    private static readonly string[] Operators = { "+", "-", "*" };

    /// <summary>An expression with <paramref name="operations"/> operators, fully bracketed: "(3 + (4 * 2))".</summary>
    public static (string Text, int Value) Random(DeterministicRandom random, int operations)
    {
        if (operations == 0)
        {
            int digit = random.NextInt(10);
            return (digit.ToString(System.Globalization.CultureInfo.InvariantCulture), digit);
        }

        int left = random.NextInt(operations);
        var (a, x) = Random(random, left);
        var (b, y) = Random(random, operations - 1 - left);
        int op = random.NextInt(3);
        int value = op switch { 0 => x + y, 1 => x - y + 10, _ => x * y } % 10;
        return ($"({a} {Operators[op]} {b})", value);
    }

    /// <summary>The expression as a binary tree: every "(a op b)" becomes ((a op) b).</summary>
    public static BinaryTree Tree(string text)
    {
        int at = 0;
        return Parse();

        BinaryTree Parse()
        {
            if (text[at] != '(')
            {
                return BinaryTree.Leaf(text[at++] - '0');
            }

            at++; // (
            BinaryTree a = Parse();
            at++; // space
            int op = Array.IndexOf(Operators, text[at++].ToString());
            at++; // space
            BinaryTree b = Parse();
            at++; // )
            return BinaryTree.Node(BinaryTree.Node(a, BinaryTree.Leaf(10 + op)), b);
        }
    }

    /// <summary>The value of a fully bracketed expression modulo 10 (0 … 9).</summary>
    public static int Value(string text)
    {
        int at = 0;
        return Evaluate();

        int Evaluate()
        {
            if (text[at] != '(')
            {
                return text[at++] - '0';
            }

            at++;
            int x = Evaluate();
            char op = text[at + 1];
            at += 3;
            int y = Evaluate();
            at++;
            return op switch { '+' => x + y, '-' => x - y + 10, _ => x * y } % 10;
        }
    }

    /// <summary>The expression's characters as sequence tokens (spaces dropped).</summary>
    public static int[] Tokens(string text) => text.Where(c => c != ' ').Select(c => c switch
    {
        >= '0' and <= '9' => 1 + c - '0',
        '+' => 11,
        '-' => 12,
        '*' => 13,
        '(' => 14,
        _ => 15,
    }).ToArray();
}
