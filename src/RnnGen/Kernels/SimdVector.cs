using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>
/// The vector operations the matrix products need, as static members of an operator struct (the TensorPrimitives
/// pattern): <see cref="GemmSimd{TVector}"/> is written once and the JIT compiles it per width with the calls inlined.
/// </summary>
internal interface ISimdVector<TSelf> where TSelf : struct, ISimdVector<TSelf>
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }

    static abstract TSelf Load(ref float source, nuint offset);

    static abstract void Store(TSelf value, ref float destination, nuint offset);

    static abstract TSelf Broadcast(float value);

    /// <summary><c>a · b + c</c>, fused where the hardware has FMA.</summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf c);

    static abstract TSelf Add(TSelf a, TSelf b);

    /// <summary>The sum of the lanes.</summary>
    static abstract float Sum(TSelf value);

    /// <summary>The lane sums of four vectors at once, <c>[Σa, Σb, Σc, Σd]</c> (cheaper than four <see cref="Sum"/>s).</summary>
    static abstract Vector128<float> Sum4(TSelf a, TSelf b, TSelf c, TSelf d);
}

/// <summary>256-bit vectors (AVX2 + FMA on x64).</summary>
internal readonly struct Simd256 : ISimdVector<Simd256>
{
    private readonly Vector256<float> _v;

    private Simd256(Vector256<float> v) => _v = v;

    public static int Count => Vector256<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Load(ref float source, nuint offset) => new(Vector256.LoadUnsafe(ref source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd256 value, ref float destination, nuint offset) => value._v.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Broadcast(float value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 MultiplyAdd(Simd256 a, Simd256 b, Simd256 c) => new(Vector256.FusedMultiplyAdd(a._v, b._v, c._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Add(Simd256 a, Simd256 b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Simd256 value) => Vector256.Sum(value._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Simd256 a, Simd256 b, Simd256 c, Simd256 d)
    {
        if (Avx.IsSupported)
        {
            // Per 128-bit lane: hadd(hadd(a, b), hadd(c, d)) = [a, b, c, d] partial sums; then add the two lanes.
            Vector256<float> u = Avx.HorizontalAdd(Avx.HorizontalAdd(a._v, b._v), Avx.HorizontalAdd(c._v, d._v));
            return u.GetLower() + u.GetUpper();
        }

        return Vector128.Create(Vector256.Sum(a._v), Vector256.Sum(b._v), Vector256.Sum(c._v), Vector256.Sum(d._v));
    }
}

/// <summary>128-bit vectors (the fallback where 256-bit vectors are not accelerated).</summary>
internal readonly struct Simd128 : ISimdVector<Simd128>
{
    private readonly Vector128<float> _v;

    private Simd128(Vector128<float> v) => _v = v;

    public static int Count => Vector128<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 Load(ref float source, nuint offset) => new(Vector128.LoadUnsafe(ref source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd128 value, ref float destination, nuint offset) => value._v.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 Broadcast(float value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 MultiplyAdd(Simd128 a, Simd128 b, Simd128 c) => new(Vector128.FusedMultiplyAdd(a._v, b._v, c._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 Add(Simd128 a, Simd128 b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Simd128 value) => Vector128.Sum(value._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Simd128 a, Simd128 b, Simd128 c, Simd128 d)
    {
        if (Sse3.IsSupported)
        {
            return Sse3.HorizontalAdd(Sse3.HorizontalAdd(a._v, b._v), Sse3.HorizontalAdd(c._v, d._v));
        }

        return Vector128.Create(Vector128.Sum(a._v), Vector128.Sum(b._v), Vector128.Sum(c._v), Vector128.Sum(d._v));
    }
}

/// <summary>Lane operations the gate math shares between its fixed-width forms.</summary>
internal static class Simd
{
    /// <summary>
    /// x clamped to ±<paramref name="limit"/> with the processor's min/max, one instruction each (the portable
    /// <c>Vector256.Min/Max</c> follow IEEE 754-2019's NaN and signed-zero rules with about ten); the limit is the first
    /// operand, so a NaN x comes through as NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Clamp(Vector256<float> x, Vector256<float> limit)
        => Avx.IsSupported ? Avx.Min(limit, Avx.Max(-limit, x)) : Vector256.Min(Vector256.Max(x, -limit), limit);

    /// <inheritdoc cref="Clamp(Vector256{float}, Vector256{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Clamp(Vector512<float> x, Vector512<float> limit)
        => Avx512F.IsSupported ? Avx512F.Min(limit, Avx512F.Max(-limit, x)) : Vector512.Min(Vector512.Max(x, -limit), limit);
}
