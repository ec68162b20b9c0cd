using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RnnGen.Generated;

namespace RnnGen.Tests.Kernels;

/// <summary>Generated models lay their workspace out from a 64-byte boundary, every buffer on a cache line.</summary>
public sealed class AlignedBufferTests
{
    [Fact]
    public unsafe void An_aligned_workspace_starts_on_a_cache_line_and_holds_what_was_asked()
    {
        // As a generated Prepare does: lay out from the current array's aligned start; when the array grows, lay out again
        // from the new array's start — which must fit without growing a second time.
        float[] buffer = Array.Empty<float>();
        foreach (int length in new[] { 1, 15, 16, 1000, 100_000, 5 })
        {
            int start = Buffers.AlignedStart(buffer);
            if (Buffers.EnsureAligned(ref buffer, start + length))
            {
                start = Buffers.AlignedStart(buffer);
                Assert.False(Buffers.EnsureAligned(ref buffer, start + length), $"length {length}: the new array must fit its own layout");
            }

            nuint address = (nuint)Unsafe.AsPointer(ref buffer[start]);
            Assert.Equal(0u, (uint)(address % 64));
            Assert.InRange(start, 0, Buffers.LineFloats - 1);
            Assert.True(buffer.Length >= start + length, $"length {length}: {buffer.Length} floats from {start}");
        }

        float[] before = buffer;
        Assert.False(Buffers.EnsureAligned(ref buffer, Buffers.AlignedStart(buffer) + 100_000));
        Assert.Same(before, buffer); // steady state: no new array
    }

    [Fact]
    public void Align_rounds_up_to_whole_lines_and_overflow_throws()
    {
        Assert.Equal(0, Buffers.Align(0));
        Assert.Equal(16, Buffers.Align(1));
        Assert.Equal(16, Buffers.Align(16));
        Assert.Equal(32, Buffers.Align(17));
        Assert.Throws<OverflowException>(() => Buffers.Align(int.MaxValue - 3));
    }
}
