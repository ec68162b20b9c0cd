namespace RnnGen.Layers;

public static partial class GruKernel
{
    /// <summary>
    /// Backpropagation through time over the steps of the last <see cref="Forward"/> with the same
    /// <paramref name="sequence"/> (its cache intact): accumulates parameter gradients, and the input and
    /// initial-state gradients where requested.
    /// </summary>
    public static void Backward<TShape>(in RecurrentWeights weights, in RecurrentGradients gradients,
        in RecurrentSequence sequence, in RecurrentSequenceGradients sequenceGradients) where TShape : IRecurrentShape
        => throw new NotImplementedException();
}
