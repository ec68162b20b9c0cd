using System.Buffers.Binary;
using System.Text.Json;

namespace RnnGen.IO;

/// <summary>
/// Reads and validates a safetensors file. Every defect throws <see cref="InvalidDataException"/> naming the file and,
/// where it is one tensor's, the tensor: a header that is not a JSON object of tensors, a duplicate name, a dtype other
/// than F32, F64, F16 or BF16, a shape or data_offsets that are not non-negative integers, a byte range that does not
/// match its shape or lies outside the data, data bytes that belong to no tensor or to two, and (unless
/// <see cref="WeightLoadOptions.AllowNonFinite"/>) a NaN or infinite value. The whole header is checked against the
/// file's size before any tensor is allocated, so no header makes the reader allocate more than the file holds.
/// </summary>
public static class SafetensorsReader
{
    /// <summary>Largest header accepted (the reference implementation's limit).</summary>
    public const long MaxHeaderLength = 100_000_000;

    private const string Metadata = "__metadata__";

    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 8 };

    /// <summary>Reads every tensor of <paramref name="path"/>, converted to float32.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or a folder.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file.</exception>
    public static IReadOnlyDictionary<string, SafetensorsTensor> Read(string path, WeightLoadOptions? options = null)
        => Read(WeightFileSource.ReadAllBytes(path), path, options);

    /// <summary>Reads every tensor of a safetensors image in memory; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="InvalidDataException">The image is not a valid safetensors file.</exception>
    public static IReadOnlyDictionary<string, SafetensorsTensor> Read(ReadOnlySpan<byte> bytes, string source, WeightLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        options ??= WeightLoadOptions.Default;
        List<Entry> entries = Entries(bytes, source, out ReadOnlySpan<byte> data, out _);
        var result = new Dictionary<string, SafetensorsTensor>(entries.Count, StringComparer.Ordinal);
        foreach (Entry entry in entries)
        {
            float[] values = Decode(entry, data.Slice((int)entry.Begin, (int)(entry.End - entry.Begin)));
            if (!options.AllowNonFinite)
            {
                int bad = NonFinite.IndexOf(values);
                if (bad >= 0)
                {
                    throw WeightFileError.Create(source, entry.Name, $"{source}: tensor '{entry.Name}' holds {NonFinite.Text(values[bad])} at index {bad}; {NonFinite.Advice}.");
                }
            }

            result.Add(entry.Name, new SafetensorsTensor(entry.Name, entry.DType, entry.Shape, values));
        }

        return result;
    }

    /// <summary>The string entries of the header's <c>__metadata__</c> object of a safetensors image (empty when it has none).</summary>
    /// <exception cref="InvalidDataException">The image is not a valid safetensors file.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(ReadOnlySpan<byte> bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Entries(bytes, source, out _, out Dictionary<string, string> metadata);
        return metadata;
    }

    private sealed record Entry(string Name, string DType, int ElementSize, int[] Shape, long Begin, long End);

    /// <summary>The tensors the header declares, every one checked against the data bytes, sorted by offset.</summary>
    private static List<Entry> Entries(ReadOnlySpan<byte> bytes, string source, out ReadOnlySpan<byte> data, out Dictionary<string, string> metadata)
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
        ReadOnlySpan<byte> headerBytes = bytes.Slice(8, (int)headerLength);
        if (!System.Text.Unicode.Utf8.IsValid(headerBytes))
        {
            // JsonDocument checks UTF-8 only when a string is read, which would throw InvalidOperationException later
            throw Bad(source, "the header is not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerBytes.ToArray(), JsonOptions);
        }
        catch (JsonException ex)
        {
            throw Bad(source, "the header is not valid JSON: " + ex.Message);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Bad(source, $"the header is a JSON {document.RootElement.ValueKind}, not an object of tensors");
            }

            metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            bool sawMetadata = false;
            var entries = new List<Entry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (property.Name == Metadata)
                {
                    if (sawMetadata)
                    {
                        throw Bad(source, $"the header has two '{Metadata}' entries");
                    }

                    sawMetadata = true;
                    ReadMetadata(property.Value, source, metadata);
                    continue;
                }

                if (!names.Add(property.Name))
                {
                    throw BadTensor(source, property.Name, "appears twice in the header");
                }

                entries.Add(ReadEntry(property, data.Length, source));
            }

            CheckCoverage(entries, data.Length, source);
            return entries;
        }
    }

    private static void ReadMetadata(JsonElement element, string source, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Bad(source, $"'{Metadata}' is a JSON {element.ValueKind}, not an object of strings");
        }

        foreach (JsonProperty entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw Bad(source, $"metadata entry '{entry.Name}' is not a string");
            }

            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
            {
                throw Bad(source, $"metadata entry '{entry.Name}' appears twice");
            }
        }
    }

    private static Entry ReadEntry(JsonProperty property, int dataLength, string source)
    {
        string name = property.Name;
        if (property.Value.ValueKind != JsonValueKind.Object)
        {
            throw BadTensor(source, name, $"is a JSON {property.Value.ValueKind}, not an object with dtype, shape and data_offsets");
        }

        JsonElement? dtypeElement = null, shapeElement = null, offsetsElement = null;
        foreach (JsonProperty field in property.Value.EnumerateObject())
        {
            ref JsonElement? slot = ref dtypeElement;
            switch (field.Name)
            {
                case "dtype": break;
                case "shape": slot = ref shapeElement; break;
                case "data_offsets": slot = ref offsetsElement; break;
                default: continue;
            }

            if (slot is not null)
            {
                throw BadTensor(source, name, $"has two '{field.Name}' fields");
            }

            slot = field.Value;
        }

        if (dtypeElement is not { ValueKind: JsonValueKind.String } dtypeValue)
        {
            throw BadTensor(source, name, $"has dtype {Raw(dtypeElement)}; expected a string");
        }

        string dtype = dtypeValue.GetString()!;
        int size = dtype switch { "F32" => 4, "F64" => 8, "F16" => 2, "BF16" => 2, _ => 0 };
        if (size == 0)
        {
            throw BadTensor(source, name, $"has dtype {dtype}; RnnGen reads F32, F64, F16 and BF16");
        }

        int[] shape = Shape(shapeElement, name, source);
        if (offsetsElement is not { ValueKind: JsonValueKind.Array } offsets || offsets.GetArrayLength() != 2
            || !Offset(offsets[0], out long begin) || !Offset(offsets[1], out long end))
        {
            throw BadTensor(source, name, $"has data_offsets {Raw(offsetsElement)}; expected [begin, end], two non-negative integers");
        }

        if (end < begin || end > dataLength)
        {
            throw BadTensor(source, name, $"has data_offsets [{begin}, {end}] outside the {dataLength} data bytes");
        }

        // The element count is compared with the bytes the offsets span without ever forming a product that overflows.
        long span = end - begin, count = shape.Contains(0) ? 0 : 1;
        foreach (int d in shape)
        {
            if (count > 0 && count > span / size / d)
            {
                throw BadTensor(source, name, $"of shape [{string.Join(", ", shape)}] and dtype {dtype} needs more bytes than the {span} its data_offsets span");
            }

            count *= d;
        }

        if (count * size != span)
        {
            throw BadTensor(source, name, $"of shape [{string.Join(", ", shape)}] and dtype {dtype} needs {count * size} bytes but its data_offsets span {span}");
        }

        return new Entry(name, dtype, size, shape, begin, end);
    }

    private static int[] Shape(JsonElement? element, string name, string source)
    {
        if (element is { ValueKind: JsonValueKind.Array } array)
        {
            var shape = new int[array.GetArrayLength()];
            int k = 0;
            foreach (JsonElement d in array.EnumerateArray())
            {
                if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out shape[k]) || shape[k] < 0)
                {
                    break;
                }

                k++;
            }

            if (k == shape.Length)
            {
                return shape;
            }
        }

        throw BadTensor(source, name, $"has shape {Raw(element)}; expected an array of non-negative integers");
    }

    private static bool Offset(JsonElement element, out long value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value) && value >= 0;
    }

    /// <summary>Every data byte belongs to exactly one tensor: no gap, no overlap, nothing after the last tensor.</summary>
    private static void CheckCoverage(List<Entry> entries, int dataLength, string source)
    {
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long position = 0;
        Entry? previous = null;
        foreach (Entry entry in entries)
        {
            if (entry.Begin < position)
            {
                throw BadTensor(source, entry.Name, $"overlaps tensor '{previous!.Name}': data_offsets [{entry.Begin}, {entry.End}] and [{previous.Begin}, {previous.End}]");
            }

            if (entry.Begin > position)
            {
                string after = previous is null ? "the header" : $"tensor '{previous.Name}'";
                throw BadTensor(source, entry.Name, $"starts at data byte {entry.Begin} but {after} ends at {position}: bytes {position}..{entry.Begin} belong to no tensor");
            }

            position = entry.End;
            previous = entry;
        }

        if (position != dataLength)
        {
            string last = previous is null ? "the header (the file has no tensors)" : $"the last tensor '{previous.Name}'";
            throw WeightFileError.Create(source, previous?.Name, $"{source}: not a valid safetensors file: {dataLength - position} bytes after {last} belong to no tensor.");
        }
    }

    private static float[] Decode(Entry entry, ReadOnlySpan<byte> raw)
    {
        var values = new float[raw.Length / entry.ElementSize];
        switch (entry.DType)
        {
            case "F32":
                for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * 4));
                break;
            case "F64":
                for (int i = 0; i < values.Length; i++) values[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(raw.Slice(i * 8));
                break;
            case "F16":
                for (int i = 0; i < values.Length; i++) values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(raw.Slice(i * 2));
                break;
            default:
                for (int i = 0; i < values.Length; i++) values[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(raw.Slice(i * 2)) << 16);
                break;
        }

        return values;
    }

    private static string Raw(JsonElement? element)
    {
        if (element is null)
        {
            return "(missing)";
        }

        string text = element.Value.GetRawText();
        return text.Length <= 80 ? text : text[..80] + "…";
    }

    private static InvalidDataException Bad(string source, string problem) => WeightFileError.Create(source, null, $"{source}: not a valid safetensors file: {problem}.");

    private static InvalidDataException BadTensor(string source, string tensor, string problem) =>
        WeightFileError.Create(source, tensor, $"{source}: not a valid safetensors file: tensor '{tensor}' {problem}.");
}
