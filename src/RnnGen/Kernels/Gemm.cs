using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>Which implementation the matrix products use.</summary>
public enum GemmPath
{
    /// <summary>The widest path the machine accelerates (chosen at startup).</summary>
    Auto,
    /// <summary>The scalar reference.</summary>
    Scalar,
    /// <summary>128-bit vectors.</summary>
    Vector128,
    /// <summary>256-bit vectors with fused multiply-add (AVX2 + FMA on x64).</summary>
    Vector256,
}

/// <summary>
/// Single-precision matrix products on row-major matrices with leading dimensions (row strides).
/// <c>accumulate</c>: <see langword="true"/> adds to C, <see langword="false"/> overwrites it.
/// Dispatches to the 256-bit (AVX2 + FMA), 128-bit or scalar implementation by what the machine supports.
/// </summary>
public static class Gemm
{
    private static readonly GemmPath Best =
        Vector256.IsHardwareAccelerated && (Fma.IsSupported || !X86Base.IsSupported) ? GemmPath.Vector256 :
        Vector128.IsHardwareAccelerated ? GemmPath.Vector128 : GemmPath.Scalar;

    /// <summary>The path used now (<see cref="Override"/> if set, else the best supported).</summary>
    public static GemmPath ActivePath => Override == GemmPath.Auto ? Best : Override;

    /// <summary>Forces a path (tests compare every path with the scalar reference); <see cref="GemmPath.Auto"/> restores the default.</summary>
    internal static GemmPath Override { get; set; }

    /// <summary>Whether <paramref name="path"/> is accelerated on this machine.</summary>
    public static bool IsSupported(GemmPath path) => path switch
    {
        GemmPath.Vector256 => Best == GemmPath.Vector256,
        GemmPath.Vector128 => Vector128.IsHardwareAccelerated,
        _ => true,
    };

    /// <summary><c>C[m, n] (+)= A[m, k] · B[n, k]ᵀ</c> — activations times PyTorch-layout weights.</summary>
    public static void MultiplyNT(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate)
    {
        if (k < 4 && Override == GemmPath.Auto)
        {
            // A depth shorter than any vector (an input of one feature per step): the dot products are a multiply or
            // three; the vector kernels would spend their time on empty vector loops and lane sums.
            SmallDepthNT(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
            return;
        }

        switch (ActivePath)
        {
            case GemmPath.Vector256: GemmSimd<Simd256>.MultiplyNT(m, n, k, a, lda, b, ldb, c, ldc, accumulate); break;
            case GemmPath.Vector128: GemmSimd<Simd128>.MultiplyNT(m, n, k, a, lda, b, ldb, c, ldc, accumulate); break;
            default: GemmScalar.MultiplyNT(m, n, k, a, lda, b, ldb, c, ldc, accumulate); break;
        }
    }

    /// <summary>
    /// <c>C[m, n] (+)= A[m, k] · B[k, n]</c> with B in the <see cref="PackedPanels"/> layout (packed once, used at every step):
    /// the per-step recurrent products of a batch.
    /// </summary>
    public static void MultiplyPacked(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> packed,
        Span<float> c, int ldc, bool accumulate)
    {
        switch (ActivePath)
        {
            case GemmPath.Vector256: GemmSimd<Simd256>.MultiplyPacked(m, n, k, a, lda, packed, c, ldc, accumulate); break;
            case GemmPath.Vector128: GemmSimd<Simd128>.MultiplyPacked(m, n, k, a, lda, packed, c, ldc, accumulate); break;
            default: GemmChecks.Packed(m, n, k, a, lda, packed, c, ldc); GemmScalar.MultiplyPacked(m, n, k, a, lda, packed, c, ldc, accumulate); break;
        }
    }

    /// <summary>
    /// NT with k &lt; 4. One input feature with B a contiguous column (k = 1, ldb = 1: a recurrent layer over a scalar
    /// signal): each row of C is a scaled copy of that column, one vector multiply-add. Otherwise the scalar reference.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SmallDepthNT(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate)
    {
        if (k != 1 || ldb != 1)
        {
            GemmScalar.MultiplyNT(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
            return;
        }

        GemmChecks.NT(m, n, k, a, lda, b, ldb, c, ldc);
        ReadOnlySpan<float> column = b.Slice(0, n);
        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.Slice(i * ldc, n);
            if (accumulate)
            {
                TensorPrimitives.MultiplyAdd(column, a[i * lda], row, row);
            }
            else
            {
                TensorPrimitives.Multiply(column, a[i * lda], row);
            }
        }
    }

    /// <summary><c>C[m, n] (+)= A[m, k] · B[k, n]</c> — gradients times weights (∂x = ∂z · W).</summary>
    public static void MultiplyNN(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate)
    {
        switch (ActivePath)
        {
            case GemmPath.Vector256: GemmSimd<Simd256>.MultiplyNN(m, n, k, a, lda, b, ldb, c, ldc, accumulate); break;
            case GemmPath.Vector128: GemmSimd<Simd128>.MultiplyNN(m, n, k, a, lda, b, ldb, c, ldc, accumulate); break;
            default: GemmScalar.MultiplyNN(m, n, k, a, lda, b, ldb, c, ldc, accumulate); break;
        }
    }

    /// <summary><c>C[m, n] (+)= A[k, m]ᵀ · B[k, n]</c> — weight gradients summed over rows (∂W += ∂zᵀ · x).</summary>
    public static void MultiplyTN(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate)
    {
        switch (ActivePath)
        {
            case GemmPath.Vector256: GemmSimd<Simd256>.MultiplyNN(m, n, k, a, lda, b, ldb, c, ldc, accumulate, aTransposed: true); break;
            case GemmPath.Vector128: GemmSimd<Simd128>.MultiplyNN(m, n, k, a, lda, b, ldb, c, ldc, accumulate, aTransposed: true); break;
            default: GemmScalar.MultiplyTN(m, n, k, a, lda, b, ldb, c, ldc, accumulate); break;
        }
    }
}
