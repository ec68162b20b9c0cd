using System.Buffers.Binary;
using System.Text.Json;

namespace RnnGen.IO;

/// <summary>
/// Writes the safetensors format: an 8-byte little-endian header length N, N bytes of JSON
/// (<c>{"name": {"dtype", "shape", "data_offsets"}, "__metadata__": {…}}</c>, space-padded to a multiple of 8),
/// then the raw little-endian data.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>
    /// Writes F32 tensors to <paramref name="path"/> atomically: a temporary sibling (<c>.&lt;name prefix&gt;~&lt;random&gt;.tmp</c>),
    /// flushed to disk, then a move, so the target is never half-written. A failure in this process deletes the
    /// temporary file; a process killed while writing may leave it behind.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or a folder, or a tensor's name or shape is invalid.</exception>
    /// <exception cref="IOException">The file cannot be written; the message names <paramref name="path"/>.</exception>
    public static void Write(string path, IReadOnlyList<(string Name, int[] Shape, ReadOnlyMemory<float> Values)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
        => AtomicFile.Write(path, stream => Write(stream, tensors, metadata));

    /// <summary>Writes F32 tensors to a stream.</summary>
    public static void Write(Stream stream, IReadOnlyList<(string Name, int[] Shape, ReadOnlyMemory<float> Values)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            if (metadata is not null && metadata.Count > 0)
            {
                writer.WriteStartObject("__metadata__");
                foreach (KeyValuePair<string, string> pair in metadata)
                {
                    writer.WriteString(pair.Key, pair.Value);
                }

                writer.WriteEndObject();
            }

            long offset = 0;
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach ((string name, int[] shape, ReadOnlyMemory<float> values) in tensors)
            {
                if (name is null || name == "__metadata__" || !names.Add(name))
                {
                    throw new ArgumentException($"{nameof(tensors)}: tensor name '{name ?? "null"}' is null, reserved or given twice; names must be unique.", nameof(tensors));
                }

                if (shape is null)
                {
                    throw new ArgumentException($"{nameof(tensors)}: {name}: the shape is null.", nameof(tensors));
                }

                long count = 1;
                foreach (int d in shape)
                {
                    if (d < 0)
                    {
                        throw new ArgumentException($"{nameof(tensors)}: {name}: shape [{string.Join(", ", shape)}] has a negative dimension.", nameof(tensors));
                    }

                    count = Math.Min(count * d, (long)int.MaxValue + 1);
                }

                if (count != values.Length)
                {
                    throw new ArgumentException($"{name}: shape [{string.Join(", ", shape)}] holds {count} values but {values.Length} were given.", nameof(tensors));
                }

                writer.WriteStartObject(name);
                writer.WriteString("dtype", "F32");
                writer.WriteStartArray("shape");
                foreach (int d in shape)
                {
                    writer.WriteNumberValue(d);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset + count * 4);
                writer.WriteEndArray();
                writer.WriteEndObject();
                offset += count * 4;
            }

            writer.WriteEndObject();
        }

        byte[] header = json.ToArray();
        int padded = (header.Length + 7) / 8 * 8;
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        stream.Write(length);
        stream.Write(header);
        for (int i = header.Length; i < padded; i++)
        {
            stream.WriteByte((byte)' ');
        }

        byte[] buffer = new byte[4096];
        foreach ((_, _, ReadOnlyMemory<float> values) in tensors)
        {
            ReadOnlySpan<float> span = values.Span;
            for (int start = 0; start < span.Length; start += buffer.Length / 4)
            {
                int n = Math.Min(buffer.Length / 4, span.Length - start);
                for (int i = 0; i < n; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(i * 4), span[start + i]);
                }

                stream.Write(buffer, 0, n * 4);
            }
        }
    }

}
