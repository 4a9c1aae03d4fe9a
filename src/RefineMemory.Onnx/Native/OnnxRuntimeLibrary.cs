using System.Runtime.InteropServices;

namespace RefineMemory.Onnx.Native;

/// <summary>
/// Finds and loads the ONNX Runtime native library once per process and hands out its API table, the shared
/// environment and the CPU memory description. The library is the one set-up installs from npm
/// (<c>onnxruntime-node@1.30.0</c>) unless <see cref="PathVariable"/> or an explicit path points at another
/// build (for example a GPU build).
/// </summary>
public static unsafe class OnnxRuntimeLibrary
{
    /// <summary>Environment variable naming the native library to load instead of the installed one.</summary>
    public const string PathVariable = "REFINE_ONNXRUNTIME_PATH";

    /// <summary>The command that installs the native library.</summary>
    public const string SetupCommand = "make setup (or ./eng/setup.sh), which installs onnxruntime-node@1.30.0 into assets/onnxruntime";

    private static readonly Lock Gate = new();
    private static Loaded? s_loaded;

    /// <summary>The path of the loaded library, or <c>null</c> before the first load.</summary>
    public static string? LoadedPath => s_loaded?.Path;

    /// <summary>The library's version string, e.g. "1.30.0" (loads the library).</summary>
    public static string GetVersion(string? libraryPath = null) => Load(libraryPath).VersionString;

    /// <summary>The execution providers compiled into the library (loads it); listed ones may still fail to load their dependencies.</summary>
    public static IReadOnlyList<string> GetAvailableProviders(string? libraryPath = null)
    {
        var loaded = Load(libraryPath);
        byte** names;
        int count;
        loaded.Check(loaded.Api.GetAvailableProviders(&names, &count));
        try
        {
            var result = new string[count];
            for (int i = 0; i < count; i++)
            {
                result[i] = Marshal.PtrToStringUTF8((nint)names[i]) ?? string.Empty;
            }

            return result;
        }
        finally
        {
            loaded.Check(loaded.Api.ReleaseAvailableProviders(names, count));
        }
    }

    /// <summary>
    /// Where the library would be loaded from: <paramref name="libraryPath"/>, else <see cref="PathVariable"/>,
    /// else the set-up's install folder (<c>$REFINE_ASSETS_DIR</c> or an <c>assets/</c> folder above the application).
    /// </summary>
    public static string ResolvePath(string? libraryPath = null)
    {
        if (!string.IsNullOrWhiteSpace(libraryPath))
        {
            return Path.GetFullPath(libraryPath);
        }

        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } fromEnvironment)
        {
            return Path.GetFullPath(fromEnvironment);
        }

        string relative = Path.Combine("onnxruntime", "bin", "napi-v6", PlatformFolder(), LibraryFileName());
        if (Environment.GetEnvironmentVariable("REFINE_ASSETS_DIR") is { Length: > 0 } assets)
        {
            return Path.GetFullPath(Path.Combine(assets, relative));
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "assets", relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.GetFullPath(Path.Combine(Directory.GetCurrentDirectory(), "assets", relative));
    }

    internal static Loaded Load(string? libraryPath = null)
    {
        string path = ResolvePath(libraryPath);
        var loaded = s_loaded;
        if (loaded is null)
        {
            lock (Gate)
            {
                loaded = s_loaded ??= Loaded.Open(path);
            }
        }

        if (!string.Equals(loaded.Path, path, StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(libraryPath))
        {
            throw new InvalidOperationException(
                $"ONNX Runtime is already loaded from '{loaded.Path}'; one process can use one native build, so '{path}' cannot be loaded too.");
        }

        return loaded;
    }

    private static string PlatformFolder()
    {
        string os = OperatingSystem.IsWindows() ? "win32" : OperatingSystem.IsMacOS() ? "darwin" : "linux";
        string arch = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "arm64" : "x64";
        return $"{os}/{arch}";
    }

    private static string LibraryFileName() =>
        OperatingSystem.IsWindows() ? "onnxruntime.dll" : OperatingSystem.IsMacOS() ? "libonnxruntime.1.dylib" : "libonnxruntime.so.1";

    /// <summary>A loaded library: its API table, the process-wide environment and the CPU memory description.</summary>
    internal sealed class Loaded
    {
        private Loaded(string path, OrtApi api, string version, nint library)
        {
            Path = path;
            Api = api;
            VersionString = version;
            Library = library;
            nint env;
            fixed (byte* logId = "refine-memory\0"u8)
            {
                Check(api.CreateEnv(3 /* ORT_LOGGING_LEVEL_ERROR */, logId, &env));
            }

            Environment = OrtHandle.Own(api, OrtObjectKind.Env, env);
            nint memory;
            Check(api.CreateCpuMemoryInfo(0 /* OrtDeviceAllocator */, 0 /* OrtMemTypeDefault */, &memory));
            CpuMemory = OrtHandle.Own(api, OrtObjectKind.MemoryInfo, memory);
            nint allocator;
            Check(api.GetAllocatorWithDefaultOptions(&allocator));
            DefaultAllocator = allocator;
        }

        public string Path { get; }

        public OrtApi Api { get; }

        public string VersionString { get; }

        public nint Library { get; }

        /// <summary>The process-wide OrtEnv; kept for the process's lifetime, as ORT recommends.</summary>
        public OrtHandle Environment { get; }

        public OrtHandle CpuMemory { get; }

        /// <summary>ORT's default CPU allocator (not owned: never released).</summary>
        public nint DefaultAllocator { get; }

        public static Loaded Open(string path)
        {
            if (!File.Exists(path))
            {
                throw new OnnxRuntimeNotFoundException(
                    $"The ONNX Runtime native library was not found at '{path}'. Run {SetupCommand}, or set {PathVariable} to a libonnxruntime build.",
                    path);
            }

            nint library;
            try
            {
                library = NativeLibrary.Load(path);
            }
            catch (DllNotFoundException ex)
            {
                throw new OnnxRuntimeNotFoundException($"The ONNX Runtime native library at '{path}' could not be loaded: {ex.Message}", ex);
            }

            var getApiBase = (delegate* unmanaged<nint*>)NativeLibrary.GetExport(library, "OrtGetApiBase");
            nint* apiBase = getApiBase();
            var getApi = (delegate* unmanaged<uint, nint*>)apiBase[0];
            var getVersion = (delegate* unmanaged<byte*>)apiBase[1];
            string version = Marshal.PtrToStringUTF8((nint)getVersion()) ?? "unknown";
            nint* table = getApi(OrtApi.Version);
            if (table is null)
            {
                throw new OnnxRuntimeException(OrtErrorCode.NotImplemented,
                    $"The ONNX Runtime at '{path}' (version {version}) does not serve C API version {OrtApi.Version}.");
            }

            return new Loaded(path, new OrtApi(table), version, library);
        }

        /// <summary>Throws <see cref="OnnxRuntimeException"/> with ORT's message when <paramref name="status"/> is an error; releases it.</summary>
        public void Check(nint status)
        {
            if (status == nint.Zero)
            {
                return;
            }

            var code = (OrtErrorCode)Api.GetErrorCode(status);
            string message = Marshal.PtrToStringUTF8((nint)Api.GetErrorMessage(status)) ?? "unknown error";
            Api.ReleaseStatus(status);
            throw new OnnxRuntimeException(code, $"ONNX Runtime: {message}");
        }

        /// <summary>Appends the CUDA execution provider through the library's exported entry point.</summary>
        public void AppendCuda(OrtHandle options, int deviceId)
        {
            if (!NativeLibrary.TryGetExport(Library, "OrtSessionOptionsAppendExecutionProvider_CUDA", out nint export))
            {
                throw new OnnxRuntimeException(OrtErrorCode.NotImplemented,
                    $"The ONNX Runtime at '{Path}' has no CUDA entry point; point {PathVariable} at a GPU build.");
            }

            var append = (delegate* unmanaged<nint, int, nint>)export;
            Check(append(options.DangerousGetHandle(), deviceId));
        }
    }
}
