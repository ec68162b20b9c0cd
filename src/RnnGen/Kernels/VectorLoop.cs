using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>Which vector width the row kernels (<see cref="VectorLoop"/>) use.</summary>
internal enum VectorPath
{
    /// <summary>512-bit vectors where accelerated, then 256-bit (or 128-bit where 256 is not), then one lane.</summary>
    Auto,
    /// <summary>One lane at a time: the reference.</summary>
    Scalar,
    /// <summary>128-bit vectors, then one lane.</summary>
    Vector128,
    /// <summary>256-bit vectors, then one lane.</summary>
    Vector256,
    /// <summary>512-bit vectors (emulated where not accelerated), then one lane.</summary>
    Vector512,
}

/// <summary>
/// An operation on elements <c>j … j + TV.Count − 1</c> of a row, written once over the vector width
/// (TensorPrimitives' operator structs): <see cref="VectorLoop"/> calls it with the widest accelerated width and
/// finishes the row with <see cref="SimdScalar"/>.
/// </summary>
/// <typeparam name="TArgs">The row's operands (spans as refs).</typeparam>
internal interface IRowOperator<TArgs> where TArgs : allows ref struct
{
    static abstract void Invoke<TV>(in TArgs args, nuint j) where TV : struct, ISimdVector<TV>;
}

/// <summary>Drives an <see cref="IRowOperator{TArgs}"/> over a row of <c>count</c> elements, widest vectors first.</summary>
internal static class VectorLoop
{
    /// <summary>Forces a width (tests run every path against the scalar reference); <see cref="VectorPath.Auto"/> restores the default.</summary>
    internal static VectorPath Override { get; set; }

    /// <summary>Runs <typeparamref name="TOp"/> over elements 0 … <paramref name="count"/> − 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TOp, TArgs>(in TArgs args, int count) where TOp : IRowOperator<TArgs> where TArgs : allows ref struct
        => Loop<TOp, TArgs, SimdScalar>(args, RunVectors<TOp, TArgs>(args, count), count);

    /// <summary>Runs <typeparamref name="TOp"/> over the whole vectors of a row; returns the first element not done (the caller's tail).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RunVectors<TOp, TArgs>(in TArgs args, int count) where TOp : IRowOperator<TArgs> where TArgs : allows ref struct
    {
        int j = 0;
        switch (Override)
        {
            case VectorPath.Auto:
                if (Vector512.IsHardwareAccelerated)
                {
                    j = Loop<TOp, TArgs, Simd512>(args, j, count);
                }

                if (Vector256.IsHardwareAccelerated)
                {
                    j = Loop<TOp, TArgs, Simd256>(args, j, count);
                }
                else if (Vector128.IsHardwareAccelerated)
                {
                    j = Loop<TOp, TArgs, Simd128>(args, j, count);
                }

                break;
            case VectorPath.Vector512: j = Loop<TOp, TArgs, Simd512>(args, j, count); break;
            case VectorPath.Vector256: j = Loop<TOp, TArgs, Simd256>(args, j, count); break;
            case VectorPath.Vector128: j = Loop<TOp, TArgs, Simd128>(args, j, count); break;
        }

        return j;
    }

    /// <summary>One width's loop, compiled on its own (optimised from the first call) so that the operator's whole body inlines into it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Loop<TOp, TArgs, TV>(in TArgs args, int j, int count)
        where TOp : IRowOperator<TArgs> where TArgs : allows ref struct where TV : struct, ISimdVector<TV>
    {
        for (; j <= count - TV.Count; j += TV.Count)
        {
            TOp.Invoke<TV>(args, (nuint)j);
        }

        return j;
    }
}
