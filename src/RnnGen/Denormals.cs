using RnnGen.Threading;

namespace RnnGen;

/// <summary>
/// Whether RnnGen's kernels treat subnormal (denormal) floats as zero. Gradients that vanish over many steps pass through
/// the subnormal range on their way to zero, and Intel cores take a microcode assist on every operation that reads or
/// produces such a number (AMD cores do not), which can slow a backward pass down many times. With
/// <see cref="Flush"/> on (the default) every recurrent, dense and attention kernel runs with the SSE control register's
/// flush-to-zero and denormals-are-zero bits set, on the calling thread and on the worker threads, and restores the
/// caller's setting when it returns; code outside RnnGen never sees the change. PyTorch's
/// <c>torch.set_flush_denormal(True)</c> sets the same two bits (process-wide, off by default there).
/// </summary>
/// <remarks>
/// .NET has no managed API for the control register (MXCSR), so RnnGen writes the two instructions it needs
/// (<c>stmxcsr</c>/<c>ldmxcsr</c>) into one page of executable memory at start-up and calls them through an unmanaged
/// function pointer. That is available on x64 Linux and Windows; elsewhere (and where the system refuses executable
/// memory) <see cref="IsSupported"/> is false and subnormal numbers are computed as IEEE 754 prescribes. Results differ
/// from the non-flushing ones only in values below 1.2e−38, which become zero.
/// </remarks>
public static class Denormals
{
    private static volatile bool s_flush = true;

    /// <summary>Whether the kernels flush subnormal numbers to zero (default true). Process-wide.</summary>
    public static bool Flush
    {
        get => s_flush;
        set => s_flush = value;
    }

    /// <summary>Whether this machine and operating system let RnnGen set the flush-to-zero mode (x64 Linux and Windows).</summary>
    public static bool IsSupported => ControlRegister.IsSupported;
}

/// <summary>
/// The kernels' floating-point mode for the span of one call: <c>using var _ = DenormalScope.Enter();</c> sets
/// flush-to-zero and denormals-are-zero where <see cref="Denormals.Flush"/> asks for them and puts back the caller's
/// control register on Dispose. A no-op (one branch) where flushing is off or unsupported.
/// </summary>
internal readonly ref struct DenormalScope
{
    private readonly uint _saved;
    private readonly bool _active;

    private DenormalScope(uint saved)
    {
        _saved = saved;
        _active = true;
    }

    public static DenormalScope Enter()
    {
        if (!Denormals.Flush || !ControlRegister.IsSupported)
        {
            return default;
        }

        uint saved = ControlRegister.SetBits(ControlRegister.FlushBits);
        return (saved & ControlRegister.FlushBits) == ControlRegister.FlushBits ? default : new DenormalScope(saved);
    }

    public void Dispose()
    {
        if (_active)
        {
            ControlRegister.Load(_saved);
        }
    }
}
