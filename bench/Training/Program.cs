using System;
using BenchmarkDotNet.Running;

namespace DiffGen.Benchmarks.Training;

/// <summary>Runs the benchmarks chosen on the command line (<c>--filter *</c>), or <c>--profile</c>: a Stopwatch breakdown.</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--profile")
        {
            Profile.Run(args.AsSpan(1));
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
