using System.Globalization;
using System.Text;

namespace RnnGen.Embeddings;

/// <summary>The text formats of word vectors.</summary>
public enum WordVectorFormat
{
    /// <summary>word2vec's text format: a first line "count dimensions", then "word v1 v2 …" per line.</summary>
    Word2Vec,

    /// <summary>GloVe's text format: "word v1 v2 …" per line, no header.</summary>
    GloVe,
}

/// <summary>Reads and writes word vectors in the word2vec and GloVe text formats (UTF-8, space-separated, invariant culture).</summary>
public static class WordVectorFiles
{
    /// <summary>Writes <paramref name="vectors"/> to <paramref name="path"/> atomically (a reader never sees half a file).</summary>
    public static void Save(WordVectors vectors, string path, WordVectorFormat format = WordVectorFormat.Word2Vec)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!Enum.IsDefined(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, $"WordVectorFiles.Save: unknown format {(int)format}.");
        }

        IO.AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            if (format == WordVectorFormat.Word2Vec)
            {
                writer.WriteLine($"{vectors.Count} {vectors.Dimensions}");
            }

            ReadOnlySpan<float> matrix = vectors.Matrix;
            for (int i = 0; i < vectors.Count; i++)
            {
                writer.Write(vectors.Words[i]);
                foreach (float v in matrix.Slice(i * vectors.Dimensions, vectors.Dimensions))
                {
                    writer.Write(' ');
                    writer.Write(v.ToString("R", CultureInfo.InvariantCulture));
                }

                writer.WriteLine();
            }
        });
    }

    /// <summary>
    /// Reads a word2vec or GloVe text file (told apart by the first line: two integers are word2vec's header).
    /// </summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">A line is malformed (wrong number of values, a value that is not a finite number, a repeated word, a count that disagrees with the header); the message names the file and the line.</exception>
    public static WordVectors Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            throw new FileNotFoundException($"WordVectorFiles.Load: '{path}' is a directory, not a word-vector file.", path);
        }

        var words = new List<string>();
        var values = new List<float>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        int dimensions = -1;
        long declared = -1;
        int lineNumber = 0;
        foreach (string raw in File.ReadLines(path, Encoding.UTF8))
        {
            lineNumber++;
            string line = raw.TrimEnd();
            if (line.Length == 0)
            {
                continue;
            }

            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (lineNumber == 1 && fields.Length == 2 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out declared)
                && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out dimensions))
            {
                if (dimensions < 1)
                {
                    throw Bad(path, lineNumber, $"the header declares {dimensions} dimensions");
                }

                continue;
            }

            if (dimensions < 0)
            {
                dimensions = fields.Length - 1;
                if (dimensions < 1)
                {
                    throw Bad(path, lineNumber, "a word without values");
                }
            }

            if (fields.Length != dimensions + 1)
            {
                throw Bad(path, lineNumber, $"expected a word and {dimensions} values, got {fields.Length} fields");
            }

            if (!seen.TryAdd(fields[0], lineNumber))
            {
                throw Bad(path, lineNumber, $"the word \"{fields[0]}\" appeared already on line {seen[fields[0]]}");
            }

            for (int d = 1; d < fields.Length; d++)
            {
                if (!float.TryParse(fields[d], NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
                {
                    throw Bad(path, lineNumber, $"value {d} of \"{fields[0]}\" is \"{fields[d]}\", not a finite number");
                }

                values.Add(v);
            }

            words.Add(fields[0]);
        }

        if (declared >= 0 && declared != words.Count)
        {
            throw Bad(path, lineNumber, $"the header declares {declared} words, the file holds {words.Count}");
        }

        if (words.Count == 0)
        {
            throw new InvalidDataException($"WordVectorFiles.Load: '{path}' holds no vectors.");
        }

        return new WordVectors(words, values.ToArray(), dimensions);
    }

    private static InvalidDataException Bad(string path, int line, string what) =>
        new($"WordVectorFiles.Load: '{path}' line {line}: {what}.");
}
