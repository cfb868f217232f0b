using System;
using System.Diagnostics;
using System.IO;

namespace DiffGen.Benchmarks.Training;

/// <summary>
/// TorchSharp 0.107.0's libLibTorchSharp.so asks for GLIBCXX_3.4.32, which Debian 12's libstdc++ lacks; marking that
/// version requirement weak lets it load (shared/reference/peers.md). Every build, including the one BenchmarkDotNet
/// makes for each case, copies a fresh unpatched file, so each process patches its own copy before loading libtorch.
/// </summary>
internal static class NativePatch
{
    private static bool s_done;

    public static void Ensure()
    {
        if (s_done)
        {
            return;
        }

        string library = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!OperatingSystem.IsLinux() || !File.Exists(library))
        {
            s_done = true;
            return;
        }

        string tool = Path.Combine(SharedData.Folder, "tools", "weaken-verneed.py");
        using var process = Process.Start(new ProcessStartInfo("python3", [tool, library, "GLIBCXX_3.4.32"]) { RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("python3 did not start.");
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed on {library}: {output}");
        }

        s_done = true;
    }
}

/// <summary>Finds the shared folder: <c>DIFFGEN_SHARED</c>, else <c>shared</c> above the program's folder, else /work/shared.</summary>
internal static class SharedData
{
    public static string Folder { get; } = Find();

    public static string MnistFolder => Path.Combine(Folder, "data", "mnist");

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("DIFFGEN_SHARED") is { Length: > 0 } configured)
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared");
            if (File.Exists(Path.Combine(candidate, "tools", "weaken-verneed.py")))
            {
                return candidate;
            }
        }

        return "/work/shared";
    }
}
