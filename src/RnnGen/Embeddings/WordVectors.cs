using System.Numerics.Tensors;

namespace RnnGen.Embeddings;

/// <summary>
/// A vector per word — trained by <see cref="Word2Vec"/> or read from a word2vec / GloVe text file
/// (<see cref="WordVectorFiles"/>) — with cosine nearest-neighbour and analogy queries.
/// </summary>
public sealed class WordVectors
{
    private readonly string[] _words;
    private readonly float[] _vectors;
    private readonly Dictionary<string, int> _index;
    private float[]? _unit; // rows scaled to length 1, built on the first query

    /// <summary>Vectors for <paramref name="words"/>: row i of <paramref name="vectors"/> (row-major, <paramref name="dimensions"/> wide) is word i's.</summary>
    /// <exception cref="ArgumentException">The sizes disagree, a word is empty or repeated, or a value is not finite.</exception>
    public WordVectors(IReadOnlyList<string> words, ReadOnlySpan<float> vectors, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(words);
        if (dimensions < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, $"WordVectors: dimensions must be at least 1, got {dimensions}.");
        }

        if (vectors.Length != (long)words.Count * dimensions)
        {
            throw new ArgumentException($"WordVectors: vectors must hold words.Count × dimensions = {words.Count} × {dimensions} = {(long)words.Count * dimensions} values, got {vectors.Length}.", nameof(vectors));
        }

        _words = words.ToArray();
        _index = new Dictionary<string, int>(_words.Length, StringComparer.Ordinal);
        for (int i = 0; i < _words.Length; i++)
        {
            if (string.IsNullOrEmpty(_words[i]) || _words[i].Any(char.IsWhiteSpace))
            {
                throw new ArgumentException($"WordVectors: word {i} is empty or contains white space: \"{_words[i]}\".", nameof(words));
            }

            if (!_index.TryAdd(_words[i], i))
            {
                throw new ArgumentException($"WordVectors: word \"{_words[i]}\" appears twice (rows {_index[_words[i]]} and {i}).", nameof(words));
            }
        }

        int bad = TensorPrimitives.IndexOfMaxMagnitude(vectors);
        if (vectors.Length > 0 && !float.IsFinite(vectors[bad]))
        {
            throw new ArgumentException($"WordVectors: the vector of \"{_words[bad / dimensions]}\" holds {vectors[bad]}.", nameof(vectors));
        }

        _vectors = vectors.ToArray();
        Dimensions = dimensions;
    }

    /// <summary>Number of words.</summary>
    public int Count => _words.Length;

    /// <summary>Length of each vector.</summary>
    public int Dimensions { get; }

    /// <summary>The words, in row order (most frequent first for trained vectors).</summary>
    public IReadOnlyList<string> Words => _words;

    /// <summary>The vector of <paramref name="word"/>.</summary>
    /// <exception cref="KeyNotFoundException">The word has no vector.</exception>
    public ReadOnlySpan<float> this[string word] => Row(IndexOf(word, nameof(word)));

    /// <summary>Whether <paramref name="word"/> has a vector.</summary>
    public bool Contains(string word) => _index.ContainsKey(word);

    /// <summary>The row of <paramref name="word"/>, or −1.</summary>
    public int IndexOf(string word) => _index.TryGetValue(word, out int i) ? i : -1;

    /// <summary>All vectors, row-major: row i belongs to <c>Words[i]</c>.</summary>
    public ReadOnlySpan<float> Matrix => _vectors;

    /// <summary>Cosine similarity of two words' vectors.</summary>
    /// <exception cref="KeyNotFoundException">A word has no vector.</exception>
    public float Similarity(string a, string b) =>
        TensorPrimitives.CosineSimilarity(Row(IndexOf(a, nameof(a))), Row(IndexOf(b, nameof(b))));

    /// <summary>The <paramref name="count"/> words most similar (cosine) to <paramref name="word"/>, itself left out.</summary>
    public IReadOnlyList<(string Word, float Similarity)> Nearest(string word, int count = 10) =>
        Nearest(this[word], count, word);

    /// <summary>The <paramref name="count"/> words whose vectors are most similar (cosine) to <paramref name="vector"/>, except <paramref name="exclude"/>.</summary>
    /// <exception cref="ArgumentException">The vector's length is not <see cref="Dimensions"/>.</exception>
    public IReadOnlyList<(string Word, float Similarity)> Nearest(ReadOnlySpan<float> vector, int count = 10, params string[] exclude)
    {
        if (vector.Length != Dimensions)
        {
            throw new ArgumentException($"WordVectors.Nearest: vector must have {Dimensions} values, got {vector.Length}.", nameof(vector));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(count);
        float norm = TensorPrimitives.Norm(vector);
        float[] unit = UnitRows();
        var skip = new HashSet<int>(exclude.Select(IndexOf).Where(i => i >= 0));
        var best = new List<(string Word, float Similarity)>(count + 1);
        for (int i = 0; i < _words.Length; i++)
        {
            if (skip.Contains(i))
            {
                continue;
            }

            float similarity = norm == 0 ? 0 : TensorPrimitives.Dot(vector, unit.AsSpan(i * Dimensions, Dimensions)) / norm;
            if (best.Count == count && (count == 0 || similarity <= best[^1].Similarity))
            {
                continue;
            }

            int at = best.FindIndex(b => similarity > b.Similarity);
            best.Insert(at < 0 ? best.Count : at, (_words[i], similarity));
            if (best.Count > count)
            {
                best.RemoveAt(best.Count - 1);
            }
        }

        return best;
    }

    /// <summary>
    /// "<paramref name="a"/> is to <paramref name="b"/> as <paramref name="c"/> is to …?": the words nearest to
    /// b − a + c (unit vectors, as word2vec's analogy test), the three left out. King − Man + Woman is
    /// <c>Analogy("man", "king", "woman")</c>.
    /// </summary>
    /// <exception cref="KeyNotFoundException">A word has no vector.</exception>
    public IReadOnlyList<(string Word, float Similarity)> Analogy(string a, string b, string c, int count = 10)
    {
        float[] unit = UnitRows();
        var target = new float[Dimensions];
        TensorPrimitives.Subtract(UnitRow(unit, IndexOf(b, nameof(b))), UnitRow(unit, IndexOf(a, nameof(a))), target);
        TensorPrimitives.Add(target, UnitRow(unit, IndexOf(c, nameof(c))), target);
        return Nearest(target, count, a, b, c);
    }

    /// <summary>
    /// Copies the vectors of <paramref name="vocabulary"/>'s words into <paramref name="weights"/> (row <c>id</c> of a
    /// vocabulary × <see cref="Dimensions"/> embedding matrix, e.g. an <c>[Embedding]</c> layer's weights). Rows of words
    /// without a vector are left as they are. Returns how many rows were filled.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="weights"/> is not vocabulary.Count × Dimensions long.</exception>
    public int CopyTo(IReadOnlyList<string?> vocabulary, Span<float> weights)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (weights.Length != (long)vocabulary.Count * Dimensions)
        {
            throw new ArgumentException($"WordVectors.CopyTo: weights must hold vocabulary.Count × Dimensions = {vocabulary.Count} × {Dimensions} values, got {weights.Length}.", nameof(weights));
        }

        int filled = 0;
        for (int id = 0; id < vocabulary.Count; id++)
        {
            if (vocabulary[id] is { } word && _index.TryGetValue(word, out int row))
            {
                Row(row).CopyTo(weights.Slice(id * Dimensions, Dimensions));
                filled++;
            }
        }

        return filled;
    }

    private ReadOnlySpan<float> Row(int i) => _vectors.AsSpan(i * Dimensions, Dimensions);

    private ReadOnlySpan<float> UnitRow(float[] unit, int i) => unit.AsSpan(i * Dimensions, Dimensions);

    private int IndexOf(string word, string parameter)
    {
        ArgumentNullException.ThrowIfNull(word, parameter);
        return _index.TryGetValue(word, out int i) ? i : throw new KeyNotFoundException($"WordVectors: no vector for \"{word}\" ({parameter}).");
    }

    private float[] UnitRows()
    {
        if (_unit is { } unit)
        {
            return unit;
        }

        unit = new float[_vectors.Length];
        for (int i = 0; i < _words.Length; i++)
        {
            ReadOnlySpan<float> row = Row(i);
            float norm = TensorPrimitives.Norm(row);
            if (norm > 0)
            {
                TensorPrimitives.Divide(row, norm, unit.AsSpan(i * Dimensions, Dimensions));
            }
        }

        return Interlocked.CompareExchange(ref _unit, unit, null) ?? unit;
    }
}
