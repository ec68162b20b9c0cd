using System.Buffers.Binary;
using System.Text.Json;

namespace RnnGen.IO;

/// <summary>Reads and validates a safetensors file. Every defect throws <see cref="InvalidDataException"/> naming the file and the problem.</summary>
public static class SafetensorsReader
{
    /// <summary>Largest header accepted (the reference implementation's limit).</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>Reads every tensor of <paramref name="path"/>, converted to float32.</summary>
    public static IReadOnlyDictionary<string, SafetensorsTensor> Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            throw;
        }

        return Read(bytes, path);
    }

    /// <summary>Reads every tensor of a safetensors image in memory; <paramref name="source"/> names it in messages.</summary>
    public static IReadOnlyDictionary<string, SafetensorsTensor> Read(ReadOnlySpan<byte> bytes, string source)
    {
        JsonDocument document = Header(bytes, source, out ReadOnlySpan<byte> data);
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Bad(source, "the header is not a JSON object");
            }

            var result = new Dictionary<string, SafetensorsTensor>(StringComparer.Ordinal);
            var ranges = new List<(long Begin, long End, string Name)>();
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    continue;
                }

                SafetensorsTensor tensor = ReadTensor(property, data, source, out long begin, out long end);
                result[property.Name] = tensor;
                ranges.Add((begin, end, property.Name));
            }

            ranges.Sort((a, b) => a.Begin.CompareTo(b.Begin));
            for (int i = 1; i < ranges.Count; i++)
            {
                if (ranges[i].Begin < ranges[i - 1].End)
                {
                    throw Bad(source, $"tensors '{ranges[i - 1].Name}' and '{ranges[i].Name}' overlap");
                }
            }

            return result;
        }
    }

    /// <summary>The string entries of the header's <c>__metadata__</c> object of a safetensors image (empty when it has none).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(ReadOnlySpan<byte> bytes, string source)
    {
        using JsonDocument document = Header(bytes, source, out _);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (document.RootElement.TryGetProperty("__metadata__", out JsonElement entries) && entries.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty entry in entries.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.String)
                {
                    throw Bad(source, $"metadata entry '{entry.Name}' is not a string");
                }

                metadata[entry.Name] = entry.Value.GetString()!;
            }
        }

        return metadata;
    }

    /// <summary>The header of a safetensors image, parsed, and the data bytes after it.</summary>
    private static JsonDocument Header(ReadOnlySpan<byte> bytes, string source, out ReadOnlySpan<byte> data)
    {
        if (bytes.Length < 8)
        {
            throw Bad(source, $"the file has {bytes.Length} bytes, fewer than the 8-byte header length");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderLength || headerLength > (ulong)(bytes.Length - 8))
        {
            throw Bad(source, $"the header length {headerLength} exceeds the {bytes.Length - 8} bytes that follow it");
        }

        data = bytes.Slice(8 + (int)headerLength);
        try
        {
            return JsonDocument.Parse(bytes.Slice(8, (int)headerLength).ToArray());
        }
        catch (JsonException ex)
        {
            throw Bad(source, "the header is not valid JSON: " + ex.Message);
        }
    }

    private static SafetensorsTensor ReadTensor(JsonProperty property, ReadOnlySpan<byte> data, string source, out long begin, out long end)
    {
        string name = property.Name;
        JsonElement e = property.Value;
        if (e.ValueKind != JsonValueKind.Object ||
            !e.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String ||
            !e.TryGetProperty("shape", out JsonElement shapeElement) || shapeElement.ValueKind != JsonValueKind.Array ||
            !e.TryGetProperty("data_offsets", out JsonElement offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array || offsetsElement.GetArrayLength() != 2)
        {
            throw Bad(source, $"tensor '{name}' lacks a dtype, a shape or two data_offsets");
        }

        string dtype = dtypeElement.GetString()!;
        int size = dtype switch { "F32" => 4, "F64" => 8, "F16" => 2, "BF16" => 2, _ => 0 };
        if (size == 0)
        {
            throw Bad(source, $"tensor '{name}' has dtype {dtype}; RnnGen reads F32, F64, F16 and BF16");
        }

        var shape = new int[shapeElement.GetArrayLength()];
        long count = 1;
        int k = 0;
        foreach (JsonElement d in shapeElement.EnumerateArray())
        {
            if (!d.TryGetInt32(out int dim) || dim < 0)
            {
                throw Bad(source, $"tensor '{name}' has an invalid shape {shapeElement.GetRawText()}");
            }

            shape[k++] = dim;
            count *= dim;
        }

        if (!offsetsElement[0].TryGetInt64(out begin) || !offsetsElement[1].TryGetInt64(out end) || begin < 0 || end < begin || end > data.Length)
        {
            throw Bad(source, $"tensor '{name}' has data_offsets {offsetsElement.GetRawText()} outside the {data.Length} data bytes");
        }

        if (end - begin != count * size)
        {
            throw Bad(source, $"tensor '{name}' of shape [{string.Join(", ", shape)}] and dtype {dtype} needs {count * size} bytes but its data_offsets span {end - begin}");
        }

        ReadOnlySpan<byte> raw = data.Slice((int)begin, (int)(end - begin));
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = dtype switch
            {
                "F32" => BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * 4)),
                "F64" => (float)BinaryPrimitives.ReadDoubleLittleEndian(raw.Slice(i * 8)),
                "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(raw.Slice(i * 2)),
                _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(raw.Slice(i * 2)) << 16),
            };
        }

        return new SafetensorsTensor(name, dtype, shape, values);
    }

    private static InvalidDataException Bad(string source, string problem) => new($"{source}: not a valid safetensors file: {problem}.");
}
