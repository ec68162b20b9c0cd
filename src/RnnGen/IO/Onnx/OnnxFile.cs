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

    /// <summary>Reads and parses <paramref name="path"/>; every defect is a <see cref="InvalidDataException"/> naming the file (and the tensor where it is one tensor's).</summary>
    public static OnnxFile Read(string path)
    {
        byte[] bytes = WeightFileSource.ReadAllBytes(path);
        try
        {
            return Parse(bytes);
        }
        catch (InvalidDataException e)
        {
            string? tensor = e.Data["tensor"] as string;
            throw WeightFileError.Create(path, tensor, $"{path}: not a readable ONNX model: {e.Message}", e);
        }
    }

    public static OnnxFile Parse(ReadOnlyMemory<byte> bytes)
    {
        ProtoField? graph = null;
        foreach (ProtoField f in ProtoReader.Fields(bytes))
        {
            if (f.Number == S.Model.Graph && f.WireType == 2)
            {
                if (graph is not null)
                {
                    throw new InvalidDataException("the ModelProto has two graphs (field 7).");
                }

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
                Add(tensors, Tensor(f.Bytes));
            }
            else if (f.Number == S.Graph.Node)
            {
                OnnxNode node = Node(f.Bytes);
                if (node.OpType == "Constant" && node.Attributes.TryGetValue("value", out object? value) && value is OnnxTensor constant && node.Outputs.Length == 1)
                {
                    Add(tensors, constant with { Name = node.Outputs[0] });
                }

                nodes.Add(node);
            }
        }

        return new OnnxFile(nodes, tensors);
    }

    /// <summary>A second initializer (or Constant output) of one name would make the weights depend on which one wins.</summary>
    private static void Add(Dictionary<string, OnnxTensor> tensors, OnnxTensor tensor)
    {
        if (!tensors.TryAdd(tensor.Name, tensor))
        {
            throw Bad(tensor.Name, $"tensor '{tensor.Name}' is defined twice (initializers or Constant outputs).");
        }
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
            throw Bad(name, $"tensor '{name}' keeps its data in an external file, which RnnGen does not read; save the model with its weights inside.");
        }

        ReadOnlyMemory<byte> raw = fields.Where(f => f.Number == S.Tensor.RawData).Select(f => f.Bytes).FirstOrDefault();
        if (dataType != S.Tensor.Float && !(dataType == S.Tensor.Double && !raw.IsEmpty))
        {
            return new OnnxTensor(name, dims, null);
        }

        int size = dataType == S.Tensor.Float ? 4 : 8;
        List<ProtoField> floatData = dataType == S.Tensor.Float && raw.IsEmpty ? [.. fields.Where(f => f.Number == S.Tensor.FloatData)] : [];
        foreach (ProtoField f in floatData)
        {
            if (f.WireType != 5 && (f.WireType != 2 || f.Bytes.Length % 4 != 0))
            {
                throw Bad(name, $"tensor '{name}' has float_data that is neither a float nor packed floats (wire type {f.WireType}, {f.Bytes.Length} bytes).");
            }
        }

        long available = raw.IsEmpty ? floatData.Sum(f => f.WireType == 5 ? 4L : f.Bytes.Length) : raw.Length;
        long count = Count(name, dims, available / size);
        Expect(name, available, count * size);
        var values = new float[count];
        if (!raw.IsEmpty)
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = size == 4 ? BinaryPrimitives.ReadSingleLittleEndian(raw.Span.Slice(i * 4)) : (float)BinaryPrimitives.ReadDoubleLittleEndian(raw.Span.Slice(i * 8));
            }
        }
        else
        {
            int k = 0;
            foreach (ProtoField f in floatData)
            {
                if (f.WireType == 5)
                {
                    values[k++] = f.Float;
                }
                else
                {
                    for (int i = 0; i < f.Bytes.Length; i += 4)
                    {
                        values[k++] = BinaryPrimitives.ReadSingleLittleEndian(f.Bytes.Span.Slice(i));
                    }
                }
            }
        }

        return new OnnxTensor(name, dims, values);
    }

    /// <summary>The element count of <paramref name="dims"/>, checked to be at most <paramref name="limit"/> (what the data can hold) without overflowing.</summary>
    private static long Count(string name, long[] dims, long limit)
    {
        long count = dims.Contains(0) ? 0 : 1;
        foreach (long d in dims)
        {
            if (d < 0)
            {
                throw Bad(name, $"tensor '{name}' has a negative dimension in [{string.Join(", ", dims)}].");
            }

            if (count > 0 && count > limit / d)
            {
                throw Bad(name, $"tensor '{name}' of shape [{string.Join(", ", dims)}] needs more data than the {limit} values it holds.");
            }

            count *= d;
        }

        return count;
    }

    private static InvalidDataException Bad(string tensor, string message)
    {
        var e = new InvalidDataException(message);
        e.Data["tensor"] = tensor;
        return e;
    }

    private static void Expect(string name, long bytes, long expected)
    {
        if (bytes != expected)
        {
            throw Bad(name, $"tensor '{name}' holds {bytes} bytes of data but its shape needs {expected}.");
        }
    }
}
