namespace RnnGen.IO;

/// <summary>One tensor read from a safetensors file, converted to float32.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="DType">The file's dtype (F32, F64, F16, BF16).</param>
/// <param name="Shape">Row-major shape.</param>
/// <param name="Values">The elements as float32.</param>
public sealed record SafetensorsTensor(string Name, string DType, int[] Shape, float[] Values)
{
    /// <summary>The shape as text, e.g. <c>[16, 3]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
