using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>
/// The right-hand operand of a matrix product laid out for the broadcast kernels: columns in panels of
/// <see cref="Width"/>, each panel <c>k</c> rows of <see cref="Width"/> contiguous floats (the last panel zero-padded).
/// Element (p, j) of B [k, n] lives at <c>(j / Width) · Width · k + p · Width + j % Width</c>. A weight matrix used at every
/// step of a sequence is packed once per call; every step then reads each panel from L1/L2 in order, with no lane sums
/// and no set conflicts from a power-of-two row stride.
/// </summary>
public static class PackedPanels
{
    /// <summary>Columns per panel: two 256-bit vectors.</summary>
    public const int Width = 16;

    /// <summary>Floats a packed B of <paramref name="n"/> columns and depth <paramref name="k"/> occupies.</summary>
    public static int Size(int n, int k) => (n + Width - 1) / Width * Width * k;

    /// <summary>Packs <c>B [k, n]</c> (row stride <paramref name="ldb"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pack(int k, int n, ReadOnlySpan<float> b, int ldb, Span<float> packed)
    {
        Check(k, n, packed);
        for (int j0 = 0; j0 < n; j0 += Width)
        {
            int width = Math.Min(Width, n - j0);
            Span<float> panel = packed.Slice(j0 * k, Width * k);
            for (int p = 0; p < k; p++)
            {
                Span<float> row = panel.Slice(p * Width, Width);
                b.Slice(p * ldb + j0, width).CopyTo(row);
                row.Slice(width).Clear();
            }
        }
    }

    /// <summary>Packs <c>Bᵀ</c> where <paramref name="b"/> is <c>[n, k]</c> (row stride <paramref name="ldb"/>) — PyTorch-layout weights for <c>x · Wᵀ</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackTransposed(int n, int k, ReadOnlySpan<float> b, int ldb, Span<float> packed)
    {
        Check(k, n, packed);
        for (int j0 = 0; j0 < n; j0 += Width)
        {
            int width = Math.Min(Width, n - j0);
            Span<float> panel = packed.Slice(j0 * k, Width * k);
            if (width < Width)
            {
                panel.Clear();
            }

            for (int jj = 0; jj < width; jj++)
            {
                ReadOnlySpan<float> column = b.Slice((j0 + jj) * ldb, k);
                for (int p = 0; p < column.Length; p++)
                {
                    panel[p * Width + jj] = column[p];
                }
            }
        }
    }

    private static void Check(int k, int n, Span<float> packed)
    {
        if (k < 0 || n < 0)
        {
            throw new ArgumentOutOfRangeException(k < 0 ? nameof(k) : nameof(n), $"Dimensions must be non-negative (k = {k}, n = {n}).");
        }

        if (packed.Length < Size(n, k))
        {
            throw new ArgumentException($"packed: expected at least {Size(n, k)} floats for k = {k}, n = {n} but got {packed.Length}.", nameof(packed));
        }
    }
}
