namespace RnnGen.Kernels;

/// <summary>
/// Single-precision matrix products on row-major matrices with leading dimensions (row strides).
/// <c>accumulate</c>: <see langword="true"/> adds to C, <see langword="false"/> overwrites it.
/// </summary>
public static class Gemm
{
    /// <summary><c>C[m, n] (+)= A[m, k] · B[n, k]ᵀ</c> — activations times PyTorch-layout weights.</summary>
    public static void MultiplyNT(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate)
        => GemmScalar.MultiplyNT(m, n, k, a, lda, b, ldb, c, ldc, accumulate);

    /// <summary><c>C[m, n] (+)= A[m, k] · B[k, n]</c> — gradients times weights (∂x = ∂z · W).</summary>
    public static void MultiplyNN(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate)
        => GemmScalar.MultiplyNN(m, n, k, a, lda, b, ldb, c, ldc, accumulate);

    /// <summary><c>C[m, n] (+)= A[k, m]ᵀ · B[k, n]</c> — weight gradients summed over rows (∂W += ∂zᵀ · x).</summary>
    public static void MultiplyTN(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate)
        => GemmScalar.MultiplyTN(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}
