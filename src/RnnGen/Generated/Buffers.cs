using System.ComponentModel;

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
}
