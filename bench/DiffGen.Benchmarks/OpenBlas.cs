using System;
using System.Runtime.InteropServices;

namespace DiffGen.Benchmarks;

/// <summary>
/// The few OpenBLAS entry points the benchmarks call (Debian: <c>apt-get install -y libopenblas0</c>).
/// Run with <c>env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE</c> so that OpenBLAS picks its kernel from the CPU.
/// </summary>
internal static partial class OpenBlas
{
    private const string Library = "libopenblas.so.0";

    public const int RowMajor = 101;
    public const int NoTrans = 111;
    public const int Trans = 112;

    [LibraryImport(Library, EntryPoint = "cblas_sgemm")]
    public static unsafe partial void Sgemm(
        int order, int transA, int transB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport(Library, EntryPoint = "openblas_set_num_threads")]
    public static partial void SetNumThreads(int threads);

    [LibraryImport(Library, EntryPoint = "openblas_get_num_threads")]
    public static partial int GetNumThreads();

    [LibraryImport(Library, EntryPoint = "openblas_get_corename")]
    private static partial IntPtr GetCoreName();

    [LibraryImport(Library, EntryPoint = "openblas_get_config")]
    private static partial IntPtr GetConfig();

    /// <summary>The kernel OpenBLAS selected for this CPU, e.g. "Cooperlake".</summary>
    public static string CoreName => Marshal.PtrToStringAnsi(GetCoreName()) ?? "?";

    /// <summary>The build configuration string, which starts with the version.</summary>
    public static string Config => Marshal.PtrToStringAnsi(GetConfig()) ?? "?";

    /// <summary>Writes the OpenBLAS build and kernel, and the environment that would override the kernel, to the console.</summary>
    public static void PrintIdentity()
    {
        try
        {
            Console.WriteLine($"OpenBLAS: {Config}; corename {CoreName}");
        }
        catch (DllNotFoundException e)
        {
            Console.WriteLine($"OpenBLAS not found ({e.Message}); install it with apt-get install -y libopenblas0.");
        }

        foreach (string variable in new[] { "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS" })
        {
            string? value = Environment.GetEnvironmentVariable(variable);
            if (value is not null)
            {
                Console.WriteLine($"warning: {variable}={value} is set; run with env -u {variable} for OpenBLAS's own choice.");
            }
        }
    }
}
