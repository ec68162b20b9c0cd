using System.Buffers.Binary;
using System.Text;

namespace RnnGen.IO.Onnx;

/// <summary>
/// Writes protocol-buffers wire format into a growable buffer: varints (wire type 0), 32-bit floats (5) and
/// length-delimited bytes, strings, packed arrays and nested messages (2). Enough for the ONNX messages RnnGen writes.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _buffer = new();

    public ReadOnlySpan<byte> Written => _buffer.GetBuffer().AsSpan(0, (int)_buffer.Length);

    public ProtoWriter Varint(int field, long value)
    {
        Tag(field, 0);
        RawVarint((ulong)value);
        return this;
    }

    public ProtoWriter Float(int field, float value)
    {
        Tag(field, 5);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write(bytes);
        return this;
    }

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, 2);
        RawVarint((ulong)value.Length);
        _buffer.Write(value);
        return this;
    }

    public ProtoWriter Message(int field, ProtoWriter message) => Bytes(field, message.Written);

    public ProtoWriter PackedInt64(int field, ReadOnlySpan<long> values)
    {
        var packed = new ProtoWriter();
        foreach (long v in values)
        {
            packed.RawVarint((ulong)v);
        }

        return Bytes(field, packed.Written);
    }

    /// <summary>Float32 values as little-endian bytes (a tensor's <c>raw_data</c>).</summary>
    public static byte[] LittleEndian(ReadOnlySpan<float> values)
    {
        byte[] bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    /// <summary>Int64 values as little-endian bytes (a tensor's <c>raw_data</c>).</summary>
    public static byte[] LittleEndian(ReadOnlySpan<long> values)
    {
        byte[] bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        }

        return bytes;
    }

    private void Tag(int field, int wireType) => RawVarint((ulong)((field << 3) | wireType));

    private void RawVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        _buffer.WriteByte((byte)value);
    }
}
