using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>
/// The gate functions of the recurrent cells: tanh as a rational approximation (absolute error ≤ 2.4e−7) and
/// σ(x) = ½ · tanh(x / 2) + ½ — no exp, no overflow, no denormals — at each vector width; and the fused
/// rows of the cells (<see cref="LstmCell"/>, <see cref="GruCell"/>) under their public names.
/// </summary>
public static class GateMath
{
    // The gate functions are written per width (the shape of TensorPrimitives' Invoke overloads) rather than once over
    // ISimdVector: the fused cell rows inline several of them, and wrapper-struct calls would exceed the JIT's inline budget.

    /// <summary>σ(x) = ½ · tanh(x / 2) + ½, elementwise (absolute error ≤ 2e−7, the accuracy a gate needs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x)
    {
        Vector256<float> half = Vector256.Create(0.5f);
        return Mad(Tanh(x * half), half, half);
    }

    /// <summary>
    /// tanh(x), elementwise: a rational minimax approximation p(x) / q(x) (odd degree 13 over even degree 6, the
    /// coefficients of Eigen's float tanh) on x clamped to ±7.9053 (beyond which tanh is ±1 in float), evaluated with fused
    /// multiply-adds — one division and two short polynomial chains, about half the dependent latency of the exp form.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> clamp = Vector256.Create(7.90531110763549805f);
        x = Clamp(x, clamp);
        Vector256<float> x2 = x * x;
        Vector256<float> p = Mad(x2, Vector256.Create(-2.76076847742355e-16f), Vector256.Create(2.00018790482477e-13f));
        p = Mad(p, x2, Vector256.Create(-8.60467152213735e-11f));
        p = Mad(p, x2, Vector256.Create(5.12229709037114e-08f));
        p = Mad(p, x2, Vector256.Create(1.48572235717979e-05f));
        p = Mad(p, x2, Vector256.Create(6.37261928875436e-04f));
        p = Mad(p, x2, Vector256.Create(4.89352455891786e-03f));
        p *= x;
        Vector256<float> q = Mad(x2, Vector256.Create(1.19825839466702e-06f), Vector256.Create(1.18534705686654e-04f));
        q = Mad(q, x2, Vector256.Create(2.26843463243900e-03f));
        q = Mad(q, x2, Vector256.Create(4.89352518554385e-03f));
        return p / q;
    }

    /// <summary>a · b + c, one fused instruction where the machine has FMA, else a multiply and an add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Mad(Vector256<float> a, Vector256<float> b, Vector256<float> c)
        => System.Runtime.Intrinsics.X86.Fma.IsSupported ? System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a, b, c) : a * b + c;

    /// <summary>The 512-bit <see cref="Sigmoid(Vector256{float})"/> (same formula, same coefficients, same results lane for lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x)
    {
        Vector512<float> half = Vector512.Create(0.5f);
        return Mad(Tanh(x * half), half, half);
    }

    /// <summary>The 512-bit <see cref="Tanh(Vector256{float})"/> (same rational approximation, same results lane for lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        Vector512<float> clamp = Vector512.Create(7.90531110763549805f);
        x = Clamp(x, clamp);
        Vector512<float> x2 = x * x;
        Vector512<float> p = Mad(x2, Vector512.Create(-2.76076847742355e-16f), Vector512.Create(2.00018790482477e-13f));
        p = Mad(p, x2, Vector512.Create(-8.60467152213735e-11f));
        p = Mad(p, x2, Vector512.Create(5.12229709037114e-08f));
        p = Mad(p, x2, Vector512.Create(1.48572235717979e-05f));
        p = Mad(p, x2, Vector512.Create(6.37261928875436e-04f));
        p = Mad(p, x2, Vector512.Create(4.89352455891786e-03f));
        p *= x;
        Vector512<float> q = Mad(x2, Vector512.Create(1.19825839466702e-06f), Vector512.Create(1.18534705686654e-04f));
        q = Mad(q, x2, Vector512.Create(2.26843463243900e-03f));
        q = Mad(q, x2, Vector512.Create(4.89352518554385e-03f));
        return p / q;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Mad(Vector512<float> a, Vector512<float> b, Vector512<float> c)
        => Vector512.FusedMultiplyAdd(a, b, c); // fused on every machine (emulated lane by lane without AVX-512), as the 256-bit Mad is

    /// <summary>The 128-bit <see cref="Sigmoid(Vector256{float})"/> (same formula, same coefficients).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Sigmoid(Vector128<float> x)
    {
        Vector128<float> half = Vector128.Create(0.5f);
        return Mad(Tanh(x * half), half, half);
    }

    /// <summary>The 128-bit <see cref="Tanh(Vector256{float})"/> (same rational approximation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Tanh(Vector128<float> x)
    {
        Vector128<float> clamp = Vector128.Create(7.90531110763549805f);
        x = Clamp(x, clamp);
        Vector128<float> x2 = x * x;
        Vector128<float> p = Mad(x2, Vector128.Create(-2.76076847742355e-16f), Vector128.Create(2.00018790482477e-13f));
        p = Mad(p, x2, Vector128.Create(-8.60467152213735e-11f));
        p = Mad(p, x2, Vector128.Create(5.12229709037114e-08f));
        p = Mad(p, x2, Vector128.Create(1.48572235717979e-05f));
        p = Mad(p, x2, Vector128.Create(6.37261928875436e-04f));
        p = Mad(p, x2, Vector128.Create(4.89352455891786e-03f));
        p *= x;
        Vector128<float> q = Mad(x2, Vector128.Create(1.19825839466702e-06f), Vector128.Create(1.18534705686654e-04f));
        q = Mad(q, x2, Vector128.Create(2.26843463243900e-03f));
        q = Mad(q, x2, Vector128.Create(4.89352518554385e-03f));
        return p / q;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Mad(Vector128<float> a, Vector128<float> b, Vector128<float> c)
        => System.Runtime.Intrinsics.X86.Fma.IsSupported ? System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a, b, c) : a * b + c;

    /// <summary>
    /// x clamped to ±<paramref name="limit"/> with the processor's min/max, one instruction each (the portable Min/Max
    /// follow IEEE 754-2019's NaN and signed-zero rules with about ten); the limit is the first operand, so a NaN x stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Clamp(Vector256<float> x, Vector256<float> limit)
        => Avx.IsSupported ? Avx.Min(limit, Avx.Max(-limit, x)) : Vector256.Min(Vector256.Max(x, -limit), limit);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Clamp(Vector512<float> x, Vector512<float> limit)
        => Avx512F.IsSupported ? Avx512F.Min(limit, Avx512F.Max(-limit, x)) : Vector512.Min(Vector512.Max(x, -limit), limit);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Clamp(Vector128<float> x, Vector128<float> limit)
        => Sse.IsSupported ? Sse.Min(limit, Sse.Max(-limit, x)) : Vector128.Min(Vector128.Max(x, -limit), limit);

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
