using System.Runtime.InteropServices;

namespace RnnGen.Threading;

/// <summary>
/// Reads and writes the x64 SSE control and status register (MXCSR) of the calling thread, for
/// <see cref="DenormalScope"/>: two small functions written once into a page of executable memory, each
/// <c>push rax; stmxcsr [rsp]; mov eax, [rsp]; (or | mov) [rsp], arg; ldmxcsr [rsp]; pop rcx; ret</c> — they return the
/// old value and load it with the argument's bits set (<see cref="SetBits"/>) or the argument itself
/// (<see cref="Load"/>). The argument register is edi on Linux (System V) and ecx on Windows.
/// </summary>
internal static unsafe class ControlRegister
{
    /// <summary>MXCSR bit 15 (flush to zero: subnormal results become zero) and bit 6 (denormals are zero: subnormal inputs read as zero).</summary>
    public const uint FlushBits = (1u << 15) | (1u << 6);

    private const int FunctionBytes = 32; // each function takes 17 bytes

    private static readonly byte* s_code = Create();

    public static bool IsSupported => s_code != null;

    /// <summary>Sets <paramref name="bits"/> in the calling thread's MXCSR; returns the value it had.</summary>
    public static uint SetBits(uint bits) => ((delegate* unmanaged[SuppressGCTransition]<uint, uint>)s_code)(bits);

    /// <summary>Loads the calling thread's MXCSR with <paramref name="value"/>; returns the value it had.</summary>
    public static uint Load(uint value) => ((delegate* unmanaged[SuppressGCTransition]<uint, uint>)(s_code + FunctionBytes))(value);

    /// <summary>The calling thread's MXCSR.</summary>
    public static uint Read() => SetBits(0);

    private static byte* Create()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return null;
        }

        bool windows = OperatingSystem.IsWindows();
        if (!windows && !OperatingSystem.IsLinux())
        {
            return null;
        }

        byte arg = windows ? (byte)0x0C : (byte)0x3C; // ModRM of "[rsp], ecx" or "[rsp], edi"
        byte[] code = new byte[2 * FunctionBytes];
        byte[] setBits =
        {
            0x50,                   // push rax        (four bytes of stack to work in)
            0x0F, 0xAE, 0x1C, 0x24, // stmxcsr [rsp]
            0x8B, 0x04, 0x24,       // mov eax, [rsp]  (the old value is the result)
            0x09, arg, 0x24,        // or [rsp], arg
            0x0F, 0xAE, 0x14, 0x24, // ldmxcsr [rsp]
            0x59,                   // pop rcx
            0xC3,                   // ret
        };
        byte[] load = (byte[])setBits.Clone();
        load[8] = 0x89;             // mov [rsp], arg
        setBits.CopyTo(code, 0);
        load.CopyTo(code, FunctionBytes);

        try
        {
            return windows ? WindowsPage(code) : LinuxPage(code);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or InvalidOperationException)
        {
            return null; // no executable memory to be had: compute subnormals as IEEE 754 says
        }
    }

    private static byte* LinuxPage(byte[] code)
    {
        const int ProtRead = 1, ProtWrite = 2, ProtExec = 4, MapPrivate = 0x02, MapAnonymous = 0x20;
        nint page = mmap(0, 4096, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (page == -1 || page == 0)
        {
            throw new InvalidOperationException("mmap refused a page");
        }

        Marshal.Copy(code, 0, page, code.Length);
        if (mprotect(page, 4096, ProtRead | ProtExec) != 0)
        {
            throw new InvalidOperationException("mprotect refused an executable page");
        }

        return (byte*)page;
    }

    private static byte* WindowsPage(byte[] code)
    {
        const uint MemCommitReserve = 0x3000, PageReadWrite = 0x04, PageExecuteRead = 0x20;
        nint page = VirtualAlloc(0, 4096, MemCommitReserve, PageReadWrite);
        if (page == 0)
        {
            throw new InvalidOperationException("VirtualAlloc refused a page");
        }

        Marshal.Copy(code, 0, page, code.Length);
        if (!VirtualProtect(page, 4096, PageExecuteRead, out _))
        {
            throw new InvalidOperationException("VirtualProtect refused an executable page");
        }

        return (byte*)page;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern nint mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [DllImport("libc", SetLastError = true)]
    private static extern int mprotect(nint address, nuint length, int protection);

    [DllImport("kernel32", SetLastError = true)]
    private static extern nint VirtualAlloc(nint address, nuint size, uint allocationType, uint protection);

    [DllImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool VirtualProtect(nint address, nuint size, uint newProtection, out uint oldProtection);
}
