namespace RnnGen.Kernels;

/// <summary>Bounds checks done once per matrix product, so the vector loops can index without them.</summary>
internal static class GemmChecks
{
    public static void NT(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc)
    {
        Dims(m, n, k);
        Matrix(nameof(a), a.Length, m, k, lda);
        Matrix(nameof(b), b.Length, n, k, ldb);
        Matrix(nameof(c), c.Length, m, n, ldc);
    }

    public static void Packed(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> packed, Span<float> c, int ldc)
    {
        Dims(m, n, k);
        Matrix(nameof(a), a.Length, m, k, lda);
        if (packed.Length < PackedPanels.Size(n, k))
        {
            throw new ArgumentException($"packed: expected at least {PackedPanels.Size(n, k)} floats (n = {n} columns in panels of {PackedPanels.Width}, depth k = {k}) but got {packed.Length}.", nameof(packed));
        }

        Matrix(nameof(c), c.Length, m, n, ldc);
    }

    public static void NN(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc)
    {
        Dims(m, n, k);
        Matrix(nameof(a), a.Length, m, k, lda);
        Matrix(nameof(b), b.Length, k, n, ldb);
        Matrix(nameof(c), c.Length, m, n, ldc);
    }

    public static void TN(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc)
    {
        Dims(m, n, k);
        Matrix(nameof(a), a.Length, k, m, lda);
        Matrix(nameof(b), b.Length, k, n, ldb);
        Matrix(nameof(c), c.Length, m, n, ldc);
    }

    private static void Dims(int m, int n, int k)
    {
        if (m < 0 || n < 0 || k < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(m), $"Matrix sizes must not be negative: m = {m}, n = {n}, k = {k}.");
        }
    }

    private static void Matrix(string name, int length, int rows, int cols, int ld)
    {
        if (rows == 0 || cols == 0)
        {
            return;
        }

        if (ld < cols)
        {
            throw new ArgumentOutOfRangeException(name, ld, $"{name}: the leading dimension {ld} is smaller than the row width {cols}.");
        }

        long needed = (long)(rows - 1) * ld + cols;
        if (length < needed)
        {
            throw new ArgumentException($"{name}: a [{rows}, {cols}] matrix with leading dimension {ld} needs {needed} floats but the span has {length}.", name);
        }
    }
}
