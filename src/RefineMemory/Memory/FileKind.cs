using System.Runtime.InteropServices;
using System.Text;

namespace RefineMemory.Memory;

/// <summary>
/// What kind of file a path is (regular, FIFO, device, socket), read with Linux <c>statx</c> without opening it:
/// opening a FIFO blocks until a writer comes, and a character device such as <c>/dev/zero</c> reads without end.
/// .NET names no file type beyond directory and link, and <c>struct stat</c> differs between architectures, while
/// <c>struct statx</c> is the same on every one. Elsewhere, or where libc has no statx, the kind is unknown and the
/// read's byte limit is the defence.
/// </summary>
internal static unsafe class FileKind
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // stx_mode, after stx_mask, stx_blksize, stx_attributes, stx_nlink, stx_uid, stx_gid

    // Loaded by soname: "libc" alone makes the runtime try libc.so first, which on Debian is a linker script.
    private static readonly delegate* unmanaged<int, byte*, int, uint, byte*, int> Statx = Load();

    /// <summary><c>null</c> for a regular file or when the kind cannot be told; otherwise what it is, for messages.</summary>
    public static string? NotRegular(string path)
    {
        if (Statx is null)
        {
            return null;
        }

        byte[] name = Encoding.UTF8.GetBytes(path + "\0");
        byte* buffer = stackalloc byte[256];
        fixed (byte* p = name)
        {
            if (Statx(AtFdCwd, p, 0, StatxType, buffer) != 0)
            {
                return null; // gone meanwhile: the read says what is wrong
            }
        }

        return (*(ushort*)(buffer + ModeOffset) & 0xF000) switch
        {
            0x8000 => null,
            0x1000 => "a FIFO (named pipe)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            0x4000 => "a folder",
            _ => "not a regular file",
        };
    }

    private static delegate* unmanaged<int, byte*, int, uint, byte*, int> Load()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        foreach (string library in new[] { "libc.so.6", "libc" }) // glibc's soname, then musl's and others' by the generic name
        {
            if (NativeLibrary.TryLoad(library, out IntPtr handle) && NativeLibrary.TryGetExport(handle, "statx", out IntPtr statx))
            {
                return (delegate* unmanaged<int, byte*, int, uint, byte*, int>)statx;
            }
        }

        return null;
    }
}
