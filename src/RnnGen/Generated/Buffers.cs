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
    /// Grows a model's workspace so that <paramref name="length"/> floats, counted from index 0 (a layout that already
    /// starts at the array's <see cref="AlignedStart"/>), fit. A new array is pinned (it never moves, so its aligned start
    /// stays valid) and gets one cache line of slack, so the layout recomputed from the new array's own aligned start fits
    /// too: vector loads that straddle cache lines slow the matrix products down (docs/benchmarks.md).
    /// </summary>
    /// <returns>Whether a new array was made (its aligned start may differ from the old one's).</returns>
    public static bool EnsureAligned(ref float[] buffer, int length)
    {
        if (buffer.Length >= length)
        {
            return false;
        }

        buffer = GC.AllocateArray<float>(checked(length + LineFloats), pinned: true);
        return true;
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
