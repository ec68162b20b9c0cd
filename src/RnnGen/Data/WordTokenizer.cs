using System.Text;

namespace RnnGen.Data;

/// <summary>How <see cref="WordTokenizer"/> splits text.</summary>
public sealed record WordTokenizerOptions
{
    /// <summary>Lower-case every token (invariant culture). Default false: case is kept.</summary>
    public bool LowerCase { get; init; }

    /// <summary>Keep punctuation and symbols, each character as a token of its own. Default true.</summary>
    public bool KeepPunctuation { get; init; } = true;
}

/// <summary>
/// Splits text into words and, optionally, punctuation tokens: a word is a run of letters and digits, with apostrophes
/// and hyphens allowed between two of them ("don't", "sperm-whale"); every other non-space character is one punctuation
/// token. Unlike <see cref="Tokenizer.Words"/>, case and punctuation can be kept (for taggers and language models).
/// </summary>
public sealed class WordTokenizer
{
    /// <summary>A tokenizer with the given options (defaults: keep case, keep punctuation).</summary>
    public WordTokenizer(WordTokenizerOptions? options = null) => Options = options ?? new WordTokenizerOptions();

    /// <summary>The options.</summary>
    public WordTokenizerOptions Options { get; }

    /// <summary>The tokens of <paramref name="text"/>, in order.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public string[] Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        var word = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            char ch = text[i];
            bool joiner = (ch == '\'' || ch == '’' || ch == '-') && word.Length > 0 && i + 1 < text.Length && char.IsLetterOrDigit(text[i + 1]);
            if (char.IsLetterOrDigit(ch) || joiner)
            {
                word.Append(Options.LowerCase ? char.ToLowerInvariant(ch) : ch);
                continue;
            }

            Flush(word, tokens);
            if (Options.KeepPunctuation && !char.IsWhiteSpace(ch) && !char.IsControl(ch))
            {
                tokens.Add(ch.ToString());
            }
        }

        Flush(word, tokens);
        return tokens.ToArray();
    }

    private static void Flush(StringBuilder word, List<string> tokens)
    {
        if (word.Length > 0)
        {
            tokens.Add(word.ToString());
            word.Clear();
        }
    }
}
