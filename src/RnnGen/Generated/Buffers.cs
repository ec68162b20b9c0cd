using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RnnGen.Generated;

/// <summary>Reusable buffers of generated models and runtime helpers: grown once to the largest size asked for, never shrunk.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Buffers
{
    /// <summary>Replaces <paramref name="buffer"/> by a new array of <paramref name="length"/> items when it is shorter; steady state allocates nothing.</summary>
    public static void Ensure<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[length];
        }
    }

    /// <summary>Floats per 64-byte cache line: workspace regions start on line boundaries.</summary>
    public const int LineFloats = 16;

    /// <summary><paramref name="length"/> rounded up to whole cache lines (checked: a workspace too large for an array fails here).</summary>
    public static int Align(int length) => checked(length + LineFloats - 1) & ~(LineFloats - 1);

    /// <summary>
    /// Grows a model's workspace to hold <paramref name="length"/> floats from a 64-byte boundary: the new array is pinned
    /// (it never moves, so <see cref="AlignedStart"/> stays valid) with one cache line of slack. Vector loads that straddle
    /// cache lines cost the matrix products a quarter of their speed here (n = 1024: 95 against 68–72 GFLOP/s).
    /// </summary>
    public static void EnsureAligned(ref float[] buffer, int length)
    {
        int needed = checked(length + LineFloats);
        if (buffer.Length < needed)
        {
            buffer = GC.AllocateArray<float>(needed, pinned: true);
        }
    }

    /// <summary>Index of the first element of <paramref name="buffer"/> (pinned) that lies on a 64-byte boundary.</summary>
    public static unsafe int AlignedStart(float[] buffer)
    {
        if (buffer.Length == 0)
        {
            return 0;
        }

        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (int)((64 - address % 64) % 64 / sizeof(float));
    }
}
