using System.Runtime.InteropServices;

namespace Seq2Seq.OnnxRuntime.Native;

/// <summary>
/// Finds and loads the ONNX Runtime shared library once per process and hands out its C API table.
/// </summary>
internal static unsafe class OrtLibrary
{
    internal const string FileName = "libonnxruntime.so.1";
    internal const string PathVariable = "ORT_LIBRARY_PATH";

    /// <summary>
    /// Every table index this binding uses already existed in API version 13; asking for that version keeps
    /// any ONNX Runtime from 1.13 on usable while the table itself is append-only.
    /// </summary>
    private const uint ApiVersion = 13;

    private static readonly Lazy<(nint Api, string Version)> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Pointer to the OrtApi function table. Throws if the library cannot be found or is too old.</summary>
    internal static nint* ApiTable => (nint*)Loaded.Value.Api;

    internal static string Version => Loaded.Value.Version;

    /// <summary>Forces loading so that a missing library surfaces as its own exception, not a type initializer's.</summary>
    internal static void EnsureLoaded() => _ = Loaded.Value;

    private static (nint, string) Load()
    {
        var library = LoadLibrary();
        var getApiBase = (delegate* unmanaged[Cdecl]<nint*>)NativeLibrary.GetExport(library, "OrtGetApiBase");
        var apiBase = getApiBase();
        var getApi = (delegate* unmanaged[Cdecl]<uint, nint>)apiBase[0];
        var getVersionString = (delegate* unmanaged[Cdecl]<byte*>)apiBase[1];
        var version = Marshal.PtrToStringUTF8((nint)getVersionString()) ?? "";
        var api = getApi(ApiVersion);
        if (api == 0)
        {
            throw new DllNotFoundException(
                $"The loaded ONNX Runtime {version} does not provide C API version {ApiVersion}; use ONNX Runtime 1.30.0.");
        }

        return (api, version);
    }

    private static nint LoadLibrary()
    {
        var configured = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            if (!File.Exists(configured))
            {
                throw new DllNotFoundException(
                    $"{PathVariable} is '{configured}', which is not an existing file; point it at {FileName} or unset it.");
            }

            return NativeLibrary.Load(Path.GetFullPath(configured));
        }

        foreach (var directory in CandidateDirectories())
        {
            var candidate = Path.Combine(directory, FileName);
            if (File.Exists(candidate))
            {
                return NativeLibrary.Load(candidate);
            }
        }

        if (NativeLibrary.TryLoad(FileName, typeof(OrtLibrary).Assembly, null, out var fromSearchPath))
        {
            return fromSearchPath;
        }

        throw new DllNotFoundException(
            $"{FileName} was not found next to the application ({AppContext.BaseDirectory}) nor on the library search path. " +
            $"Building a project that references Seq2Seq.OnnxRuntime copies it there; otherwise set {PathVariable}.");
    }

    private static IEnumerable<string> CandidateDirectories()
    {
        yield return AppContext.BaseDirectory;
        var assemblyDirectory = Path.GetDirectoryName(typeof(OrtLibrary).Assembly.Location);
        if (!string.IsNullOrEmpty(assemblyDirectory))
        {
            yield return assemblyDirectory;
        }
    }
}
