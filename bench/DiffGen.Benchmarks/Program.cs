using BenchmarkDotNet.Running;

namespace DiffGen.Benchmarks;

/// <summary>
/// Runs the suites chosen on the command line, e.g. <c>--filter *Gemm*</c>; with no arguments it asks which.
/// Each suite is a class in this project; adding one needs no change here.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        OpenBlas.PrintIdentity();
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
