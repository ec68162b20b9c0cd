using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>
/// Matrix products on vectors of any width (<see cref="Simd256"/>, <see cref="Simd128"/>), register-blocked: NT as 3×4 blocks of dot products,
/// NN and TN as 6-row (then 4-row) × 2-vector tiles of broadcast-multiply-adds, column panels outside row tiles. Bounds are checked once per call.
/// </summary>
/// <remarks>
/// The loops are compiled fully optimised from the first call (<see cref="MethodImplOptions.AggressiveOptimization"/>):
/// dynamic PGO's tier-up of these kernels was slower and depended on what else the process had run first
/// (docs/benchmarks.md, "Notes moved from kernel comments").
/// </remarks>
internal static class GemmSimd<TV> where TV : struct, ISimdVector<TV>
{
    private static int W => TV.Count; // floats per vector

    /// <summary>Bytes of A rows processed per block (half of Zen 3's 512 KB L2).</summary>
    private const int RowBlockBytes = 256 * 1024;

    /// <summary>Depth of one pass of NN/TN: k is split so that a B panel of DepthBlock rows stays in L2.</summary>
    private const int DepthBlock = 256;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyNT(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate)
    {
        GemmChecks.NT(m, n, k, a, lda, b, ldb, c, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }

        ref float A = ref MemoryMarshal.GetReference(a);
        ref float Bm = ref MemoryMarshal.GetReference(b);
        ref float C = ref MemoryMarshal.GetReference(c);
        int kv = k - k % W;
        if (m == 1)
        {
            VectorTimesNT(n, k, kv, ref A, ref Bm, ldb, ref C, accumulate);
            return;
        }

        if (PackForNT(m, n, k))
        {
            // Many rows over a shallow depth (the hoisted input projection: B·T rows, k = input width): dot products of k
            // floats spend as long on their lane sums as on their multiply-adds, so Bᵀ is packed once (this thread's
            // buffer, grown once) and the rows go through the broadcast tiles of the packed product.
            float[] packed = ThreadBuffer(ref t_packedB, PackedPanels.Size(n, k));
            PackedPanels.PackTransposed(n, k, b, ldb, packed);
            MultiplyPacked(m, n, k, a, lda, packed, c, ldc, accumulate);
            return;
        }

        // Rows in blocks that stay in L2; inside a block, four columns of C (four rows of B, in L1) meet every row pair,
        // so a weight matrix is streamed from memory once per block rather than once per pair of rows.
        int rowBlock = Math.Max(3, RowBlockBytes / Math.Max(1, k * sizeof(float)) / 3 * 3);
        for (int i0 = 0; i0 < m; i0 += rowBlock)
        {
            int i1 = Math.Min(m, i0 + rowBlock);
            int j = 0;
            for (; j + 4 <= n; j += 4)
            {
                ref float b0 = ref Unsafe.Add(ref Bm, j * ldb);
                ref float b1 = ref Unsafe.Add(ref Bm, (j + 1) * ldb);
                ref float b2 = ref Unsafe.Add(ref Bm, (j + 2) * ldb);
                ref float b3 = ref Unsafe.Add(ref Bm, (j + 3) * ldb);
                int i = i0;
                // Row triples, but never leave a lone row behind: 3k + 1 rows end as 3(k − 1) + 2 + 2 (a lone row loads B for a
                // quarter of the work a triple does).
                int rows = i1 - i0;
                int tripleEnd = i0 + (rows % 3 == 1 && rows >= 4 ? rows - 4 : rows - rows % 3);
                for (; i + 3 <= tripleEnd; i += 3)
                {
                    // 3 rows × 4 columns: 12 accumulators, 3 + 1 operand registers (16 in all on AVX2); each B vector
                    // loaded serves three rows, so B streams from cache once per three rows rather than per two.
                    ref float a0 = ref Unsafe.Add(ref A, i * lda);
                    ref float a1 = ref Unsafe.Add(ref A, (i + 1) * lda);
                    ref float a2 = ref Unsafe.Add(ref A, (i + 2) * lda);
                    TV s00 = default, s01 = default, s02 = default, s03 = default;
                    TV s10 = default, s11 = default, s12 = default, s13 = default;
                    TV s20 = default, s21 = default, s22 = default, s23 = default;
                    for (int p = 0; p < kv; p += W)
                    {
                        TV x0 = TV.Load(ref a0, (nuint)p), x1 = TV.Load(ref a1, (nuint)p), x2 = TV.Load(ref a2, (nuint)p);
                        TV y = TV.Load(ref b0, (nuint)p);
                        s00 = TV.MultiplyAdd(x0, y, s00);
                        s10 = TV.MultiplyAdd(x1, y, s10);
                        s20 = TV.MultiplyAdd(x2, y, s20);
                        y = TV.Load(ref b1, (nuint)p);
                        s01 = TV.MultiplyAdd(x0, y, s01);
                        s11 = TV.MultiplyAdd(x1, y, s11);
                        s21 = TV.MultiplyAdd(x2, y, s21);
                        y = TV.Load(ref b2, (nuint)p);
                        s02 = TV.MultiplyAdd(x0, y, s02);
                        s12 = TV.MultiplyAdd(x1, y, s12);
                        s22 = TV.MultiplyAdd(x2, y, s22);
                        y = TV.Load(ref b3, (nuint)p);
                        s03 = TV.MultiplyAdd(x0, y, s03);
                        s13 = TV.MultiplyAdd(x1, y, s13);
                        s23 = TV.MultiplyAdd(x2, y, s23);
                    }

                    Vector128<float> row0 = TV.Sum4(s00, s01, s02, s03), row1 = TV.Sum4(s10, s11, s12, s13), row2 = TV.Sum4(s20, s21, s22, s23);
                    for (int p = kv; p < k; p++)
                    {
                        Vector128<float> y = Vector128.Create(Unsafe.Add(ref b0, p), Unsafe.Add(ref b1, p), Unsafe.Add(ref b2, p), Unsafe.Add(ref b3, p));
                        row0 += Vector128.Create(Unsafe.Add(ref a0, p)) * y;
                        row1 += Vector128.Create(Unsafe.Add(ref a1, p)) * y;
                        row2 += Vector128.Create(Unsafe.Add(ref a2, p)) * y;
                    }

                    Store4(ref C, i * ldc + j, row0, accumulate);
                    Store4(ref C, (i + 1) * ldc + j, row1, accumulate);
                    Store4(ref C, (i + 2) * ldc + j, row2, accumulate);
                }

                for (; i + 2 <= i1; i += 2)
                {
                    ref float a0 = ref Unsafe.Add(ref A, i * lda);
                    ref float a1 = ref Unsafe.Add(ref A, (i + 1) * lda);
                    TV s00 = default, s01 = default, s02 = default, s03 = default;
                    TV s10 = default, s11 = default, s12 = default, s13 = default;
                    for (int p = 0; p < kv; p += W)
                    {
                        TV x0 = TV.Load(ref a0, (nuint)p), x1 = TV.Load(ref a1, (nuint)p);
                        TV y = TV.Load(ref b0, (nuint)p);
                        s00 = TV.MultiplyAdd(x0, y, s00);
                        s10 = TV.MultiplyAdd(x1, y, s10);
                        y = TV.Load(ref b1, (nuint)p);
                        s01 = TV.MultiplyAdd(x0, y, s01);
                        s11 = TV.MultiplyAdd(x1, y, s11);
                        y = TV.Load(ref b2, (nuint)p);
                        s02 = TV.MultiplyAdd(x0, y, s02);
                        s12 = TV.MultiplyAdd(x1, y, s12);
                        y = TV.Load(ref b3, (nuint)p);
                        s03 = TV.MultiplyAdd(x0, y, s03);
                        s13 = TV.MultiplyAdd(x1, y, s13);
                    }

                    Vector128<float> row0 = TV.Sum4(s00, s01, s02, s03), row1 = TV.Sum4(s10, s11, s12, s13);
                    for (int p = kv; p < k; p++)
                    {
                        Vector128<float> y = Vector128.Create(Unsafe.Add(ref b0, p), Unsafe.Add(ref b1, p), Unsafe.Add(ref b2, p), Unsafe.Add(ref b3, p));
                        row0 += Vector128.Create(Unsafe.Add(ref a0, p)) * y;
                        row1 += Vector128.Create(Unsafe.Add(ref a1, p)) * y;
                    }

                    Store4(ref C, i * ldc + j, row0, accumulate);
                    Store4(ref C, (i + 1) * ldc + j, row1, accumulate);
                }

                for (; i < i1; i++)
                {
                    ref float a0 = ref Unsafe.Add(ref A, i * lda);
                    TV s0 = default, s1 = default, s2 = default, s3 = default;
                    for (int p = 0; p < kv; p += W)
                    {
                        TV x = TV.Load(ref a0, (nuint)p);
                        s0 = TV.MultiplyAdd(x, TV.Load(ref b0, (nuint)p), s0);
                        s1 = TV.MultiplyAdd(x, TV.Load(ref b1, (nuint)p), s1);
                        s2 = TV.MultiplyAdd(x, TV.Load(ref b2, (nuint)p), s2);
                        s3 = TV.MultiplyAdd(x, TV.Load(ref b3, (nuint)p), s3);
                    }

                    Vector128<float> row = TV.Sum4(s0, s1, s2, s3);
                    for (int p = kv; p < k; p++)
                    {
                        Vector128<float> y = Vector128.Create(Unsafe.Add(ref b0, p), Unsafe.Add(ref b1, p), Unsafe.Add(ref b2, p), Unsafe.Add(ref b3, p));
                        row += Vector128.Create(Unsafe.Add(ref a0, p)) * y;
                    }

                    Store4(ref C, i * ldc + j, row, accumulate);
                }
            }

            for (; j < n; j++)
            {
                ref float b0 = ref Unsafe.Add(ref Bm, j * ldb);
                for (int i = i0; i < i1; i++)
                {
                    Store(ref C, i * ldc + j, Dot(ref Unsafe.Add(ref A, i * lda), ref b0, k), accumulate);
                }
            }
        }
    }

    /// <summary>
    /// One row of A (a matrix-vector product: a lone stream's step): eight columns at a time, so eight independent
    /// accumulator chains hide the multiply-add latency that a short depth (k = 32: four vectors) would otherwise expose,
    /// and each vector of A loaded serves eight rows of B.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void VectorTimesNT(int n, int k, int kv, ref float A, ref float Bm, int ldb, ref float C, bool accumulate)
    {
        // Row offsets as native integers once, so each load in the loop is one addressing mode (no per-load index arithmetic).
        nuint o1 = (nuint)ldb, o2 = 2 * o1, o3 = 3 * o1, o4 = 4 * o1, o5 = 5 * o1, o6 = 6 * o1, o7 = 7 * o1;
        int j = 0;
        for (; j + 8 <= n; j += 8)
        {
            ref float b0 = ref Unsafe.Add(ref Bm, j * ldb);
            TV s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            for (int p = 0; p < kv; p += W)
            {
                TV x = TV.Load(ref A, (nuint)p);
                ref float bp = ref Unsafe.Add(ref b0, p);
                s0 = TV.MultiplyAdd(x, TV.Load(ref bp, 0), s0);
                s1 = TV.MultiplyAdd(x, TV.Load(ref bp, o1), s1);
                s2 = TV.MultiplyAdd(x, TV.Load(ref bp, o2), s2);
                s3 = TV.MultiplyAdd(x, TV.Load(ref bp, o3), s3);
                s4 = TV.MultiplyAdd(x, TV.Load(ref bp, o4), s4);
                s5 = TV.MultiplyAdd(x, TV.Load(ref bp, o5), s5);
                s6 = TV.MultiplyAdd(x, TV.Load(ref bp, o6), s6);
                s7 = TV.MultiplyAdd(x, TV.Load(ref bp, o7), s7);
            }

            Vector128<float> lo = TV.Sum4(s0, s1, s2, s3), hi = TV.Sum4(s4, s5, s6, s7);
            for (int p = kv; p < k; p++)
            {
                Vector128<float> x = Vector128.Create(Unsafe.Add(ref A, p));
                ref float bp = ref Unsafe.Add(ref b0, p);
                lo += x * Vector128.Create(bp, Unsafe.Add(ref bp, ldb), Unsafe.Add(ref bp, 2 * ldb), Unsafe.Add(ref bp, 3 * ldb));
                hi += x * Vector128.Create(Unsafe.Add(ref bp, 4 * ldb), Unsafe.Add(ref bp, 5 * ldb), Unsafe.Add(ref bp, 6 * ldb), Unsafe.Add(ref bp, 7 * ldb));
            }

            Store4(ref C, j, lo, accumulate);
            Store4(ref C, j + 4, hi, accumulate);
        }

        for (; j < n; j++)
        {
            Store(ref C, j, Dot(ref A, ref Unsafe.Add(ref Bm, j * ldb), k), accumulate);
        }
    }

    /// <summary>C[m, n] (+)= A[m, k] · B[k, n] (aTransposed: A is stored [k, m]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyNN(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate, bool aTransposed = false)
    {
        if (k > DepthBlock && m > 4)
        {
            // Deep products in passes of DepthBlock: each pass's B panel [DepthBlock, n] stays in cache across all rows of C.
            for (int p0 = 0; p0 < k; p0 += DepthBlock)
            {
                int depth = Math.Min(DepthBlock, k - p0);
                ReadOnlySpan<float> aPanel = aTransposed ? a.Slice(p0 * lda) : a.Slice(p0);
                MultiplyNN(m, n, depth, aPanel, lda, b.Slice(p0 * ldb), ldb, c, ldc, accumulate || p0 > 0, aTransposed);
            }

            return;
        }

        if (aTransposed)
        {
            GemmChecks.TN(m, n, k, a, lda, b, ldb, c, ldc);
        }
        else
        {
            GemmChecks.NN(m, n, k, a, lda, b, ldb, c, ldc);
        }

        if (m == 0 || n == 0)
        {
            return;
        }

        ref float A = ref MemoryMarshal.GetReference(a);
        ref float Bm = ref MemoryMarshal.GetReference(b);
        ref float C = ref MemoryMarshal.GetReference(c);

        // A[i, p] lives at i·lda + p, or at p·lda + i when transposed.
        nint rowStep = aTransposed ? 1 : lda, depthStep = aTransposed ? lda : 1;
        int nv = n - n % (2 * W);

        // Loop order for reuse: a block of rows of A (in L2) meets one 2W-column panel of B at a time; that panel
        // [k ≤ DepthBlock, 2W] stays in L1 while every row tile of the block passes over it, so B streams from L2 once per
        // row block instead of once per row tile.
        for (int i0 = 0; i0 < m; i0 += RowTileBlock)
        {
            int i1 = Math.Min(m, i0 + RowTileBlock);
            bool pack = i1 - i0 >= 64 && k >= 16; // a per-step product over a few rows would copy its weights every step for little reuse
            // A stored transposed ([k, m]: weight gradients, ∂zᵀ · x): a 6-row tile broadcasts 6 neighbouring floats per depth
            // step from rows lda apart — with a power-of-two lda (4H gates) every step lands in the same L1 sets and comes
            // from L2. Packed once per row block into 6-row micro-panels (6 floats per step, contiguous), the tiles of every
            // column panel read A from L1 (docs/benchmarks.md).
            bool packA = aTransposed && pack;
            ref float aTiles = ref A;
            if (packA)
            {
                int tiles = (i1 - i0) / 6;
                float[] aBuffer = ThreadBuffer(ref t_packedA, tiles * 6 * k);
                aTiles = ref MemoryMarshal.GetArrayDataReference(aBuffer);
                for (int t = 0; t < tiles; t++)
                {
                    ref float dst = ref Unsafe.Add(ref aTiles, t * 6 * k);
                    ref float src = ref Unsafe.Add(ref A, i0 + 6 * t);
                    for (int p = 0; p < k; p++)
                    {
                        ref float from = ref Unsafe.Add(ref src, p * lda);
                        ref float to = ref Unsafe.Add(ref dst, 6 * p);
                        to = from;
                        Unsafe.Add(ref to, 1) = Unsafe.Add(ref from, 1);
                        Unsafe.Add(ref to, 2) = Unsafe.Add(ref from, 2);
                        Unsafe.Add(ref to, 3) = Unsafe.Add(ref from, 3);
                        Unsafe.Add(ref to, 4) = Unsafe.Add(ref from, 4);
                        Unsafe.Add(ref to, 5) = Unsafe.Add(ref from, 5);
                    }
                }
            }

            for (int j = 0; j < nv; j += 2 * W)
            {
                // The panel B[:, j … j+2W) is k rows ldb apart; packed contiguous it occupies k · 2W floats of L1 without
                // the set conflicts of a power-of-two row stride, and every row tile below reads it from there.
                ref float panel = ref Unsafe.Add(ref Bm, j);
                int panelStride = ldb;
                if (pack)
                {
                    float[] buffer = PanelBuffer(k * 2 * W);
                    ref float packed = ref MemoryMarshal.GetArrayDataReference(buffer);
                    for (int p = 0; p < k; p++)
                    {
                        ref float from = ref Unsafe.Add(ref Bm, p * ldb + j);
                        TV.Store(TV.Load(ref from, 0), ref packed, (nuint)(p * 2 * W));
                        TV.Store(TV.Load(ref from, (nuint)W), ref packed, (nuint)(p * 2 * W + W));
                    }

                    panel = ref packed;
                    panelStride = 2 * W;
                }

                int i = i0;
                for (; i + 6 <= i1; i += 6)
                {
                    if (packA)
                    {
                        Tile6(ref Unsafe.Add(ref aTiles, (i - i0) * k), ref panel, ref Unsafe.Add(ref C, i * ldc), 0, j, k, 1, 6, panelStride, ldc, accumulate);
                    }
                    else
                    {
                        Tile6(ref A, ref panel, ref C, i, j, k, rowStep, depthStep, panelStride, ldc, accumulate);
                    }
                }

                for (; i + 4 <= i1; i += 4)
                {
                    Tile4(ref A, ref panel, ref C, i, j, k, rowStep, depthStep, panelStride, ldc, accumulate);
                }

                for (; i < i1; i++)
                {
                    ref float ai = ref Unsafe.Add(ref A, i * rowStep);
                    TV c0 = default, c1 = default;
                    for (int p = 0; p < k; p++)
                    {
                        ref float bp = ref Unsafe.Add(ref panel, p * panelStride);
                        TV x = TV.Broadcast(Unsafe.Add(ref ai, p * depthStep));
                        c0 = TV.MultiplyAdd(x, TV.Load(ref bp, 0), c0);
                        c1 = TV.MultiplyAdd(x, TV.Load(ref bp, (nuint)W), c1);
                    }

                    StoreVector(ref C, i * ldc + j, c0, c1, accumulate);
                }
            }

            // Columns past the last 2W panel: whole vectors row by row; the last n % W columns row by row too, unless A is
            // transposed — then a row of A is strided, and the columns go down W rows of C at a time instead.
            int vectorEnd = aTransposed ? n - n % W : n;
            for (int r = i0; r < i1; r++)
            {
                RowTail(ref A, ref Bm, ref C, r, nv, vectorEnd, k, rowStep, depthStep, ldb, ldc, accumulate);
            }

            if (vectorEnd < n)
            {
                TransposedTailColumns(ref A, ref Bm, ref C, i0, i1, vectorEnd, n, k, lda, ldb, ldc, accumulate);
            }
        }
    }

    /// <summary>C[m, n] (+)= A[m, k] · B[k, n], B in the <see cref="PackedPanels"/> layout: blocks of B in L2, row tiles sweeping across them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyPacked(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> packed,
        Span<float> c, int ldc, bool accumulate)
    {
        GemmChecks.Packed(m, n, k, a, lda, packed, c, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0)
        {
            // an empty sum: C = 0, or unchanged when accumulating (the depth passes below would write nothing)
            for (int i = 0; i < m && !accumulate; i++)
            {
                c.Slice(i * ldc, n).Clear();
            }

            return;
        }

        const int P = PackedPanels.Width;
        ref float A = ref MemoryMarshal.GetReference(a);
        ref float Pk = ref MemoryMarshal.GetReference(packed);
        ref float C = ref MemoryMarshal.GetReference(c);
        int full = n - n % P;
        if (m <= FewRows)
        {
            PackedFewRows(m, full, k, ref A, lda, ref Pk, ref C, ldc, accumulate);
        }
        else
        {
            PackedManyRows(m, full, k, ref A, lda, ref Pk, ref C, ldc, accumulate);
        }

        if (full < n)
        {
            PackedTailPanel(m, n, full, k, ref A, lda, ref Pk, ref C, ldc, accumulate);
        }
    }

    /// <summary>
    /// The classic blocking (many rows): a block of PackedColumnBlock columns × PackedDepthBlock depth of B (128 KB) stays in L2;
    /// each tile of rows sweeps across it with its slice of A (6 × 128 floats) in L1, finishing 6 rows × 256 columns of
    /// C at a time — C is touched row-contiguously, a few pages per tile, never a whole column of pages per panel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackedManyRows(int m, int full, int k, ref float A, int lda, ref float Pk, ref float C, int ldc, bool accumulate)
    {
        const int P = PackedPanels.Width;
        for (int j0 = 0; j0 < full; j0 += PackedColumnBlock)
        {
            int j1 = Math.Min(full, j0 + PackedColumnBlock);
            for (int p0 = 0; p0 < k; p0 += PackedDepthBlock)
            {
                int depth = Math.Min(PackedDepthBlock, k - p0);
                bool add = accumulate || p0 > 0;
                ref float Ap = ref Unsafe.Add(ref A, p0);
                ref float Bp = ref Unsafe.Add(ref Pk, p0 * P);
                for (int i = 0, rows; i < m; i += rows)
                {
                    rows = TileRows(m - i);
                    for (int j = j0; j < j1; j += P)
                    {
                        for (int half = 0; half < P; half += 2 * W) // one pass with 256-bit vectors, two with 128-bit
                        {
                            PanelTile(rows, ref Ap, ref Unsafe.Add(ref Bp, j * k + half), ref C, i, j + half, depth, lda, ldc, add);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Rows of the next tile of a packed product with <paramref name="remaining"/> rows left: 6, but 8 left end as two
    /// 4-row tiles (32 rows: 6 · 4 + 4 + 4, never a lone pair of single rows), then 4, then single rows.
    /// </summary>
    private static int TileRows(int remaining) => remaining >= 6 && remaining != 8 ? 6 : remaining >= 4 ? 4 : 1;

    /// <summary>
    /// C[i … i+rows, col … col+2W) (+)= A[i … i+rows, 0 … depth) · one 2W-column slice of a packed panel: the 6- or 4-row
    /// register tile, or a single row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PanelTile(int rows, ref float A, ref float panel, ref float C, int i, int col, int depth, int lda, int ldc, bool add)
    {
        const int P = PackedPanels.Width;
        if (rows == 6)
        {
            Tile6(ref A, ref panel, ref C, i, col, depth, lda, 1, P, ldc, add);
        }
        else if (rows == 4)
        {
            Tile4(ref A, ref panel, ref C, i, col, depth, lda, 1, P, ldc, add);
        }
        else
        {
            PanelRow(ref Unsafe.Add(ref A, i * lda), ref panel, depth, out TV c0, out TV c1);
            StoreVector(ref C, i * ldc + col, c0, c1, add);
        }
    }

    /// <summary>One row of A against one 2W-column slice of a packed panel, <paramref name="depth"/> deep: the two sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PanelRow(ref float ai, ref float panel, int depth, out TV c0, out TV c1)
    {
        const int P = PackedPanels.Width;
        c0 = default;
        c1 = default;
        for (int p = 0; p < depth; p++)
        {
            ref float bp = ref Unsafe.Add(ref panel, p * P);
            TV x = TV.Broadcast(Unsafe.Add(ref ai, p));
            c0 = TV.MultiplyAdd(x, TV.Load(ref bp, 0), c0);
            c1 = TV.MultiplyAdd(x, TV.Load(ref bp, (nuint)W), c1);
        }
    }

    /// <summary>
    /// The zero-padded last panel (columns [full, n)): each row's 16 sums in vectors, the real ones copied out, so a
    /// product whose width is not a multiple of the panel (an output layer of 10 or 65 classes) stays vectorised.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackedTailPanel(int m, int n, int full, int k, ref float A, int lda, ref float Pk, ref float C, int ldc, bool accumulate)
    {
        const int P = PackedPanels.Width;
        Span<float> sums = stackalloc float[P];
        ref float S = ref MemoryMarshal.GetReference(sums);
        ref float panel = ref Unsafe.Add(ref Pk, full * k);
        for (int i = 0; i < m; i++)
        {
            ref float ai = ref Unsafe.Add(ref A, i * lda);
            for (int half = 0; half < P && full + half < n; half += 2 * W)
            {
                PanelRow(ref ai, ref Unsafe.Add(ref panel, half), k, out TV c0, out TV c1);

                TV.Store(c0, ref S, (nuint)half);
                TV.Store(c1, ref S, (nuint)(half + W));
            }

            for (int j = full; j < n; j++)
            {
                Store(ref C, i * ldc + j, sums[j - full], accumulate);
            }
        }
    }

    /// <summary>Depth of one pass of the packed product (see <see cref="MultiplyPacked"/>).</summary>
    private const int PackedDepthBlock = 128;

    /// <summary>Columns of one block of the packed product (see <see cref="MultiplyPacked"/>).</summary>
    private const int PackedColumnBlock = 256;

    /// <summary>Up to this many rows (a per-step product over a batch), the packed product goes panel by panel (<see cref="PackedFewRows"/>).</summary>
    private const int FewRows = 48;

    /// <summary>
    /// A few rows (all of A's depth slice, ≤ 48 × 128 floats, stays in L1): panel by panel, each depth slice of a panel
    /// (8 KB) read from L2 once and met by every row tile — B streams once per step rather than once per row tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackedFewRows(int m, int full, int k, ref float A, int lda, ref float Pk, ref float C, int ldc, bool accumulate)
    {
        const int P = PackedPanels.Width;
        for (int p0 = 0; p0 < k; p0 += PackedDepthBlock)
        {
            int depth = Math.Min(PackedDepthBlock, k - p0);
            bool add = accumulate || p0 > 0;
            ref float Ap = ref Unsafe.Add(ref A, p0);
            for (int j = 0; j < full; j += P)
            {
                for (int half = 0; half < P; half += 2 * W)
                {
                    ref float panel = ref Unsafe.Add(ref Pk, j * k + p0 * P + half);
                    for (int i = 0, rows; i < m; i += rows)
                    {
                        rows = TileRows(m - i);
                        PanelTile(rows, ref Ap, ref panel, ref C, i, j + half, depth, lda, ldc, add);
                    }
                }
            }
        }
    }

    /// <summary>Rows of A per block of NN/TN: 6 · 32 rows of at most DepthBlock floats (192 KB) stay in L2.</summary>
    private const int RowTileBlock = 192;

    [ThreadStatic]
    private static float[]? t_panel;

    [ThreadStatic]
    private static float[]? t_packedB;

    [ThreadStatic]
    private static float[]? t_packedA;

    /// <summary>
    /// Whether an NT product goes through a packed Bᵀ (see <see cref="MultiplyNT"/>): about a hundred rows or more over a
    /// depth below 128, where the dot products' lane sums cost as much as their multiply-adds; from depth 128 the
    /// dot-product form wins (thresholds measured in docs/benchmarks.md).
    /// </summary>
    private static bool PackForNT(int m, int n, int k) => m >= 96 && n >= 16 && k < 128;

    /// <summary>This thread's NN/TN panel buffer (at most DepthBlock · 2W floats, plus short deep products).</summary>
    private static float[] PanelBuffer(int length) => ThreadBuffer(ref t_panel, Math.Max(length, DepthBlock * 2 * W));

    /// <summary>One of this thread's packing buffers, grown to <paramref name="length"/> when shorter (steady state: never).</summary>
    private static float[] ThreadBuffer(ref float[]? slot, int length)
    {
        float[]? buffer = slot;
        if (buffer is null || buffer.Length < length)
        {
            buffer = new float[length];
            slot = buffer;
        }

        return buffer;
    }

    /// <summary>C[i … i+5, j … j+2W) (+)= A[i … i+5, :] · B[:, j … j+2W): 12 accumulators, 2 B vectors and a broadcast (15 registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile6(ref float A, ref float Bm, ref float C, int i, int j, int k, nint rowStep, nint depthStep, int ldb, int ldc, bool accumulate)
    {
        TV c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        TV c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        ref float ai = ref Unsafe.Add(ref A, i * rowStep);
        for (int p = 0; p < k; p++)
        {
            ref float bp = ref Unsafe.Add(ref Bm, p * ldb);
            TV y0 = TV.Load(ref bp, 0), y1 = TV.Load(ref bp, (nuint)W);
            ref float ap = ref Unsafe.Add(ref ai, p * depthStep);
            TV x = TV.Broadcast(ap);
            c00 = TV.MultiplyAdd(x, y0, c00);
            c01 = TV.MultiplyAdd(x, y1, c01);
            x = TV.Broadcast(Unsafe.Add(ref ap, rowStep));
            c10 = TV.MultiplyAdd(x, y0, c10);
            c11 = TV.MultiplyAdd(x, y1, c11);
            x = TV.Broadcast(Unsafe.Add(ref ap, 2 * rowStep));
            c20 = TV.MultiplyAdd(x, y0, c20);
            c21 = TV.MultiplyAdd(x, y1, c21);
            x = TV.Broadcast(Unsafe.Add(ref ap, 3 * rowStep));
            c30 = TV.MultiplyAdd(x, y0, c30);
            c31 = TV.MultiplyAdd(x, y1, c31);
            x = TV.Broadcast(Unsafe.Add(ref ap, 4 * rowStep));
            c40 = TV.MultiplyAdd(x, y0, c40);
            c41 = TV.MultiplyAdd(x, y1, c41);
            x = TV.Broadcast(Unsafe.Add(ref ap, 5 * rowStep));
            c50 = TV.MultiplyAdd(x, y0, c50);
            c51 = TV.MultiplyAdd(x, y1, c51);
        }

        StoreVector(ref C, i * ldc + j, c00, c01, accumulate);
        StoreVector(ref C, (i + 1) * ldc + j, c10, c11, accumulate);
        StoreVector(ref C, (i + 2) * ldc + j, c20, c21, accumulate);
        StoreVector(ref C, (i + 3) * ldc + j, c30, c31, accumulate);
        StoreVector(ref C, (i + 4) * ldc + j, c40, c41, accumulate);
        StoreVector(ref C, (i + 5) * ldc + j, c50, c51, accumulate);
    }

    /// <summary>The 4-row version of <see cref="Tile6"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile4(ref float A, ref float Bm, ref float C, int i, int j, int k, nint rowStep, nint depthStep, int ldb, int ldc, bool accumulate)
    {
        TV c00 = default, c01 = default, c10 = default, c11 = default;
        TV c20 = default, c21 = default, c30 = default, c31 = default;
        ref float ai = ref Unsafe.Add(ref A, i * rowStep);
        for (int p = 0; p < k; p++)
        {
            ref float bp = ref Unsafe.Add(ref Bm, p * ldb);
            TV y0 = TV.Load(ref bp, 0), y1 = TV.Load(ref bp, (nuint)W);
            ref float ap = ref Unsafe.Add(ref ai, p * depthStep);
            TV x = TV.Broadcast(ap);
            c00 = TV.MultiplyAdd(x, y0, c00);
            c01 = TV.MultiplyAdd(x, y1, c01);
            x = TV.Broadcast(Unsafe.Add(ref ap, rowStep));
            c10 = TV.MultiplyAdd(x, y0, c10);
            c11 = TV.MultiplyAdd(x, y1, c11);
            x = TV.Broadcast(Unsafe.Add(ref ap, 2 * rowStep));
            c20 = TV.MultiplyAdd(x, y0, c20);
            c21 = TV.MultiplyAdd(x, y1, c21);
            x = TV.Broadcast(Unsafe.Add(ref ap, 3 * rowStep));
            c30 = TV.MultiplyAdd(x, y0, c30);
            c31 = TV.MultiplyAdd(x, y1, c31);
        }

        StoreVector(ref C, i * ldc + j, c00, c01, accumulate);
        StoreVector(ref C, (i + 1) * ldc + j, c10, c11, accumulate);
        StoreVector(ref C, (i + 2) * ldc + j, c20, c21, accumulate);
        StoreVector(ref C, (i + 3) * ldc + j, c30, c31, accumulate);
    }

    /// <summary>Columns [from, n) of row i, one vector at a time then scalars.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowTail(ref float A, ref float Bm, ref float C, int i, int from, int n, int k, nint rowStep, nint depthStep, int ldb, int ldc, bool accumulate)
    {
        ref float ai = ref Unsafe.Add(ref A, i * rowStep);
        int j = from;
        for (; j + W <= n; j += W)
        {
            TV acc = default;
            for (int p = 0; p < k; p++)
            {
                acc = TV.MultiplyAdd(TV.Broadcast(Unsafe.Add(ref ai, p * depthStep)), TV.Load(ref Unsafe.Add(ref Bm, p * ldb + j), 0), acc);
            }

            ref float cj = ref Unsafe.Add(ref C, i * ldc + j);
            TV.Store(accumulate ? TV.Add(acc, TV.Load(ref cj, 0)) : acc, ref cj, 0);
        }

        for (; j < n; j++)
        {
            float sum = 0;
            for (int p = 0; p < k; p++)
            {
                sum += Unsafe.Add(ref ai, p * depthStep) * Unsafe.Add(ref Bm, p * ldb + j);
            }

            Store(ref C, i * ldc + j, sum, accumulate);
        }
    }

    /// <summary>
    /// Columns [from, n) of C rows [i0, i1) when A is stored transposed ([k, m]): A[p, i … i+W) is contiguous, so each
    /// column of C is a sum of vectors of A times broadcast elements of B — four vectors of rows at a time (four
    /// independent chains), then one, then single rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposedTailColumns(ref float A, ref float Bm, ref float C, int i0, int i1, int from, int n, int k,
        int lda, int ldb, int ldc, bool accumulate)
    {
        Span<float> lanes = stackalloc float[4 * W];
        ref float L = ref MemoryMarshal.GetReference(lanes);
        for (int j = from; j < n; j++)
        {
            int i = i0;
            for (; i + 4 * W <= i1; i += 4 * W)
            {
                TV s0 = default, s1 = default, s2 = default, s3 = default;
                for (int p = 0; p < k; p++)
                {
                    TV y = TV.Broadcast(Unsafe.Add(ref Bm, p * ldb + j));
                    ref float ap = ref Unsafe.Add(ref A, p * lda + i);
                    s0 = TV.MultiplyAdd(TV.Load(ref ap, 0), y, s0);
                    s1 = TV.MultiplyAdd(TV.Load(ref ap, (nuint)W), y, s1);
                    s2 = TV.MultiplyAdd(TV.Load(ref ap, (nuint)(2 * W)), y, s2);
                    s3 = TV.MultiplyAdd(TV.Load(ref ap, (nuint)(3 * W)), y, s3);
                }

                TV.Store(s0, ref L, 0);
                TV.Store(s1, ref L, (nuint)W);
                TV.Store(s2, ref L, (nuint)(2 * W));
                TV.Store(s3, ref L, (nuint)(3 * W));
                for (int r = 0; r < 4 * W; r++)
                {
                    Store(ref C, (i + r) * ldc + j, lanes[r], accumulate);
                }
            }

            for (; i < i1; i++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++)
                {
                    sum += Unsafe.Add(ref A, p * lda + i) * Unsafe.Add(ref Bm, p * ldb + j);
                }

                Store(ref C, i * ldc + j, sum, accumulate);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreVector(ref float C, int offset, TV v0, TV v1, bool accumulate)
    {
        ref float c = ref Unsafe.Add(ref C, offset);
        if (accumulate)
        {
            v0 = TV.Add(v0, TV.Load(ref c, 0));
            v1 = TV.Add(v1, TV.Load(ref c, (nuint)W));
        }

        TV.Store(v0, ref c, 0);
        TV.Store(v1, ref c, (nuint)W);
    }

    /// <summary>Four consecutive elements of C: <c>C[offset … offset + 3] (+)= sums</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(ref float C, int offset, Vector128<float> sums, bool accumulate)
    {
        ref float c = ref Unsafe.Add(ref C, offset);
        (accumulate ? Vector128.LoadUnsafe(ref c) + sums : sums).StoreUnsafe(ref c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref float C, int offset, float value, bool accumulate)
    {
        ref float c = ref Unsafe.Add(ref C, offset);
        c = accumulate ? c + value : value;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Dot(ref float x, ref float y, int k)
    {
        int kv = k - k % W;
        TV s = default;
        for (int p = 0; p < kv; p += W)
        {
            s = TV.MultiplyAdd(TV.Load(ref x, (nuint)p), TV.Load(ref y, (nuint)p), s);
        }

        float r = TV.Sum(s);
        for (int p = kv; p < k; p++)
        {
            r += Unsafe.Add(ref x, p) * Unsafe.Add(ref y, p);
        }

        return r;
    }
}
