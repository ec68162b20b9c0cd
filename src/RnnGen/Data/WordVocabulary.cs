namespace RnnGen.Data;

/// <summary>
/// A token → id map built from tokenised training texts: the <see cref="SpecialTokens"/> ids 0…3, then the most
/// frequent tokens (ties in ordinal order, so the ids are deterministic) with at least a minimum count, up to
/// <see cref="Size"/> ids in all. Tokens are compared exactly (ordinal), so case is kept when the tokenizer keeps it.
/// </summary>
public sealed class WordVocabulary
{
    private readonly string[] _tokens; // id − SpecialTokens.Count → token
    private readonly Dictionary<string, int> _ids;

    private WordVocabulary(string[] tokens)
    {
        _tokens = tokens;
        _ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++)
        {
            _ids[tokens[i]] = i + SpecialTokens.Count;
        }
    }

    /// <summary>Number of ids, the four special ids included.</summary>
    public int Size => _tokens.Length + SpecialTokens.Count;

    /// <summary>Number of known tokens.</summary>
    public int TokenCount => _tokens.Length;

    /// <summary>Builds a vocabulary of at most <paramref name="maxSize"/> ids from tokenised documents.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSize"/> is below 5 or <paramref name="minCount"/> below 1.</exception>
    public static WordVocabulary Build(IEnumerable<string[]> documents, int maxSize, int minCount = 1)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (maxSize <= SpecialTokens.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(maxSize), maxSize, $"maxSize: expected more than the {SpecialTokens.Count} special ids but got {maxSize}.");
        }

        if (minCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(minCount), minCount, $"minCount: expected at least 1 but got {minCount}.");
        }

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string[] tokens in documents)
        {
            foreach (string token in tokens)
            {
                counts[token] = counts.GetValueOrDefault(token) + 1;
            }
        }

        string[] kept = counts.Where(p => p.Value >= minCount)
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Take(maxSize - SpecialTokens.Count).Select(p => p.Key).ToArray();
        return new WordVocabulary(kept);
    }

    /// <summary>The token of an ordinary id.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is special or not below <see cref="Size"/>.</exception>
    public string TokenOf(int id)
    {
        if (id < SpecialTokens.Count || id >= Size)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, $"id: expected a token id in {SpecialTokens.Count}…{Size - 1} but got {id}.");
        }

        return _tokens[id - SpecialTokens.Count];
    }

    /// <summary>The id of <paramref name="token"/> (<see cref="SpecialTokens.Unknown"/> when unknown).</summary>
    public int this[string token] => _ids.TryGetValue(token, out int id) ? id : SpecialTokens.Unknown;

    /// <summary>The ids of <paramref name="tokens"/>, optionally framed by start and end ids.</summary>
    public int[] Encode(IReadOnlyList<string> tokens, bool addStartAndEnd = false)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        int offset = addStartAndEnd ? 1 : 0;
        var ids = new int[tokens.Count + 2 * offset];
        for (int i = 0; i < tokens.Count; i++)
        {
            ids[i + offset] = this[tokens[i]];
        }

        if (addStartAndEnd)
        {
            ids[0] = SpecialTokens.Start;
            ids[^1] = SpecialTokens.End;
        }

        return ids;
    }

    /// <summary>
    /// The tokens of <paramref name="ids"/>: padding, start and end write nothing, the unknown id writes
    /// <paramref name="unknown"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative or not below <see cref="Size"/>.</exception>
    public string[] Decode(ReadOnlySpan<int> ids, string unknown = "<unk>")
    {
        var tokens = new List<string>(ids.Length);
        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            if ((uint)id >= (uint)Size)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"ids[{i}]: expected an id in 0…{Size - 1} but got {id}.");
            }

            if (id == SpecialTokens.Unknown) tokens.Add(unknown);
            else if (id >= SpecialTokens.Count) tokens.Add(_tokens[id - SpecialTokens.Count]);
        }

        return tokens.ToArray();
    }
}
