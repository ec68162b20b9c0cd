namespace RnnGen;

/// <summary>
/// A named view of part of a model's parameter (or gradient) buffer, with its PyTorch name and shape,
/// e.g. <c>Rnn.weight_ih_l0</c> of shape <c>[4·H, I]</c>. <see cref="Values"/> aliases the model's buffer:
/// writing to it changes the model.
/// </summary>
/// <param name="Name">Tensor name, <c>&lt;Member&gt;.&lt;pytorch name&gt;</c>.</param>
/// <param name="Shape">Row-major shape, as PyTorch has it.</param>
/// <param name="Values">The elements, row-major; length = product of <paramref name="Shape"/>.</param>
public sealed record NamedTensor(string Name, int[] Shape, Memory<float> Values)
{
    /// <summary>Number of elements (product of the shape).</summary>
    public int Length => Values.Length;

    /// <summary>The shape as PyTorch prints it, e.g. <c>[16, 3]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";

    /// <inheritdoc/>
    public override string ToString() => Name + " " + ShapeText;
}
