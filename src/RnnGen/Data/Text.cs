using System.Text;

namespace RnnGen.Data;

/// <summary>Keras-like text tokenisation: lower case, punctuation removed, split on white space.</summary>
public static class Tokenizer
{
    /// <summary>The words of <paramref name="text"/>: letters, digits and apostrophes inside words.</summary>
    public static string[] Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (char ch in text.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(ch) || (ch == '\'' && current.Length > 0))
            {
                current.Append(ch);
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString().TrimEnd('\''));
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString().TrimEnd('\''));
        }

        return words.ToArray();
    }
}

/// <summary>
/// A word → id map built from training texts only: id 0 is padding, 1 is out-of-vocabulary, then the most
/// frequent words (ties alphabetically, so the map is deterministic) up to <see cref="Size"/> ids in all.
/// </summary>
public sealed class Vocabulary
{
    /// <summary>The padding id.</summary>
    public const int Padding = 0;

    /// <summary>The id of words not in the vocabulary.</summary>
    public const int OutOfVocabulary = 1;

    private readonly Dictionary<string, int> _ids;

    private Vocabulary(Dictionary<string, int> ids, int size)
    {
        _ids = ids;
        Size = size;
    }

    /// <summary>Number of ids, padding and out-of-vocabulary included (the embedding's vocabulary size).</summary>
    public int Size { get; }

    /// <summary>Number of known words.</summary>
    public int WordCount => _ids.Count;

    /// <summary>Builds the vocabulary of at most <paramref name="maxSize"/> ids from tokenised training texts.</summary>
    public static Vocabulary Build(IEnumerable<string[]> documents, int maxSize)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string[] words in documents)
        {
            foreach (string word in words)
            {
                counts[word] = counts.GetValueOrDefault(word) + 1;
            }
        }

        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, int> pair in counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(Math.Max(0, maxSize - 2)))
        {
            ids[pair.Key] = ids.Count + 2;
        }

        return new Vocabulary(ids, maxSize);
    }

    /// <summary>The id of <paramref name="word"/> (1 when unknown).</summary>
    public int this[string word] => _ids.TryGetValue(word, out int id) ? id : OutOfVocabulary;

    /// <summary>The ids of the words of <paramref name="text"/>.</summary>
    public int[] Encode(string text) => Tokenizer.Words(text).Select(w => this[w]).ToArray();
}

/// <summary>Padding of variable-length id sequences to one length.</summary>
public static class Padding
{
    /// <summary>
    /// Pads (after the text, with 0) or truncates (keeping the start) every sequence to <paramref name="maxLength"/>; returns
    /// the ids <c>[N, maxLength]</c> and each sequence's length (at least 1: an empty text becomes one padding token).
    /// </summary>
    public static (int[] Ids, int[] Lengths) PadSequences(IReadOnlyList<int[]> sequences, int maxLength)
    {
        var ids = new int[sequences.Count * maxLength];
        var lengths = new int[sequences.Count];
        for (int i = 0; i < sequences.Count; i++)
        {
            int n = Math.Min(sequences[i].Length, maxLength);
            sequences[i].AsSpan(0, n).CopyTo(ids.AsSpan(i * maxLength));
            lengths[i] = Math.Max(1, n);
        }

        return (ids, lengths);
    }
}
