using RnnGen.Kernels;

namespace RnnGen.Tests.Kernels;

/// <summary>Every vector path of every matrix product against the scalar reference, for every size 0…40 (so every tail runs).</summary>
[Collection(nameof(GemmPathCollection))]
public sealed class GemmTests
{
    public static TheoryData<GemmPath, string> Paths()
    {
        var data = new TheoryData<GemmPath, string>();
        foreach (GemmPath path in new[] { GemmPath.Vector256, GemmPath.Vector128 })
        {
            foreach (string op in new[] { "NT", "NN", "TN", "PNT", "PNN" })
            {
                data.Add(path, op);
            }
        }

        // The packed product's own scalar reference, against the plain products (so the packing is checked too).
        data.Add(GemmPath.Scalar, "PNT");
        data.Add(GemmPath.Scalar, "PNN");

        return data;
    }

    [Fact]
    public void The_machine_runs_the_256_bit_path_by_default()
    {
        // This machine has AVX2 + FMA; a regression that silently falls back to scalar would show here.
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported)
        {
            Assert.Equal(GemmPath.Vector256, Gemm.ActivePath);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Every_size_matches_the_scalar_reference(GemmPath path, string op)
    {
        Assert.True(Gemm.IsSupported(path) || path != GemmPath.Vector256, "unexpected");
        if (!Gemm.IsSupported(path))
        {
            return;
        }

        var random = new Random(17);
        int[] ms = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13 }; // every row-tile mix: 3s and 2s (NT), 6s, 4s and singles (NN, TN, packed: 8 = 4 + 4)
        int checkedCases = 0;
        try
        {
            foreach (int m in ms)
            {
                for (int n = 0; n <= 40; n++)
                {
                    for (int k = 0; k <= 40; k++)
                    {
                        foreach (bool accumulate in new[] { false, true })
                        {
                            Check(path, op, m, n, k, accumulate, pad: (m + n + k) % 3, random);
                            checkedCases++;
                        }
                    }
                }
            }
        }
        finally
        {
            Gemm.Override = GemmPath.Auto;
        }

        Assert.Equal(ms.Length * 41 * 41 * 2, checkedCases);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Large_products_match_the_scalar_reference(GemmPath path, string op)
    {
        if (!Gemm.IsSupported(path))
        {
            return;
        }

        try
        {
            Check(path, op, 64, 512, 256, accumulate: true, pad: 3, new Random(5));
            Check(path, op, 33, 97, 131, accumulate: false, pad: 0, new Random(6));
            Check(path, op, 197, 45, 300, accumulate: true, pad: 1, new Random(7)); // crosses a row block and a depth pass
            Check(path, op, 130, 47, 19, accumulate: false, pad: 2, new Random(8)); // NT: many rows through packed Bᵀ, tail panel
            Check(path, op, 101, 300, 40, accumulate: true, pad: 0, new Random(9)); // NT: packed Bᵀ over two column blocks of the classic order
        }
        finally
        {
            Gemm.Override = GemmPath.Auto;
        }
    }

    private static void Check(GemmPath path, string op, int m, int n, int k, bool accumulate, int pad, Random random)
    {
        // A is [m, k] (NT, NN) or [k, m] (TN); B is [n, k] (NT, PNT) or [k, n]; every leading dimension padded by `pad`.
        // PNT / PNN: B packed into panels (PackedPanels) and multiplied by Gemm.MultiplyPacked; the reference is the plain NT / NN.
        (int aRows, int aCols) = op == "TN" ? (k, m) : (m, k);
        (int bRows, int bCols) = op is "NT" or "PNT" ? (n, k) : (k, n);
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
        float[] a = Fill(random, aRows * lda), b = Fill(random, bRows * ldb), c0 = Fill(random, m * ldc);
        float[] expected = (float[])c0.Clone(), actual = (float[])c0.Clone();

        Gemm.Override = GemmPath.Scalar;
        Run(op.TrimStart('P'), m, n, k, a, lda, b, ldb, expected, ldc, accumulate);
        Gemm.Override = path;
        Run(op, m, n, k, a, lda, b, ldb, actual, ldc, accumulate);

        for (int i = 0; i < expected.Length; i++)
        {
            float tolerance = 1e-5f * (k + 1) + 1e-5f * Math.Abs(expected[i]);
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"{path} {op} m={m} n={n} k={k} acc={accumulate} pad={pad}: C[{i}] = {actual[i]} but the reference gives {expected[i]}");
        }
    }

    private static void Run(string op, int m, int n, int k, float[] a, int lda, float[] b, int ldb, float[] c, int ldc, bool accumulate)
    {
        switch (op)
        {
            case "NT": Gemm.MultiplyNT(m, n, k, a, lda, b, ldb, c, ldc, accumulate); break;
            case "NN": Gemm.MultiplyNN(m, n, k, a, lda, b, ldb, c, ldc, accumulate); break;
            case "PNT":
            case "PNN":
                // NaN in the slack past the packed size would show if a kernel read beyond it
                float[] packed = new float[PackedPanels.Size(n, k) + 5];
                Array.Fill(packed, float.NaN);
                if (op == "PNT") PackedPanels.PackTransposed(n, k, b, ldb, packed);
                else PackedPanels.Pack(k, n, b, ldb, packed);
                Gemm.MultiplyPacked(m, n, k, a, lda, packed, c, ldc, accumulate);
                break;
            default: Gemm.MultiplyTN(m, n, k, a, lda, b, ldb, c, ldc, accumulate); break;
        }
    }

    private static float[] Fill(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    [Fact]
    public void The_default_path_for_depths_below_a_vector_matches_the_scalar_reference()
    {
        // NT with k < 4 (one to three input features) takes its own path only under GemmPath.Auto; k = 1 with ldb = 1 is a
        // contiguous column (the vector multiply-add), every other case short dot products.
        var random = new Random(23);
        int checkedCases = 0;
        foreach (int m in new[] { 0, 1, 2, 3, 7 })
        {
            for (int n = 0; n <= 40; n++)
            {
                for (int k = 0; k < 4; k++)
                {
                    foreach (bool accumulate in new[] { false, true })
                    {
                        int pad = (m + n) % 2, lda = k + pad, ldb = k + pad, ldc = n + pad;
                        float[] a = Fill(random, m * lda), b = Fill(random, n * ldb), c0 = Fill(random, m * ldc);
                        float[] expected = (float[])c0.Clone(), actual = (float[])c0.Clone();
                        GemmScalar.MultiplyNT(m, n, k, a, lda, b, ldb, expected, ldc, accumulate);
                        Gemm.MultiplyNT(m, n, k, a, lda, b, ldb, actual, ldc, accumulate);
                        for (int i = 0; i < expected.Length; i++)
                        {
                            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * (1 + Math.Abs(expected[i])),
                                $"m={m} n={n} k={k} acc={accumulate} lda={lda} ldb={ldb}: C[{i}] = {actual[i]} but the reference gives {expected[i]}");
                        }

                        checkedCases++;
                    }
                }
            }
        }

        Assert.Equal(5 * 41 * 4 * 2, checkedCases);
    }

    [Fact]
    public void A_too_short_packed_operand_is_rejected_with_the_sizes_named()
    {
        var ex = Assert.Throws<ArgumentException>(() => Gemm.MultiplyPacked(2, 17, 3, new float[6], 3, new float[PackedPanels.Size(16, 3)], new float[34], 17, false));
        Assert.Contains("packed: expected at least 96 floats (n = 17 columns in panels of 16, depth k = 3) but got 48", ex.Message);
    }

    [Fact]
    public void Too_short_spans_are_rejected_with_the_operand_named()
    {
        var ex = Assert.Throws<ArgumentException>(() => Gemm.MultiplyNT(2, 3, 4, new float[7], 4, new float[12], 4, new float[6], 3, false));
        Assert.Contains("a: a [2, 4] matrix", ex.Message);
    }
}

/// <summary>Tests that switch <see cref="Gemm.Override"/> must not run beside tests that use the default path.</summary>
[CollectionDefinition(nameof(GemmPathCollection), DisableParallelization = true)]
public sealed class GemmPathCollection
{
}
