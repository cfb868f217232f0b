using DiffGen.Kernels;

namespace DiffGen.Runtime.Tests.Kernels;

/// <summary>Tests that measure allocation; they run alone so that nothing else disturbs the helper threads.</summary>
[CollectionDefinition(nameof(AllocationMeasurements), DisableParallelization = true)]
public sealed class AllocationMeasurements;

[Collection(nameof(AllocationMeasurements))]
public class GemmAllocationTests
{
    [Theory]
    [InlineData(8, 10, 16)]          // small: the calling thread alone
    [InlineData(256, 128, 784)]      // large: the calling thread and the helper threads
    [InlineData(784, 128, 256)]
    public void Repeated_calls_allocate_nothing_on_any_thread(int m, int n, int k)
    {
        var a = GemmTests.RandomMatrix<float>(m * k, 1);
        var b = GemmTests.RandomMatrix<float>(k * n, 2);
        var c = new float[m * n];
        var ad = GemmTests.RandomMatrix<double>(m * k, 1);
        var bd = GemmTests.RandomMatrix<double>(k * n, 2);
        var cd = new double[m * n];

        // Warm-up: packing memory, helper threads, and tier-1 code for every path used below.
        for (int i = 0; i < 50; i++)
        {
            Run(i);
        }

        // The calling thread and the helper threads are measured exactly (the process-wide count would also see the
        // test runner's own threads, which allocate now and then).
        Thread.Sleep(2); // let the helpers fall asleep, so that waking them is part of what is measured
        long threadBefore = GC.GetAllocatedBytesForCurrentThread();
        long helpersBefore = GemmWorkers.HelperAllocatedBytes;
        for (int i = 0; i < 10; i++)
        {
            Run(i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - threadBefore);
        Assert.Equal(0, GemmWorkers.HelperAllocatedBytes - helpersBefore);

        void Run(int i)
        {
            Gemm.Multiply(i % 2 == 1, false, m, n, k, 1f, a, i % 2 == 1 ? m : k, b, n, 0f, c, n);
            Gemm.Multiply(false, true, m, n, k, 1f, a, k, b, k, 1f, c, n);
            Gemm.Multiply(false, false, m, n, k, 0.5, ad, k, bd, n, 0.0, cd, n);
        }
    }
}
