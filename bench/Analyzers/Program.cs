using BenchmarkDotNet.Running;

namespace DiffGen.Benchmarks.Analyzers;

/// <summary>Runs the suites chosen on the command line (<c>--filter *</c> for all).</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
