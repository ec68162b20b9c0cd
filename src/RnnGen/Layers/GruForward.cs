namespace RnnGen.Layers;

/// <summary>Gru kernels for one direction of one layer over a batch (forward here, backward in <c>GruBackward.cs</c>).</summary>
public static partial class GruKernel
{
    /// <summary>Floats of <see cref="RecurrentSequence.Cache"/> needed for <paramref name="batch"/> sequences of <paramref name="time"/> steps (forward cache plus backward scratch).</summary>
    public static int CacheSize<TShape>(int batch, int time) where TShape : IRecurrentShape
        => throw new NotImplementedException();

    /// <summary>Runs the layer direction over the batch; fills Hidden, FinalHidden (FinalCell) and the cache.</summary>
    public static void Forward<TShape>(in RecurrentWeights weights, in RecurrentSequence sequence) where TShape : IRecurrentShape
        => throw new NotImplementedException();
}
