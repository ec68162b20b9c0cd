using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>
/// The gate functions of the recurrent cells: tanh as a rational approximation (absolute error ≤ 2.4e−7) and
/// σ(x) = ½ · tanh(x / 2) + ½ — no exp, no overflow, no denormals — written once over the vector width; and the fused
/// rows of the cells (<see cref="LstmCell"/>, <see cref="GruCell"/>) under their public names.
/// </summary>
public static class GateMath
{
    /// <summary>σ(x) = ½ · tanh(x / 2) + ½, elementwise (absolute error ≤ 2e−7, the accuracy a gate needs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => RationalSigmoid(new Simd256(x)).Value;

    /// <summary>
    /// tanh(x), elementwise: a rational minimax approximation p(x) / q(x) (odd degree 13 over even degree 6, the
    /// coefficients of Eigen's float tanh) on x clamped to ±7.9053 (beyond which tanh is ±1 in float), evaluated with fused
    /// multiply-adds — one division and two short polynomial chains, about half the dependent latency of the exp form.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x) => RationalTanh(new Simd256(x)).Value;

    /// <summary>The 512-bit <see cref="Sigmoid(Vector256{float})"/> (same formula, same coefficients, same results lane for lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => RationalSigmoid(new Simd512(x)).Value;

    /// <summary>The 512-bit <see cref="Tanh(Vector256{float})"/> (same rational approximation, same results lane for lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x) => RationalTanh(new Simd512(x)).Value;

    /// <summary>σ(x) = ½ · tanh(x / 2) + ½ over any vector width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV RationalSigmoid<TV>(TV x) where TV : struct, ISimdVector<TV>
    {
        TV half = TV.Broadcast(0.5f);
        return TV.GateMultiplyAdd(RationalTanh(x * half), half, half);
    }

    /// <summary>The rational tanh of <see cref="Tanh(Vector256{float})"/> over any vector width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV RationalTanh<TV>(TV x) where TV : struct, ISimdVector<TV>
    {
        x = TV.Clamp(x, TV.Broadcast(7.90531110763549805f));
        TV x2 = x * x;
        TV p = TV.GateMultiplyAdd(x2, TV.Broadcast(-2.76076847742355e-16f), TV.Broadcast(2.00018790482477e-13f));
        p = TV.GateMultiplyAdd(p, x2, TV.Broadcast(-8.60467152213735e-11f));
        p = TV.GateMultiplyAdd(p, x2, TV.Broadcast(5.12229709037114e-08f));
        p = TV.GateMultiplyAdd(p, x2, TV.Broadcast(1.48572235717979e-05f));
        p = TV.GateMultiplyAdd(p, x2, TV.Broadcast(6.37261928875436e-04f));
        p = TV.GateMultiplyAdd(p, x2, TV.Broadcast(4.89352455891786e-03f));
        p *= x;
        TV q = TV.GateMultiplyAdd(x2, TV.Broadcast(1.19825839466702e-06f), TV.Broadcast(1.18534705686654e-04f));
        q = TV.GateMultiplyAdd(q, x2, TV.Broadcast(2.26843463243900e-03f));
        q = TV.GateMultiplyAdd(q, x2, TV.Broadcast(4.89352518554385e-03f));
        return p / q;
    }

    /// <summary>
    /// One LSTM row (<see cref="LstmCell.Forward"/>): <paramref name="gates"/> [4H] holds the pre-activations i, f, g, o and
    /// receives the activations; <paramref name="cell"/> [H] holds c_(t−1) and receives c_t; <paramref name="hidden"/> [H]
    /// receives h_t = o ⊙ tanh(c_t). <paramref name="peepholes"/> [3H] (or empty) adds p_i ⊙ c_(t−1), p_f ⊙ c_(t−1) and p_o ⊙ c_t.
    /// </summary>
    public static void LstmRow(Span<float> gates, Span<float> cell, Span<float> hidden, ReadOnlySpan<float> peepholes, int H)
        => LstmCell.Forward(gates, cell, hidden, peepholes, H);

    /// <summary>
    /// One reset-after GRU row (<see cref="GruCell.ForwardResetAfter"/>): <paramref name="gates"/> [3H] holds x·W_iᵀ + b_i
    /// (r, z, n) and receives r, z, n after their activations; <paramref name="recurrent"/> [3H] is h_(t−1)·W_hᵀ + b_h;
    /// <paramref name="recurrentN"/> [H] receives its n block (kept for backward); <paramref name="hidden"/> [H] holds
    /// h_(t−1) and receives h_t = n + z ⊙ (h_(t−1) − n).
    /// </summary>
    public static void GruRowResetAfter(Span<float> gates, ReadOnlySpan<float> recurrent, Span<float> recurrentN, Span<float> hidden, int H)
        => GruCell.ForwardResetAfter(gates, recurrent, recurrentN, hidden, H);
}
