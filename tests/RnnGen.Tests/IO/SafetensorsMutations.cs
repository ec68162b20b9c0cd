using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RnnGen.Tests.IO;

/// <summary>What loading a mutated file must do.</summary>
public enum Outcome
{
    /// <summary>The file is still valid: it loads, to the tensors a plain reading gives.</summary>
    MustLoad,
    /// <summary>The file is invalid: one exception naming the file (and <see cref="Mutation.Tensor"/> when set).</summary>
    MustFail,
    /// <summary>Either, but a load must give the tensors a plain reading gives.</summary>
    Either,
}

/// <summary>A file mutated from a valid one, what loading it must do, and the tensor a rejection must name.</summary>
public sealed record Mutation(string Kind, byte[] Bytes, Outcome Expect, string? Tensor = null);

/// <summary>Makes hostile safetensors files from a valid one: truncations, bit flips, header edits, duplicates, stray bytes, non-finite values.</summary>
public static class SafetensorsMutations
{
    public const int KindCount = 12;

    private static readonly string[] HostileDTypes = ["\"F64\"", "\"F16\"", "\"BF16\"", "\"I64\"", "\"f32\"", "\"\"", "null", "32", "[\"F32\"]", "{}"];

    private static readonly string[] HostileShapes =
    [
        "\"16\"", "null", "[-1]", "[2147483648]", "[65536,65536,65536,65536]", "[2147483647,2147483647,2147483647]", "[]", "[1.5]",
        "{}", "true", "[\"3\"]", "[0]", "[null]", "[4611686018427387904,4]", "[1e400]",
    ];

    private static readonly string[] HostileOffsets =
    [
        "[\"0\",\"4\"]", "null", "[-4,0]", "[0]", "[0,4,8]", "[1e20,1e20]", "[9223372036854775807,9223372036854775807]",
        "[18446744073709551615,0]", "\"0-4\"", "[null,4]", "[0.5,4]", "{}",
    ];

    public static Mutation Make(byte[] good, Random random, int kind)
    {
        Parts p = Parts.Of(good);
        string tensor = p.Tensors[random.Next(p.Tensors.Count)];
        switch (kind)
        {
            case 0:
                return new("truncated", good[..random.Next(good.Length)], Outcome.MustFail);
            case 1:
                return new("header bit flip", Flip(good, random.Next(8 + p.HeaderLength), random), Outcome.Either);
            case 2:
                return DataBitFlip(good, p, random);
            case 3:
                return Edit(p, tensor, "dtype", HostileDTypes[random.Next(HostileDTypes.Length)]);
            case 4:
                return Edit(p, tensor, "shape", HostileShape(p, tensor, random));
            case 5:
                return Edit(p, tensor, "data_offsets", HostileOffset(p, tensor, random));
            case 6:
                return Duplicate(p, tensor, random);
            case 7:
                byte[] tail = new byte[1 + random.Next(64)];
                random.NextBytes(tail);
                return new("trailing bytes", [.. good, .. tail], Outcome.MustFail, p.LastByOffset);
            case 8:
                return HeaderLength(good, p, random);
            case 9:
                return NonFinite(good, p, tensor, random);
            case 10:
                return Benign(p, random);
            default:
                return ByteEdit(good, p, random);
        }
    }

    /// <summary>The tensors of a valid file, decoded by a reader independent of RnnGen's: F32 data at each tensor's offsets.</summary>
    public static Dictionary<string, float[]> PlainReading(byte[] bytes)
    {
        Parts p = Parts.Of(bytes);
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (string name in p.Tensors)
        {
            JsonNode entry = p.Header[name]!;
            Assert.Equal("F32", (string?)entry["dtype"]);
            long begin = (long)entry["data_offsets"]![0]!, end = (long)entry["data_offsets"]![1]!;
            var values = new float[(end - begin) / 4];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(p.Data.AsSpan((int)begin + 4 * i));
            }

            result.Add(name, values);
        }

        return result;
    }

    private static Mutation DataBitFlip(byte[] good, Parts p, Random random)
    {
        int offset = random.Next(p.Data.Length);
        byte[] bytes = Flip(good, p.DataStart + offset, random);
        string tensor = p.TensorAt(offset);
        float value = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(p.DataStart + offset / 4 * 4));
        return float.IsFinite(value) ? new("data bit flip", bytes, Outcome.MustLoad) : new("data bit flip to non-finite", bytes, Outcome.MustFail, tensor);
    }

    private static Mutation NonFinite(byte[] good, Parts p, string tensor, Random random)
    {
        (long begin, long end) = p.Offsets(tensor);
        int index = random.Next((int)(end - begin) / 4);
        float value = random.Next(4) switch
        {
            0 => float.PositiveInfinity,
            1 => float.NegativeInfinity,
            2 => float.NaN,
            _ => BitConverter.Int32BitsToSingle(0x7F800000 | (1 + random.Next(0x7FFFFF))), // a NaN with a payload
        };
        byte[] bytes = (byte[])good.Clone();
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(p.DataStart + (int)begin + 4 * index), value);
        return new("non-finite value", bytes, Outcome.MustFail, tensor);
    }

    private static Mutation Edit(Parts p, string tensor, string field, string json)
    {
        JsonObject header = p.CloneHeader();
        header[tensor]![field] = JsonNode.Parse(json);
        return new($"{field} = {json}", p.With(header.ToJsonString()), Outcome.MustFail, tensor);
    }

    private static string HostileShape(Parts p, string tensor, Random random)
    {
        int[] shape = p.Header[tensor]!["shape"]!.AsArray().Select(d => (int)d!).ToArray();
        int count = shape.Aggregate(1, (a, b) => a * b);
        string[] sameCount = [$"[{count}]", $"[{string.Join(",", shape.Reverse())}]", $"[1,{string.Join(",", shape)}]", $"[{count},1]"];
        string[] pool = [.. HostileShapes, .. sameCount.Where(s => s != $"[{string.Join(",", shape)}]")];
        return pool[random.Next(pool.Length)];
    }

    private static string HostileOffset(Parts p, string tensor, Random random)
    {
        (long b, long e) = p.Offsets(tensor);
        string other = p.Tensors.First(t => t != tensor);
        (long ob, long oe) = p.Offsets(other);
        string[] relative =
        [
            $"[{b + 4},{e + 4}]", $"[{b - 4},{e - 4}]", $"[{e},{b}]", $"[{b},{e + 4}]", $"[{b},{e - 4}]", $"[{ob},{oe}]",
            $"[{b},{e + p.Data.Length}]", $"[{b + 2147483648L},{e + 2147483648L}]",
        ];
        string[] pool = [.. HostileOffsets, .. relative];
        return pool[random.Next(pool.Length)];
    }

    /// <summary>The tensor's entry (or the metadata) twice in the header text: JSON allows it, a weight file must not.</summary>
    private static Mutation Duplicate(Parts p, string tensor, Random random)
    {
        using JsonDocument document = JsonDocument.Parse(p.HeaderText);
        bool metadata = random.Next(5) == 0 && document.RootElement.TryGetProperty("__metadata__", out _);
        string name = metadata ? "__metadata__" : tensor;
        string raw = document.RootElement.GetProperty(name).GetRawText();
        if (!metadata && random.Next(2) == 0)
        {
            // a reformatted copy: the same entry, so only the name gives it away
            raw = raw.Replace("\"F32\"", "\"F32\" ", StringComparison.Ordinal);
        }

        string text = "{" + JsonSerializer.Serialize(name) + ":" + raw + "," + p.HeaderText.TrimStart()[1..];
        return new(metadata ? "duplicate metadata" : "duplicate tensor", p.With(text), Outcome.MustFail, metadata ? "__metadata__" : tensor);
    }

    private static Mutation HeaderLength(byte[] good, Parts p, Random random)
    {
        ulong[] lengths =
        [
            0, 1, (ulong)p.HeaderLength - 1, (ulong)p.HeaderLength + 1, (ulong)p.HeaderLength + 8, (ulong)good.Length, (ulong)good.Length - 8,
            (1UL << 32) + (ulong)p.HeaderLength, 1UL << 63, ulong.MaxValue, 100_000_001,
        ];
        ulong length = lengths[random.Next(lengths.Length)];
        byte[] bytes = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
        return new($"header length {length}", bytes, length >= (ulong)good.Length - 8 || length < 2 ? Outcome.MustFail : Outcome.Either);
    }

    /// <summary>Rewrites that keep the file valid: tensors in another order, more padding, other metadata.</summary>
    private static Mutation Benign(Parts p, Random random)
    {
        var header = new JsonObject();
        if (random.Next(2) == 0)
        {
            header["__metadata__"] = new JsonObject { ["format"] = "pt", ["note"] = "mutated " + random.Next() };
        }

        foreach (string name in p.Tensors.OrderBy(_ => random.Next()))
        {
            header[name] = p.Header[name]!.DeepClone();
        }

        string text = header.ToJsonString() + new string(' ', random.Next(40));
        return new("benign rewrite", p.With(text), Outcome.MustLoad);
    }

    /// <summary>A byte of the header replaced, removed or inserted (the length field kept).</summary>
    private static Mutation ByteEdit(byte[] good, Parts p, Random random)
    {
        int at = 8 + random.Next(p.HeaderLength);
        const string Bytes = "{}[]\",:-0123456789e. \\x\u00ff";
        byte b = (byte)Bytes[random.Next(Bytes.Length)];
        List<byte> bytes = [.. good];
        switch (random.Next(3))
        {
            case 0: bytes[at] = b; break;
            case 1: bytes.RemoveAt(at); break;
            default: bytes.Insert(at, b); break;
        }

        return new("header byte edit", [.. bytes], Outcome.Either);
    }

    private static byte[] Flip(byte[] good, int at, Random random)
    {
        byte[] bytes = (byte[])good.Clone();
        bytes[at] ^= (byte)(1 << random.Next(8));
        return bytes;
    }

    /// <summary>A valid file taken apart: header JSON, tensor names in header order, data bytes.</summary>
    private sealed record Parts(int HeaderLength, string HeaderText, JsonObject Header, List<string> Tensors, byte[] Data)
    {
        public int DataStart => 8 + HeaderLength;

        public string LastByOffset => Tensors.OrderBy(t => Offsets(t).End).Last();

        public static Parts Of(byte[] bytes)
        {
            int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            string text = Encoding.UTF8.GetString(bytes, 8, n);
            var header = (JsonObject)JsonNode.Parse(text)!;
            List<string> tensors = [.. header.Select(kv => kv.Key).Where(k => k != "__metadata__")];
            return new Parts(n, text, header, tensors, bytes[(8 + n)..]);
        }

        public (long Begin, long End) Offsets(string tensor) =>
            ((long)Header[tensor]!["data_offsets"]![0]!, (long)Header[tensor]!["data_offsets"]![1]!);

        public string TensorAt(int dataOffset) => Tensors.First(t => Offsets(t).Begin <= dataOffset && dataOffset < Offsets(t).End);

        public JsonObject CloneHeader() => (JsonObject)Header.DeepClone();

        /// <summary>The file with <paramref name="headerText"/> as its header (padded to 8 bytes) and the same data.</summary>
        public byte[] With(string headerText)
        {
            byte[] h = Encoding.UTF8.GetBytes(headerText);
            int padded = (h.Length + 7) / 8 * 8;
            byte[] bytes = new byte[8 + padded + Data.Length];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)padded);
            h.CopyTo(bytes, 8);
            bytes.AsSpan(8 + h.Length, padded - h.Length).Fill((byte)' ');
            Data.CopyTo(bytes, 8 + padded);
            return bytes;
        }
    }
}
