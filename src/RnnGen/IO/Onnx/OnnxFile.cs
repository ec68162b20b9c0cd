using System.Buffers.Binary;
using S = RnnGen.IO.Onnx.OnnxSchema;

namespace RnnGen.IO.Onnx;

/// <summary>A float tensor of an ONNX file (an initializer or a <c>Constant</c> node's value); <see cref="Values"/> is null for other element types.</summary>
internal sealed record OnnxTensor(string Name, long[] Shape, float[]? Values)
{
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>A node of an ONNX graph with its attributes (ints, floats, strings and lists of them).</summary>
internal sealed record OnnxNode(string Name, string OpType, string[] Inputs, string[] Outputs, IReadOnlyDictionary<string, object> Attributes)
{
    public long Int(string name, long fallback) => Attributes.TryGetValue(name, out object? v) && v is long i ? i : fallback;

    public string? Text(string name) => Attributes.TryGetValue(name, out object? v) ? v as string : null;

    public string[]? Texts(string name) => Attributes.TryGetValue(name, out object? v) ? v as string[] : null;

    /// <summary>The input at <paramref name="index"/>, or null when it is absent or empty (an omitted optional input).</summary>
    public string? Input(int index) => index < Inputs.Length && Inputs[index].Length > 0 ? Inputs[index] : null;

    public string Label => $"'{(Name.Length > 0 ? Name : Outputs.FirstOrDefault() ?? "?")}' ({OpType})";
}

/// <summary>The parts of an ONNX ModelProto that weight import needs: the main graph's nodes in order and its constant tensors.</summary>
internal sealed class OnnxFile
{
    private OnnxFile(List<OnnxNode> nodes, Dictionary<string, OnnxTensor> tensors)
    {
        Nodes = nodes;
        Tensors = tensors;
    }

    public IReadOnlyList<OnnxNode> Nodes { get; }

    /// <summary>Initializers and Constant node outputs by name.</summary>
    public IReadOnlyDictionary<string, OnnxTensor> Tensors { get; }

    public static OnnxFile Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            return Parse(bytes);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a readable ONNX model: {e.Message}", e);
        }
    }

    public static OnnxFile Parse(ReadOnlyMemory<byte> bytes)
    {
        ProtoField? graph = null;
        foreach (ProtoField f in ProtoReader.Fields(bytes))
        {
            if (f.Number == S.Model.Graph && f.WireType == 2)
            {
                graph = f;
            }
        }

        if (graph is null)
        {
            throw new InvalidDataException("the ModelProto has no graph (field 7).");
        }

        var nodes = new List<OnnxNode>();
        var tensors = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        foreach (ProtoField f in ProtoReader.Fields(graph.Value.Bytes))
        {
            if (f.WireType != 2)
            {
                continue;
            }

            if (f.Number == S.Graph.Initializer)
            {
                OnnxTensor t = Tensor(f.Bytes);
                tensors[t.Name] = t;
            }
            else if (f.Number == S.Graph.Node)
            {
                OnnxNode node = Node(f.Bytes);
                if (node.OpType == "Constant" && node.Attributes.TryGetValue("value", out object? value) && value is OnnxTensor constant && node.Outputs.Length == 1)
                {
                    tensors[node.Outputs[0]] = constant with { Name = node.Outputs[0] };
                }

                nodes.Add(node);
            }
        }

        return new OnnxFile(nodes, tensors);
    }

    private static OnnxNode Node(ReadOnlyMemory<byte> message)
    {
        string name = string.Empty, op = string.Empty;
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (ProtoField f in ProtoReader.Fields(message))
        {
            switch (f.Number)
            {
                case S.Node.Input: inputs.Add(f.Text); break;
                case S.Node.Output: outputs.Add(f.Text); break;
                case S.Node.Name: name = f.Text; break;
                case S.Node.OpType: op = f.Text; break;
                case S.Node.Attribute:
                    (string key, object? value) = Attribute(f.Bytes);
                    if (value is not null)
                    {
                        attributes[key] = value;
                    }

                    break;
            }
        }

        return new OnnxNode(name, op, [.. inputs], [.. outputs], attributes);
    }

    private static (string Name, object? Value) Attribute(ReadOnlyMemory<byte> message)
    {
        List<ProtoField> fields = ProtoReader.Fields(message);
        string name = fields.FirstOrDefault(f => f.Number == S.Attribute.Name).Text ?? string.Empty;
        long type = fields.FirstOrDefault(f => f.Number == S.Attribute.Type).Int64;
        object? value = type switch
        {
            S.Attribute.TypeInt => fields.FirstOrDefault(f => f.Number == S.Attribute.I).Int64,
            S.Attribute.TypeFloat => fields.FirstOrDefault(f => f.Number == S.Attribute.F).Float,
            S.Attribute.TypeString => fields.FirstOrDefault(f => f.Number == S.Attribute.S).Text,
            S.Attribute.TypeTensor => fields.Where(f => f.Number == S.Attribute.T).Select(f => Tensor(f.Bytes)).FirstOrDefault(),
            S.Attribute.TypeInts => ProtoReader.Int64s(fields, S.Attribute.Ints).ToArray(),
            S.Attribute.TypeStrings => fields.Where(f => f.Number == S.Attribute.Strings).Select(f => f.Text).ToArray(),
            _ => null,
        };
        return (name, value);
    }

    private static OnnxTensor Tensor(ReadOnlyMemory<byte> message)
    {
        List<ProtoField> fields = ProtoReader.Fields(message);
        long[] dims = [.. ProtoReader.Int64s(fields, S.Tensor.Dims)];
        string name = fields.Where(f => f.Number == S.Tensor.Name).Select(f => f.Text).FirstOrDefault() ?? string.Empty;
        long dataType = fields.Where(f => f.Number == S.Tensor.DataType).Select(f => f.Int64).FirstOrDefault();
        if (fields.Any(f => f.Number == S.Tensor.DataLocation && f.Int64 == 1))
        {
            throw new InvalidDataException($"tensor '{name}' keeps its data in an external file, which RnnGen does not read; save the model with its weights inside.");
        }

        long count = 1;
        foreach (long d in dims)
        {
            count *= d;
        }

        float[]? values = null;
        ReadOnlyMemory<byte> raw = fields.Where(f => f.Number == S.Tensor.RawData).Select(f => f.Bytes).FirstOrDefault();
        if (dataType == S.Tensor.Float)
        {
            values = new float[count];
            if (!raw.IsEmpty)
            {
                Expect(name, raw.Length, count * 4);
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Span.Slice(i * 4));
                }
            }
            else
            {
                var data = new List<float>();
                foreach (ProtoField f in fields.Where(f => f.Number == S.Tensor.FloatData))
                {
                    if (f.WireType == 5)
                    {
                        data.Add(f.Float);
                    }
                    else
                    {
                        for (int i = 0; i + 4 <= f.Bytes.Length; i += 4)
                        {
                            data.Add(BinaryPrimitives.ReadSingleLittleEndian(f.Bytes.Span.Slice(i)));
                        }
                    }
                }

                Expect(name, data.Count * 4, count * 4);
                data.CopyTo(values);
            }
        }
        else if (dataType == S.Tensor.Double && !raw.IsEmpty)
        {
            Expect(name, raw.Length, count * 8);
            values = new float[count];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(raw.Span.Slice(i * 8));
            }
        }

        return new OnnxTensor(name, dims, values);
    }

    private static void Expect(string name, long bytes, long expected)
    {
        if (bytes != expected)
        {
            throw new InvalidDataException($"tensor '{name}' holds {bytes} bytes of data but its shape needs {expected}.");
        }
    }
}
