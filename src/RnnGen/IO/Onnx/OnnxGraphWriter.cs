using S = RnnGen.IO.Onnx.OnnxSchema;

namespace RnnGen.IO.Onnx;

/// <summary>One attribute of an ONNX node: an int, a float, a list of ints, a list of strings or a string.</summary>
internal readonly record struct OnnxAttribute(string Name, long? Int = null, float? Float = null, long[]? Ints = null, string[]? Strings = null, string? Text = null)
{
    public ProtoWriter Write()
    {
        var w = new ProtoWriter().String(S.Attribute.Name, Name);
        if (Int is long i)
        {
            w.Varint(S.Attribute.I, i).Varint(S.Attribute.Type, S.Attribute.TypeInt);
        }
        else if (Float is float f)
        {
            w.Float(S.Attribute.F, f).Varint(S.Attribute.Type, S.Attribute.TypeFloat);
        }
        else if (Text is not null)
        {
            w.String(S.Attribute.S, Text).Varint(S.Attribute.Type, S.Attribute.TypeString);
        }
        else if (Ints is not null)
        {
            foreach (long v in Ints)
            {
                w.Varint(S.Attribute.Ints, v);
            }

            w.Varint(S.Attribute.Type, S.Attribute.TypeInts);
        }
        else if (Strings is not null)
        {
            foreach (string s in Strings)
            {
                w.String(S.Attribute.Strings, s);
            }

            w.Varint(S.Attribute.Type, S.Attribute.TypeStrings);
        }

        return w;
    }
}

/// <summary>Collects the nodes, initializers, inputs and outputs of one ONNX graph and writes the model file.</summary>
internal sealed class OnnxGraphWriter
{
    private readonly List<ProtoWriter> _nodes = [];
    private readonly List<ProtoWriter> _initializers = [];
    private readonly List<ProtoWriter> _inputs = [];
    private readonly List<ProtoWriter> _outputs = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Adds a node; returns its outputs' names (<c>{name}</c>, or <c>{name}:k</c> after the first).</summary>
    public string[] Node(string op, string name, string[] inputs, int outputs = 1, params OnnxAttribute[] attributes)
    {
        Claim(name);
        var w = new ProtoWriter();
        foreach (string input in inputs)
        {
            w.String(S.Node.Input, input);
        }

        string[] names = new string[outputs];
        for (int k = 0; k < outputs; k++)
        {
            names[k] = k == 0 ? name : $"{name}:{k}";
            if (k > 0)
            {
                Claim(names[k]);
            }

            w.String(S.Node.Output, names[k]);
        }

        w.String(S.Node.Name, name).String(S.Node.OpType, op);
        foreach (OnnxAttribute attribute in attributes)
        {
            w.Message(S.Node.Attribute, attribute.Write());
        }

        _nodes.Add(w);
        return names;
    }

    /// <summary>A node with one output; returns its name.</summary>
    public string Op(string op, string name, string[] inputs, params OnnxAttribute[] attributes) => Node(op, name, inputs, 1, attributes)[0];

    /// <summary>A float32 initializer; returns its name.</summary>
    public string Initializer(string name, long[] dims, ReadOnlySpan<float> values) => Initializer(name, dims, S.Tensor.Float, ProtoWriter.LittleEndian(values));

    /// <summary>An int64 initializer; returns its name.</summary>
    public string Initializer(string name, long[] dims, ReadOnlySpan<long> values) => Initializer(name, dims, S.Tensor.Int64, ProtoWriter.LittleEndian(values));

    /// <summary>A graph input; each of <paramref name="dims"/> is a size (an int) or the name of a symbolic dimension (a string).</summary>
    public void Input(string name, int elementType, params object[] dims) => _inputs.Add(ValueInfo(Claim(name), elementType, dims));

    /// <summary>A graph output (the name of a node output).</summary>
    public void Output(string name, int elementType, params object[] dims) => _outputs.Add(ValueInfo(name, elementType, dims));

    /// <summary>The ModelProto bytes.</summary>
    public byte[] ToModel(string graphName, string producerVersion)
    {
        var graph = new ProtoWriter();
        foreach (ProtoWriter node in _nodes)
        {
            graph.Message(S.Graph.Node, node);
        }

        graph.String(S.Graph.Name, graphName);
        foreach (ProtoWriter tensor in _initializers)
        {
            graph.Message(S.Graph.Initializer, tensor);
        }

        foreach (ProtoWriter input in _inputs)
        {
            graph.Message(S.Graph.Input, input);
        }

        foreach (ProtoWriter output in _outputs)
        {
            graph.Message(S.Graph.Output, output);
        }

        var model = new ProtoWriter()
            .Varint(S.Model.IrVersion, S.IrVersion)
            .String(S.Model.ProducerName, "RnnGen")
            .String(S.Model.ProducerVersion, producerVersion)
            .Message(S.Model.Graph, graph)
            .Message(S.Model.OpsetImport, new ProtoWriter().String(S.OperatorSetId.Domain, string.Empty).Varint(S.OperatorSetId.Version, S.OpsetVersion));
        return model.Written.ToArray();
    }

    private string Initializer(string name, long[] dims, int dataType, byte[] raw)
    {
        Claim(name);
        var w = new ProtoWriter().PackedInt64(S.Tensor.Dims, dims).Varint(S.Tensor.DataType, dataType).String(S.Tensor.Name, name).Bytes(S.Tensor.RawData, raw);
        _initializers.Add(w);
        return name;
    }

    private static ProtoWriter ValueInfo(string name, int elementType, object[] dims)
    {
        var shape = new ProtoWriter();
        foreach (object dim in dims)
        {
            var d = new ProtoWriter();
            if (dim is string symbol)
            {
                d.String(S.Type.DimParam, symbol);
            }
            else
            {
                d.Varint(S.Type.DimValue, Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture));
            }

            shape.Message(S.Type.Dim, d);
        }

        var tensor = new ProtoWriter().Varint(S.Type.ElemType, elementType).Message(S.Type.Shape, shape);
        return new ProtoWriter().String(S.ValueInfo.Name, name).Message(S.ValueInfo.Type, new ProtoWriter().Message(S.Type.TensorType, tensor));
    }

    private string Claim(string name)
    {
        if (!_names.Add(name))
        {
            throw new InvalidOperationException($"ONNX graph: the name '{name}' is used twice.");
        }

        return name;
    }
}
