using System.Buffers.Binary;

namespace RnnGen.IO.Onnx;

/// <summary>One field of a protocol-buffers message: its number, wire type and value (a varint, fixed bits or a byte range).</summary>
internal readonly record struct ProtoField(int Number, int WireType, ulong Scalar, ReadOnlyMemory<byte> Bytes)
{
    public long Int64 => (long)Scalar;

    public float Float => BitConverter.Int32BitsToSingle((int)Scalar);

    public string Text => System.Text.Encoding.UTF8.GetString(Bytes.Span);
}

/// <summary>Reads the fields of one protocol-buffers message; a truncated or malformed message is an <see cref="InvalidDataException"/>.</summary>
internal static class ProtoReader
{
    public static List<ProtoField> Fields(ReadOnlyMemory<byte> message)
    {
        var fields = new List<ProtoField>();
        ReadOnlySpan<byte> span = message.Span;
        int position = 0;
        while (position < span.Length)
        {
            ulong tag = Varint(span, ref position);
            int number = (int)(tag >> 3), wireType = (int)(tag & 7);
            switch (wireType)
            {
                case 0:
                    fields.Add(new ProtoField(number, 0, Varint(span, ref position), default));
                    break;
                case 1:
                    Need(span, position, 8);
                    fields.Add(new ProtoField(number, 1, BinaryPrimitives.ReadUInt64LittleEndian(span.Slice(position)), default));
                    position += 8;
                    break;
                case 2:
                    ulong length = Varint(span, ref position);
                    if (length > (ulong)(span.Length - position))
                    {
                        throw new InvalidDataException($"protobuf: field {number} says {length} bytes but {span.Length - position} are left.");
                    }

                    fields.Add(new ProtoField(number, 2, 0, message.Slice(position, (int)length)));
                    position += (int)length;
                    break;
                case 5:
                    Need(span, position, 4);
                    fields.Add(new ProtoField(number, 5, BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(position)), default));
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"protobuf: field {number} has wire type {wireType}, which this reader does not know (not an ONNX file?).");
            }
        }

        return fields;
    }

    /// <summary>A repeated int64 field, packed or not.</summary>
    public static List<long> Int64s(List<ProtoField> fields, int number)
    {
        var values = new List<long>();
        foreach (ProtoField f in fields)
        {
            if (f.Number != number)
            {
                continue;
            }

            if (f.WireType == 0)
            {
                values.Add(f.Int64);
            }
            else if (f.WireType == 2)
            {
                ReadOnlySpan<byte> packed = f.Bytes.Span;
                int p = 0;
                while (p < packed.Length)
                {
                    values.Add((long)Varint(packed, ref p));
                }
            }
        }

        return values;
    }

    private static ulong Varint(ReadOnlySpan<byte> span, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            Need(span, position, 1);
            byte b = span[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("protobuf: a varint longer than 10 bytes.");
    }

    private static void Need(ReadOnlySpan<byte> span, int position, int count)
    {
        if (position + count > span.Length)
        {
            throw new InvalidDataException($"protobuf: the message ends at byte {span.Length} inside a field that needs {count} more from byte {position}.");
        }
    }
}
