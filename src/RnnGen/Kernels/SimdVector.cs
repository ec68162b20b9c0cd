using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>
/// One vector width as an operator struct (the TensorPrimitives pattern): kernels are written once over
/// <typeparamref name="TSelf"/> and the JIT compiles them per width with every call inlined. The widths are
/// <see cref="Simd512"/>, <see cref="Simd256"/>, <see cref="Simd128"/> and <see cref="SimdScalar"/> (one lane, the
/// reference and the tail); <see cref="VectorLoop"/> picks them at run time.
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

    static abstract TSelf operator +(TSelf a, TSelf b);

    static abstract TSelf operator -(TSelf a, TSelf b);

    static abstract TSelf operator *(TSelf a, TSelf b);

    static abstract TSelf operator /(TSelf a, TSelf b);

    /// <summary>σ(x) as the gates compute it: <see cref="GateMath.Sigmoid(Vector256{float})"/> on vectors, <c>1 / (1 + e^−x)</c> on one lane.</summary>
    static abstract TSelf Sigmoid(TSelf x);

    /// <summary>tanh(x) as the gates compute it: <see cref="GateMath.Tanh(Vector256{float})"/> on vectors, <see cref="MathF.Tanh"/> on one lane.</summary>
    static abstract TSelf Tanh(TSelf x);

    /// <summary>The sum of the lanes.</summary>
    static abstract float Sum(TSelf value);

    /// <summary>The lane sums of four vectors at once, <c>[Σa, Σb, Σc, Σd]</c> (cheaper than four <see cref="Sum"/>s).</summary>
    static abstract Vector128<float> Sum4(TSelf a, TSelf b, TSelf c, TSelf d);
}

/// <summary>512-bit vectors (AVX-512 on x64; emulated elsewhere, which only tests force).</summary>
internal readonly struct Simd512 : ISimdVector<Simd512>
{
    private readonly Vector512<float> _v;

    internal Simd512(Vector512<float> v) => _v = v;

    public Vector512<float> Value => _v;

    public static int Count => Vector512<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Load(ref float source, nuint offset) => new(Vector512.LoadUnsafe(ref source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd512 value, ref float destination, nuint offset) => value._v.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Broadcast(float value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 MultiplyAdd(Simd512 a, Simd512 b, Simd512 c) => new(Vector512.FusedMultiplyAdd(a._v, b._v, c._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Add(Simd512 a, Simd512 b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 operator +(Simd512 a, Simd512 b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 operator -(Simd512 a, Simd512 b) => new(a._v - b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 operator *(Simd512 a, Simd512 b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 operator /(Simd512 a, Simd512 b) => new(a._v / b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Sigmoid(Simd512 x) => new(GateMath.Sigmoid(x._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Tanh(Simd512 x) => new(GateMath.Tanh(x._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Simd512 value) => Vector512.Sum(value._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Simd512 a, Simd512 b, Simd512 c, Simd512 d)
        => Simd256.Sum4(new(a._v.GetLower() + a._v.GetUpper()), new(b._v.GetLower() + b._v.GetUpper()),
            new(c._v.GetLower() + c._v.GetUpper()), new(d._v.GetLower() + d._v.GetUpper()));
}

/// <summary>256-bit vectors (AVX2 + FMA on x64).</summary>
internal readonly struct Simd256 : ISimdVector<Simd256>
{
    private readonly Vector256<float> _v;

    internal Simd256(Vector256<float> v) => _v = v;

    public Vector256<float> Value => _v;

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
    public static Simd256 operator +(Simd256 a, Simd256 b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 operator -(Simd256 a, Simd256 b) => new(a._v - b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 operator *(Simd256 a, Simd256 b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 operator /(Simd256 a, Simd256 b) => new(a._v / b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Sigmoid(Simd256 x) => new(GateMath.Sigmoid(x._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Tanh(Simd256 x) => new(GateMath.Tanh(x._v));

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

    internal Simd128(Vector128<float> v) => _v = v;

    public Vector128<float> Value => _v;

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
    public static Simd128 operator +(Simd128 a, Simd128 b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 operator -(Simd128 a, Simd128 b) => new(a._v - b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 operator *(Simd128 a, Simd128 b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 operator /(Simd128 a, Simd128 b) => new(a._v / b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 Sigmoid(Simd128 x) => new(GateMath.Sigmoid(x._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 Tanh(Simd128 x) => new(GateMath.Tanh(x._v));

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

/// <summary>One lane: the scalar reference and the tail after the last whole vector; σ and tanh by their exact formulas.</summary>
internal readonly struct SimdScalar : ISimdVector<SimdScalar>
{
    private readonly float _v;

    internal SimdScalar(float v) => _v = v;

    public float Value => _v;

    public static int Count => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar Load(ref float source, nuint offset) => new(Unsafe.Add(ref source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(SimdScalar value, ref float destination, nuint offset) => Unsafe.Add(ref destination, offset) = value._v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar Broadcast(float value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar MultiplyAdd(SimdScalar a, SimdScalar b, SimdScalar c) => new(MathF.FusedMultiplyAdd(a._v, b._v, c._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar Add(SimdScalar a, SimdScalar b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar operator +(SimdScalar a, SimdScalar b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar operator -(SimdScalar a, SimdScalar b) => new(a._v - b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar operator *(SimdScalar a, SimdScalar b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar operator /(SimdScalar a, SimdScalar b) => new(a._v / b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar Sigmoid(SimdScalar x) => new(1f / (1f + MathF.Exp(-x._v)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar Tanh(SimdScalar x) => new(MathF.Tanh(x._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(SimdScalar value) => value._v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(SimdScalar a, SimdScalar b, SimdScalar c, SimdScalar d) => Vector128.Create(a._v, b._v, c._v, d._v);
}
