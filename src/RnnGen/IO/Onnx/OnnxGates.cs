namespace RnnGen.IO.Onnx;

/// <summary>
/// Gate blocks in ONNX's order and in RnnGen's (PyTorch's): ONNX block k holds RnnGen block <c>Order[k]</c>.
/// LSTM: ONNX i, o, f, c against i, f, g, o; GRU: z, r, h against r, z, n; peepholes: i, o, f against i, f, o.
/// </summary>
internal static class OnnxGates
{
    private static readonly int[] Lstm = [0, 3, 1, 2];
    private static readonly int[] Gru = [1, 0, 2];
    private static readonly int[] Single = [0];

    /// <summary>ONNX <c>P</c> input (i, o, f) against RnnGen's <c>weight_peephole</c> rows (i, f, o).</summary>
    public static readonly int[] Peepholes = [0, 2, 1];

    public static int Count(CellKind cell) => Order(cell).Length;

    public static int[] Order(CellKind cell) => cell switch
    {
        CellKind.Lstm => Lstm,
        CellKind.Gru => Gru,
        _ => Single,
    };

    /// <summary>Writes <paramref name="rnnGen"/> (blocks of <paramref name="block"/> floats) into <paramref name="onnx"/> in ONNX's order.</summary>
    public static void ToOnnx(ReadOnlySpan<float> rnnGen, Span<float> onnx, int[] order, int block)
    {
        for (int k = 0; k < order.Length; k++)
        {
            rnnGen.Slice(order[k] * block, block).CopyTo(onnx.Slice(k * block, block));
        }
    }

    /// <summary>Writes <paramref name="onnx"/> (ONNX's order) into <paramref name="rnnGen"/> in RnnGen's order.</summary>
    public static void FromOnnx(ReadOnlySpan<float> onnx, Span<float> rnnGen, int[] order, int block)
    {
        for (int k = 0; k < order.Length; k++)
        {
            onnx.Slice(k * block, block).CopyTo(rnnGen.Slice(order[k] * block, block));
        }
    }
}
