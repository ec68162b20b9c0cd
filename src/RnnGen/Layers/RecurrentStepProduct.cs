using RnnGen.Kernels;

namespace RnnGen.Layers;

/// <summary>
/// The per-step recurrent product of one kernel call over W_hh [rows, units] (rows = gates · units): over a copy packed
/// once per call into the layer's cache (<see cref="PackedPanels"/>) when <see cref="RecurrentCommon"/> says it pays for
/// this call's batch and length, otherwise over W_hh as it is. Forward: <c>pre_t += h_(t−1) · W_hhᵀ</c>; backward:
/// <c>∂h_(t−1) = ∂pre_t · W_hh</c>.
/// </summary>
internal readonly ref struct RecurrentStepProduct
{
    private readonly ReadOnlySpan<float> _recurrent, _packed;
    private readonly int _rows, _units;
    private readonly bool _usePacked;

    private RecurrentStepProduct(ReadOnlySpan<float> recurrent, ReadOnlySpan<float> packed, int rows, int units, bool usePacked)
    {
        _recurrent = recurrent;
        _packed = packed;
        _rows = rows;
        _units = units;
        _usePacked = usePacked;
    }

    /// <summary>
    /// For a forward pass: packs W_hhᵀ into <paramref name="scratch"/> when <see cref="RecurrentCommon.UsePackedForward"/> (and
    /// <paramref name="allowed"/>). The shares of a split call (<see cref="RecurrentParallel"/>) pass the whole call's
    /// <paramref name="s"/> and <paramref name="pack"/> = false: the caller packed once for all of them.
    /// </summary>
    public static RecurrentStepProduct Forward(in RecurrentSequence s, ReadOnlySpan<float> recurrent, int rows, int units, Span<float> scratch, bool allowed = true, bool pack = true)
    {
        bool usePacked = allowed && RecurrentCommon.UsePackedForward(s, units);
        if (usePacked && pack)
        {
            PackedPanels.PackTransposed(rows, units, recurrent, units, scratch);
        }

        return new(recurrent, scratch, rows, units, usePacked);
    }

    /// <summary>For a backward pass: packs W_hh into <paramref name="scratch"/> when <see cref="RecurrentCommon.UsePacked"/> (and <paramref name="allowed"/>); <paramref name="pack"/> as in <see cref="Forward"/>.</summary>
    public static RecurrentStepProduct Backward(in RecurrentSequence s, ReadOnlySpan<float> recurrent, int rows, int units, Span<float> scratch, bool allowed = true, bool pack = true)
    {
        bool usePacked = allowed && RecurrentCommon.UsePacked(s);
        if (usePacked && pack)
        {
            PackedPanels.Pack(rows, units, recurrent, units, scratch);
        }

        return new(recurrent, scratch, rows, units, usePacked);
    }

    /// <summary><c>c[batch, rows] += h[batch, units] · W_hhᵀ</c> (rows of c <paramref name="ldc"/> apart).</summary>
    public void AddForward(int batch, ReadOnlySpan<float> h, Span<float> c, int ldc)
    {
        if (_usePacked)
        {
            Gemm.MultiplyPacked(batch, _rows, _units, h, _units, _packed, c, ldc, accumulate: true);
        }
        else
        {
            Gemm.MultiplyNT(batch, _rows, _units, h, _units, _recurrent, _units, c, ldc, accumulate: true);
        }
    }

    /// <summary><c>dh[batch, units] = dz[batch, rows] · W_hh</c> (rows of dz <paramref name="ldz"/> apart).</summary>
    public void Backward(int batch, ReadOnlySpan<float> dz, int ldz, Span<float> dh)
    {
        if (_usePacked)
        {
            Gemm.MultiplyPacked(batch, _units, _rows, dz, ldz, _packed, dh, _units, accumulate: false);
        }
        else
        {
            Gemm.MultiplyNN(batch, _units, _rows, dz, ldz, _recurrent, _units, dh, _units, accumulate: false);
        }
    }
}
