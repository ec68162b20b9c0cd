namespace RnnGen.Layers;

/// <summary>Combines the two directions of a bidirectional layer.</summary>
public static class MergeKernel
{
    /// <summary>
    /// forward, backward: <c>[rows, units]</c>; output <c>[rows, 2·units]</c> for <see cref="MergeMode.Concat"/>
    /// (forward first), <c>[rows, units]</c> otherwise.
    /// </summary>
    public static void Forward(MergeMode mode, int rows, int units, ReadOnlySpan<float> forward, ReadOnlySpan<float> backward, Span<float> output)
        => throw new NotImplementedException();

    /// <summary>Overwrites dForward and dBackward (<c>[rows, units]</c>) from dOutput.</summary>
    public static void Backward(MergeMode mode, int rows, int units, ReadOnlySpan<float> forward, ReadOnlySpan<float> backward,
        ReadOnlySpan<float> dOutput, Span<float> dForward, Span<float> dBackward)
        => throw new NotImplementedException();
}
