using RnnGen.Data;

namespace RnnGen.Embeddings;

/// <summary>
/// Fills a declared model's <c>[Embedding]</c> table from pretrained vectors (Keras <c>Embedding(weights=…)</c>,
/// PyTorch <c>from_pretrained</c>): row <c>id</c> gets the vector of the vocabulary's token <c>id</c>. Rows whose
/// token has no vector, and the special ids, keep their initial values. Everything is checked before the first
/// write, so a call that throws leaves the table unchanged.
/// </summary>
public static class PretrainedEmbeddings
{
    /// <summary>Loads the vectors of <paramref name="vocabulary"/>'s tokens; returns how many rows were filled.</summary>
    /// <exception cref="ArgumentException">The vector width is not the layer's dimension, or the vocabulary has more ids than the table.</exception>
    public static int LoadVectors(this EmbeddingLayer layer, WordVectors vectors, WordVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        return layer.LoadVectors(vectors, Tokens(vocabulary.Size, vocabulary.TokenOf), nameof(vocabulary));
    }

    /// <summary>Loads the vectors of <paramref name="vocabulary"/>'s characters (words of one character); returns how many rows were filled.</summary>
    /// <exception cref="ArgumentException">The vector width is not the layer's dimension, or the vocabulary has more ids than the table.</exception>
    public static int LoadVectors(this EmbeddingLayer layer, WordVectors vectors, CharacterVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        return layer.LoadVectors(vectors, Tokens(vocabulary.Size, id => vocabulary.CharacterOf(id).ToString()), nameof(vocabulary));
    }

    /// <summary>Loads the vector of each token of <paramref name="ids"/> into row <c>ids[token]</c>; returns how many rows were filled.</summary>
    /// <exception cref="ArgumentException">The vector width is not the layer's dimension, or an id is outside the table.</exception>
    public static int LoadVectors(this EmbeddingLayer layer, WordVectors vectors, IReadOnlyDictionary<string, int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int size = 0;
        foreach ((string token, int id) in ids)
        {
            if (id < 0)
            {
                throw new ArgumentException($"{Name(layer)}: ids[\"{token}\"] must be a row of the table, got {id}.", nameof(ids));
            }

            size = Math.Max(size, id + 1);
        }

        var tokens = new string?[size];
        foreach ((string token, int id) in ids)
        {
            tokens[id] = token;
        }

        return layer.LoadVectors(vectors, tokens, nameof(ids));
    }

    /// <summary>Loads the vector of <c>tokens[id]</c> into row <c>id</c> (null entries are skipped); returns how many rows were filled.</summary>
    /// <exception cref="ArgumentException">The vector width is not the layer's dimension, or there are more tokens than table rows.</exception>
    public static int LoadVectors(this EmbeddingLayer layer, WordVectors vectors, IReadOnlyList<string?> tokens) =>
        layer.LoadVectors(vectors, tokens, nameof(tokens));

    /// <summary>Replaces the whole table with <paramref name="matrix"/> (row-major, vocabulary size × dimension).</summary>
    /// <exception cref="ArgumentException">The matrix does not hold exactly vocabulary size × dimension values, or holds a non-finite value.</exception>
    public static void LoadMatrix(this EmbeddingLayer layer, ReadOnlySpan<float> matrix)
    {
        ArgumentNullException.ThrowIfNull(layer);
        long expected = (long)layer.VocabularySize * layer.OutputSize;
        if (matrix.Length != expected)
        {
            throw new ArgumentException($"{Name(layer)}: matrix must hold {layer.VocabularySize} × {layer.OutputSize} = {expected} values, got {matrix.Length}.", nameof(matrix));
        }

        for (int i = 0; i < matrix.Length; i++)
        {
            if (!float.IsFinite(matrix[i]))
            {
                throw new ArgumentException($"{Name(layer)}: matrix[{i}] (row {i / layer.OutputSize}) must be finite, got {matrix[i]}.", nameof(matrix));
            }
        }

        matrix.CopyTo(layer.Weight.Values.Span);
    }

    private static int LoadVectors(this EmbeddingLayer layer, WordVectors vectors, IReadOnlyList<string?> tokens, string parameter)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(tokens, parameter);
        if (vectors.Dimensions != layer.OutputSize)
        {
            throw new ArgumentException($"{Name(layer)}: vectors must have the layer's dimension {layer.OutputSize}, got {vectors.Dimensions}.", nameof(vectors));
        }

        if (tokens.Count > layer.VocabularySize)
        {
            throw new ArgumentException($"{Name(layer)}: {parameter} must map into the table's {layer.VocabularySize} rows, got {tokens.Count} ids.", parameter);
        }

        Span<float> table = layer.Weight.Values.Span;
        int dimension = layer.OutputSize;
        int filled = 0;
        for (int id = 0; id < tokens.Count; id++)
        {
            if (tokens[id] is { } token && vectors.Contains(token))
            {
                vectors[token].CopyTo(table.Slice(id * dimension, dimension));
                filled++;
            }
        }

        return filled;
    }

    // id → token, with null for the special ids.
    private static string?[] Tokens(int size, Func<int, string> tokenOf)
    {
        var tokens = new string?[size];
        for (int id = SpecialTokens.Count; id < size; id++)
        {
            tokens[id] = tokenOf(id);
        }

        return tokens;
    }

    private static string Name(EmbeddingLayer layer) => $"Embedding layer {layer.Name}";
}
