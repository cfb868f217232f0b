using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;
using DiffGen.Kernels;

namespace DiffGen.Benchmarks;

/// <summary>
/// One GEMM shape: <c>C[m x n] = op(A)[m x k] * op(B)[k x n]</c>, row-major. Shapes sort by <see cref="Order"/>, so that
/// the table lists them as declared.
/// </summary>
public sealed record GemmShape(int Order, string Name, int M, int N, int K, bool TransposeA = false, bool TransposeB = false)
    : IComparable<GemmShape>, IComparable
{
    /// <summary>Floating-point operations of one product: a multiply and an add per term.</summary>
    public double Flops => 2.0 * M * N * K;

    public int CompareTo(GemmShape? other) => other is null ? 1 : Order.CompareTo(other.Order);

    public int CompareTo(object? obj) => CompareTo(obj as GemmShape);

    public static bool operator <(GemmShape left, GemmShape right) => left.CompareTo(right) < 0;

    public static bool operator <=(GemmShape left, GemmShape right) => left.CompareTo(right) <= 0;

    public static bool operator >(GemmShape left, GemmShape right) => left.CompareTo(right) > 0;

    public static bool operator >=(GemmShape left, GemmShape right) => left.CompareTo(right) >= 0;

    public override string ToString() => Name;
}

/// <summary>
/// float32 GEMM: DiffGen's <see cref="Gemm"/> against OpenBLAS <c>cblas_sgemm</c>, on square matrices and on the
/// products that training an MLP 784-128-10 and LeNet-5 performs (forward, and the two backward products whose
/// operands are transposed), on all cores and on one thread.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public unsafe class GemmBenchmarks
{
    /// <summary>The shapes, by the name shown in the table. op() shapes are given; "^T" marks a transposed operand.</summary>
    public static readonly GemmShape[] Shapes =
    [
        new(1, "square 256", 256, 256, 256),
        new(2, "square 512", 512, 512, 512),
        new(3, "square 1024", 1024, 1024, 1024),
        new(4, "square 2048", 2048, 2048, 2048),
        new(5, "MLP b32 fc1 [32x784]x[784x128]", 32, 128, 784),
        new(6, "MLP b32 fc1 dW [784x32]^Tx[32x128]", 784, 128, 32, TransposeA: true),
        new(7, "MLP b32 fc1 dX [32x128]x[128x784]^T", 32, 784, 128, TransposeB: true),
        new(8, "MLP b256 fc1 [256x784]x[784x128]", 256, 128, 784),
        new(9, "MLP b256 fc1 dW [784x256]^Tx[256x128]", 784, 128, 256, TransposeA: true),
        new(10, "MLP b256 fc1 dX [256x128]x[128x784]^T", 256, 784, 128, TransposeB: true),
        new(11, "MLP b256 fc2 [256x128]x[128x10]", 256, 10, 128),
        new(12, "LeNet b32 conv1 [6x25]x[25x25088]", 6, 25088, 25),
        new(13, "LeNet b32 conv2 [16x150]x[150x3200]", 16, 3200, 150),
        new(14, "LeNet b32 conv2 dW [16x3200]x[3200x150]^T", 16, 150, 3200, TransposeB: true),
        new(15, "LeNet b256 conv2 [16x150]x[150x25600]", 16, 25600, 150),
        new(16, "LeNet b256 fc1 [256x400]x[400x120]", 256, 120, 400),
    ];

    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];

    [ParamsSource(nameof(AllShapes))]
    public GemmShape Shape { get; set; } = Shapes[0];

    public static IEnumerable<GemmShape> AllShapes => Shapes;

    private GemmShape Current => Shape;

    [GlobalSetup(Targets = [nameof(DiffGenAllCores), nameof(DiffGenOneThread)])]
    public void SetupDiffGen() => CreateOperands();

    [GlobalSetup(Target = nameof(OpenBlasAllCores))]
    public void SetupOpenBlasAllCores()
    {
        OpenBlas.SetNumThreads(Environment.ProcessorCount);
        CreateOperands();
    }

    [GlobalSetup(Target = nameof(OpenBlasOneThread))]
    public void SetupOpenBlasOneThread()
    {
        OpenBlas.SetNumThreads(1);
        CreateOperands();
    }

    [Benchmark(Description = "DiffGen, all cores")]
    public void DiffGenAllCores()
    {
        GemmShape s = Current;
        Gemm.Multiply(s.TransposeA, s.TransposeB, s.M, s.N, s.K, 1f, _a, Lda(s), _b, Ldb(s), 0f, _c, s.N);
    }

    [Benchmark(Description = "OpenBLAS, all cores", Baseline = true)]
    public void OpenBlasAllCores() => RunOpenBlas();

    [Benchmark(Description = "DiffGen, 1 thread")]
    public void DiffGenOneThread()
    {
        GemmShape s = Current;
        Gemm.Multiply<float>(s.TransposeA, s.TransposeB, s.M, s.N, s.K, 1f, _a, Lda(s), _b, Ldb(s), 0f, _c, s.N, Gemm.Kernel, maxThreads: 1);
    }

    [Benchmark(Description = "OpenBLAS, 1 thread")]
    public void OpenBlasOneThread() => RunOpenBlas();

    private void RunOpenBlas()
    {
        GemmShape s = Current;
        fixed (float* a = _a)
        fixed (float* b = _b)
        fixed (float* c = _c)
        {
            OpenBlas.Sgemm(
                OpenBlas.RowMajor, s.TransposeA ? OpenBlas.Trans : OpenBlas.NoTrans, s.TransposeB ? OpenBlas.Trans : OpenBlas.NoTrans,
                s.M, s.N, s.K, 1f, a, Lda(s), b, Ldb(s), 0f, c, s.N);
        }
    }

    private static int Lda(GemmShape s) => s.TransposeA ? s.M : s.K;

    private static int Ldb(GemmShape s) => s.TransposeB ? s.K : s.N;

    private void CreateOperands()
    {
        GemmShape s = Current;
        var random = new Random(42);
        _a = Enumerable.Range(0, s.M * s.K).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        _b = Enumerable.Range(0, s.K * s.N).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        _c = new float[s.M * s.N];
        Console.WriteLine($"// OpenBLAS {OpenBlas.Config}; corename {OpenBlas.CoreName}; threads {OpenBlas.GetNumThreads()}; DiffGen kernel {Gemm.Kernel}");
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // Short iterations, many of them: the median then shrugs off the odd interruption by another process.
            AddJob(Job.Default.WithWarmupCount(6).WithIterationCount(15).WithIterationTime(TimeInterval.FromMilliseconds(250)));
            AddColumn(StatisticColumn.Median);
            AddColumn(new GflopsColumn());
            HideColumns(Column.Error, Column.Gen0, Column.Gen1, Column.Gen2);
            Orderer = new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared);
            SummaryStyle = SummaryStyle.Default.WithMaxParameterColumnWidth(48);
        }
    }

    /// <summary>GFLOPS from the median time: 2·m·n·k floating-point operations per call.</summary>
    private sealed class GflopsColumn : IColumn
    {
        public string Id => nameof(GflopsColumn);

        public string ColumnName => "GFLOPS";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Billions of floating-point operations per second: 2*m*n*k / Median";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            var statistics = summary[benchmarkCase]?.ResultStatistics;
            var shape = benchmarkCase.Parameters[nameof(Shape)] as GemmShape;
            return statistics is null || shape is null
                ? "-"
                : (shape.Flops / statistics.Median).ToString("F1", CultureInfo.InvariantCulture);
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
