using System.Runtime.InteropServices;

namespace RefineMemory.Memory;

/// <summary>
/// What kind of file a path is (regular, FIFO, device, socket), read with Linux <c>statx</c> without opening it:
/// opening a FIFO blocks until a writer comes, and a character device such as <c>/dev/zero</c> reads without end.
/// .NET names no file type beyond directory and link, and <c>struct stat</c> differs between architectures, while
/// <c>struct statx</c> is the same on every one. Elsewhere, or where statx is missing, the kind is unknown and the
/// read's byte limit is the defence.
/// </summary>
internal static partial class FileKind
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // stx_mode, after stx_mask, stx_blksize, stx_attributes, stx_nlink, stx_uid, stx_gid

    /// <summary><c>null</c> for a regular file or when the kind cannot be told; otherwise what it is, for messages.</summary>
    public static string? NotRegular(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[256];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxType, ref MemoryMarshal.GetReference(buffer)) != 0)
            {
                return null; // gone meanwhile, or no statx: the read says what is wrong
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }

        return (MemoryMarshal.Read<ushort>(buffer[ModeOffset..]) & 0xF000) switch
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

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, ref byte buffer);
}
