using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Attributes;
using DiffGen.EndToEnd.Tests.Networks;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using TorchModels;
using TorchSharp;

namespace DiffGen.Benchmarks.Training;

/// <summary>A network and a batch size.</summary>
public sealed record Workload(string Network, int BatchSize)
{
    public bool IsLeNet => Network == "LeNet-5";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Network} b{BatchSize}");
}

/// <summary>
/// One full training step (zero the gradients, forward, cross-entropy loss, backward, SGD step with momentum 0.9),
/// DiffGen against TorchSharp 0.107.0 (libtorch 2.10, CPU) on the same MNIST batches and the same initial weights.
/// DiffGen is the baseline: the Ratio column is TorchSharp time over DiffGen time, so above 1 means DiffGen is faster.
/// Each case runs in its own process. <see cref="TrainingStepTwoThreads"/> gives both libraries both cores;
/// <see cref="TrainingStepOneThread"/> gives each one thread (DiffGen through <c>DOTNET_PROCESSOR_COUNT=1</c>, which
/// sizes its GEMM worker pool; TorchSharp through <c>torch.set_num_threads(1)</c>).
/// </summary>
public abstract class TrainingStepBenchmarks
{
    private Pair _pair = null!;
    private int _next;

    public static IEnumerable<Workload> Workloads() =>
    [
        new("MLP 784-128-10", 1),
        new("MLP 784-128-10", 32),
        new("MLP 784-128-10", 256),
        new("LeNet-5", 64),
    ];

    [ParamsSource(nameof(Workloads))]
    public Workload Case { get; set; } = null!;

    protected void Setup(int torchThreads) => _pair = Pair.Create(Case, torchThreads);

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// After the run: DiffGen loss {_pair.DiffGenLoss(0):F4}, TorchSharp loss {_pair.TorchLoss(0):F4} on batch 0 (each trained only by its own benchmark)");
        _pair.Dispose();
    }

    protected double DiffGenStep() => _pair.DiffGenStep(Next());

    protected double TorchStep() => _pair.TorchStep(Next());

    private int Next()
    {
        int i = _next;
        _next = i + 1 == _pair.BatchCount ? 0 : i + 1;
        return i;
    }

    /// <summary>1 launch, 5 warm-up and 20 measured iterations per case; optionally with an environment variable.</summary>
    protected static Job ShortJob(params EnvironmentVariable[] variables) =>
        Job.Default.WithLaunchCount(1).WithWarmupCount(5).WithIterationCount(20).WithEnvironmentVariables(variables);
}

/// <summary>Both libraries on both cores.</summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class TrainingStepTwoThreads : TrainingStepBenchmarks
{
    [GlobalSetup]
    public void SetupBoth() => Setup(torchThreads: 2);

    [Benchmark(Baseline = true, Description = "DiffGen, 2 threads")]
    public double DiffGenTraining() => DiffGenStep();

    [Benchmark(Description = "TorchSharp, 2 threads")]
    public double TorchSharpTraining() => TorchStep();

    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(ShortJob().WithId("TwoThreads"));
    }
}

/// <summary>Both libraries on one thread each.</summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class TrainingStepOneThread : TrainingStepBenchmarks
{
    [GlobalSetup]
    public void SetupBoth() => Setup(torchThreads: 1);

    [Benchmark(Baseline = true, Description = "DiffGen, 1 thread")]
    public double DiffGenTraining() => DiffGenStep();

    [Benchmark(Description = "TorchSharp, 1 thread")]
    public double TorchSharpTraining() => TorchStep();

    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(ShortJob(new EnvironmentVariable("DOTNET_PROCESSOR_COUNT", "1")).WithId("OneThread"));
    }
}

/// <summary>
/// The DiffGen model and the TorchSharp model of one workload, with the same initial weights (DiffGen's
/// TorchSharp's default initialisation, copied into the DiffGen models) and the same MNIST batches (the 10,000 test
/// images, cut into consecutive batches once; the benchmark cycles through them).
/// </summary>
internal sealed class Pair : IDisposable
{
    private readonly DiffGen.Tensor[] _images;
    private readonly DiffGen.Tensor[] _labels;
    private readonly torch.Tensor[] _torchImages;
    private readonly torch.Tensor[] _torchLabels;
    private readonly Func<DiffGen.Tensor, DiffGen.Tensor, double> _loss;
    private readonly Func<DiffGen.Tensor, DiffGen.Tensor, double> _lossWithGradient;
    private readonly IModel _model;
    private readonly Sgd _sgd;
    private readonly torch.nn.Module<torch.Tensor, torch.Tensor> _torchModel;
    private readonly torch.optim.Optimizer _torchSgd;

    private Pair(Workload workload)
    {
        var layout = workload.IsLeNet ? ImageLayout.ChannelsRowsColumns : ImageLayout.Flattened;
        var data = Mnist.LoadTest(SharedData.MnistFolder, layout);
        var features = data.Features.To(DType.Float32);
        var labels = data.Labels.To(DType.Float32);
        int batch = workload.BatchSize;
        BatchCount = data.Count / batch;

        long[] shape = [.. features.Shape.ToArray().Select(d => (long)d)];
        var allImages = torch.tensor(features.Floats.ToArray(), shape, torch.ScalarType.Float32);
        var allLabels = torch.tensor(labels.Floats.ToArray().Select(v => (long)v).ToArray(), torch.ScalarType.Int64);
        _images = new DiffGen.Tensor[BatchCount];
        _labels = new DiffGen.Tensor[BatchCount];
        _torchImages = new torch.Tensor[BatchCount];
        _torchLabels = new torch.Tensor[BatchCount];
        for (int b = 0; b < BatchCount; b++)
        {
            _images[b] = features.Slice(b * batch, batch);
            _labels[b] = labels.Slice(b * batch, batch);
            _torchImages[b] = allImages.narrow(0, b * batch, batch).contiguous();
            _torchLabels[b] = allLabels.narrow(0, b * batch, batch).contiguous();
        }

        torch.manual_seed(1);
        if (workload.IsLeNet)
        {
            var net = new LeNet(DType.Float32);
            _model = net;
            _loss = net.Loss;
            _lossWithGradient = net.LossWithGradient;
            _torchModel = new TorchLeNet();
        }
        else
        {
            var net = new Mlp(DType.Float32);
            _model = net;
            _loss = net.Loss;
            _lossWithGradient = net.LossWithGradient;
            _torchModel = new TorchMlp();
        }

        CopyWeights(_torchModel, _model);
        Parameters = _model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        _sgd = new Sgd(_model.Parameters(), lr: LearningRate, momentum: Momentum);
        _torchSgd = torch.optim.SGD(_torchModel.parameters(), learningRate: LearningRate, momentum: Momentum);
    }

    private const double LearningRate = 0.01;
    private const double Momentum = 0.9;

    public int BatchCount { get; }

    public IModel Model => _model;

    public Sgd Optimizer => _sgd;

    public IReadOnlyDictionary<string, Parameter> Parameters { get; }

    public torch.nn.Module<torch.Tensor, torch.Tensor> TorchModel => _torchModel;

    public torch.optim.Optimizer TorchOptimizer => _torchSgd;

    public (DiffGen.Tensor Images, DiffGen.Tensor Labels) Batch(int b) => (_images[b], _labels[b]);

    public (torch.Tensor Images, torch.Tensor Labels) TorchBatch(int b) => (_torchImages[b], _torchLabels[b]);

    /// <summary>
    /// Builds both models and checks that they compute the same loss on the first batch before any training (both
    /// finite, equal to 1e-4 relative, and within 1 of ln 10 as an untrained ten-class classifier should be).
    /// </summary>
    public static Pair Create(Workload workload, int torchThreads)
    {
        NativePatch.Ensure();
        torch.set_num_threads(torchThreads);
        var pair = new Pair(workload);
        double diffGen = pair.DiffGenLoss(0);
        double torchLoss = pair.TorchLoss(0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// Sanity {workload}: initial loss DiffGen {diffGen:F6}, TorchSharp {torchLoss:F6}, ln 10 = {Math.Log(10):F6}; torch threads {torch.get_num_threads()}, cores {Environment.ProcessorCount}"));
        if (!double.IsFinite(diffGen) || !double.IsFinite(torchLoss)
            || Math.Abs(diffGen - torchLoss) > 1e-4 * Math.Abs(torchLoss)
            || Math.Abs(diffGen - Math.Log(10)) > 1)
        {
            throw new InvalidOperationException($"The losses do not agree: DiffGen {diffGen}, TorchSharp {torchLoss}.");
        }

        // One step each, then compare again: the gradients and the SGD update agree too.
        pair.DiffGenStep(0);
        pair.TorchStep(0);
        diffGen = pair.DiffGenLoss(0);
        torchLoss = pair.TorchLoss(0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// Sanity {workload}: loss after one step DiffGen {diffGen:F6}, TorchSharp {torchLoss:F6}"));
        if (!double.IsFinite(diffGen) || Math.Abs(diffGen - torchLoss) > 1e-3 * Math.Abs(torchLoss))
        {
            throw new InvalidOperationException($"The losses after one step do not agree: DiffGen {diffGen}, TorchSharp {torchLoss}.");
        }

        return pair;
    }

    public void Dispose()
    {
        _torchSgd.Dispose();
        _torchModel.Dispose();
    }

    public double DiffGenLoss(int b) => _loss(_images[b], _labels[b]);

    public double TorchLoss(int b)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return torch.nn.functional.cross_entropy(_torchModel.call(_torchImages[b]), _torchLabels[b]).item<float>();
    }

    /// <summary>DiffGen's training step, as docs/models.md writes it.</summary>
    public double DiffGenStep(int b)
    {
        _model.ZeroGrad();
        double loss = _lossWithGradient(_images[b], _labels[b]);
        _sgd.Step();
        return loss;
    }

    /// <summary>TorchSharp's training step, as its examples write it (a dispose scope frees the step's tensors).</summary>
    public double TorchStep(int b)
    {
        using var scope = torch.NewDisposeScope();
        _torchSgd.zero_grad();
        var loss = torch.nn.functional.cross_entropy(_torchModel.call(_torchImages[b]), _torchLabels[b]);
        loss.backward();
        _torchSgd.step();
        return loss.item<float>();
    }

    /// <summary>
    /// Copies TorchSharp's initial parameters (PyTorch's default initialisation of Linear and Conv2d: uniform in
    /// ±1/sqrt(fan_in) for weights and biases, from <c>torch.manual_seed(1)</c>) into the DiffGen model, matched by name
    /// (<c>hidden.weight</c> to <c>hidden.Weight</c>). DiffGen's linear weights are [in, out] (x·W), TorchSharp's
    /// [out, in] (x·Wᵀ). Both models then start from the same weights, at the usual scale (initial loss near ln 10).
    /// </summary>
    private static void CopyWeights(torch.nn.Module module, IModel model)
    {
        var sources = module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.OrdinalIgnoreCase);
        if (sources.Count != model.NamedParameters().Count)
        {
            throw new InvalidOperationException("The two models have different parameters.");
        }

        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in model.NamedParameters())
        {
            var source = sources[name];
            var target = parameter.Value;
            bool linearWeight = target.Shape.Length == 2 && name.EndsWith(".Weight", StringComparison.Ordinal);
            using var oriented = (linearWeight ? source.t() : source.alias()).contiguous();
            long[] shape = [.. target.Shape.ToArray().Select(d => (long)d)];
            if (!oriented.shape.SequenceEqual(shape))
            {
                throw new InvalidOperationException($"{name}: shape [{string.Join(", ", oriented.shape)}] against [{string.Join(", ", shape)}].");
            }

            oriented.data<float>().ToArray().CopyTo(target.Floats);
        }
    }
}
