using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using DiffGen.CompilerServices;
using DiffGen.EndToEnd.Tests.Networks;
using TorchSharp;
using static DiffGen.TensorMath;

namespace DiffGen.Benchmarks.Training;

/// <summary>
/// Where a training step's time goes: a Stopwatch around each operation of the step, in the order the generated
/// <c>LossWithGradient</c> runs them (the same calls, copied from the generated code, inside a <c>TensorArena</c>
/// scope), and TorchSharp's step cut into zero_grad, forward + loss, backward and optimizer step. Each row is the median
/// over 7 blocks of steps of the mean time per step within a block. Run with
/// <c>dotnet run -c Release --project bench/Training -- --profile [torch threads]</c>.
/// </summary>
internal static class Profile
{
    private const int Blocks = 7;

    public static void Run(ReadOnlySpan<string> args)
    {
        if (args.Length > 0 && args[0] == "sgd")
        {
            SgdDecay();
            return;
        }

        int threads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2;
        foreach (var workload in TrainingStepBenchmarks.Workloads())
        {
            var pair = Pair.Create(workload, threads);
            int steps = workload.IsLeNet ? 40 : workload.BatchSize switch { 1 => 2000, 32 => 1000, _ => 150 };
            var laps = new Laps();
            var whole = new List<double>();
            var torchLaps = new Laps();
            for (int block = 0; block < Blocks + 1; block++)
            {
                bool record = block > 0;   // the first block warms up
                laps.Recording = record;
                torchLaps.Recording = record;

                long start = Stopwatch.GetTimestamp();
                for (int s = 0; s < steps; s++)
                {
                    pair.DiffGenStep(s % pair.BatchCount);
                }

                if (record)
                {
                    whole.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds / steps);
                }

                for (int s = 0; s < steps; s++)
                {
                    if (workload.IsLeNet)
                    {
                        LeNetStep(pair, s % pair.BatchCount, laps);
                    }
                    else
                    {
                        MlpStep(pair, s % pair.BatchCount, laps);
                    }
                }

                for (int s = 0; s < steps; s++)
                {
                    TorchStep(pair, s % pair.BatchCount, torchLaps);
                }

                laps.EndBlock(steps);
                torchLaps.EndBlock(steps);
            }

            whole.Sort();
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"## {workload}: DiffGen step (LossWithGradient as generated) {whole[whole.Count / 2]:F1} µs; the same calls timed one by one:"));
            laps.Print();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"## {workload}: TorchSharp, {threads} thread(s):"));
            torchLaps.Print();
            pair.Dispose();
        }
    }

    /// <summary>
    /// Sgd.Step (momentum 0.9) on 101,770 float parameters (the MLP's count) whose gradient is nonzero once and zero
    /// afterwards, as for MNIST's always-blank border pixels at batch 1: the momentum buffer decays by 0.9 per step,
    /// through the subnormal range (below 1.2e-38) to zero. Prints the time per step along the way.
    /// </summary>
    private static void SgdDecay()
    {
        const int count = 101_770;
        var values = new float[count];
        var random = new Random(1);
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(random.NextDouble() - 0.5);
        }

        var parameter = new Parameter(Tensor.FromArray(values, count));
        var grad = parameter.Grad.Floats;
        for (int i = 0; i < count; i++)
        {
            grad[i] = (float)(random.NextDouble() * 1e-2);
        }

        var sgd = new Sgd([parameter], lr: 0.01, momentum: 0.9);
        sgd.Step();
        parameter.ZeroGrad();
        for (int block = 0; block < 12; block++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int s = 0; s < 100; s++)
            {
                sgd.Step();
            }

            double us = Stopwatch.GetElapsedTime(start).TotalMicroseconds / 100;
            double buffer = 1e-2 * Math.Pow(0.9, (block + 1) * 100);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| steps {block * 100 + 1}-{(block + 1) * 100} | buffer about {buffer:E1} | {us:F1} µs per step |"));
        }
    }

    /// <summary>The generated MLP step, operation by operation.</summary>
    private static void MlpStep(Pair pair, int b, Laps laps)
    {
        var (images, labels) = pair.Batch(b);
        var p = pair.Parameters;
        Parameter w1 = p["hidden.Weight"], b1 = p["hidden.Bias"], w2 = p["output.Weight"], b2 = p["output.Bias"];
        long t = Stopwatch.GetTimestamp();
        pair.Model.ZeroGrad();
        laps.Lap("ZeroGrad", ref t);
        using (TensorArena.Enter())
        {
            laps.Lap("arena", ref t);
            var h = MatMul(images, w1.Value);
            laps.Lap("fwd MatMul x·W1", ref t);
            var hb = h + b1.Value;
            laps.Lap("fwd + b1", ref t);
            var a = Relu(hb);
            laps.Lap("fwd Relu", ref t);
            var o = MatMul(a, w2.Value);
            laps.Lap("fwd MatMul a·W2", ref t);
            var z = o + b2.Value;
            laps.Lap("fwd + b2", ref t);
            double loss = Losses.CrossEntropy(z, labels);
            laps.Lap("fwd CrossEntropy", ref t);
            Tensor? dz = null, d_o = null, da = null, dhb = null, dh = null;
            Losses.CrossEntropyBackward(1.0, loss, z, labels, Reduction.Mean, Adjoints.GradientFor(ref dz, z));
            laps.Lap("bwd CrossEntropy", ref t);
            Tensor.AdditionBackward(dz!, z, o, b2.Value, Adjoints.GradientFor(ref d_o, o), b2.Grad);
            laps.Lap("bwd + b2 (db2 = column sums)", ref t);
            MatMulBackward(d_o!, o, a, w2.Value, null, w2.Grad);
            laps.Lap("bwd MatMul dW2 = aᵀ·do", ref t);
            MatMulBackward(d_o!, o, a, w2.Value, Adjoints.GradientFor(ref da, a), null);
            laps.Lap("bwd MatMul da = do·W2ᵀ", ref t);
            ReluBackward(da!, a, hb, Adjoints.GradientFor(ref dhb, hb));
            laps.Lap("bwd Relu", ref t);
            Tensor.AdditionBackward(dhb!, hb, h, b1.Value, Adjoints.GradientFor(ref dh, h), b1.Grad);
            laps.Lap("bwd + b1 (db1 = column sums)", ref t);
            MatMulBackward(dh!, h, images, w1.Value, null, w1.Grad);
            laps.Lap("bwd MatMul dW1 = xᵀ·dh", ref t);
        }

        laps.Lap("arena exit", ref t);
        pair.Optimizer.Step();
        laps.Lap("Sgd.Step", ref t);
    }

    /// <summary>The generated LeNet step, operation by operation.</summary>
    private static void LeNetStep(Pair pair, int b, Laps laps)
    {
        var (images, labels) = pair.Batch(b);
        var p = pair.Parameters;
        long t = Stopwatch.GetTimestamp();
        pair.Model.ZeroGrad();
        laps.Lap("ZeroGrad", ref t);
        using (TensorArena.Enter())
        {
            Parameter c1w = p["conv1.Weight"], c1b = p["conv1.Bias"], c2w = p["conv2.Weight"], c2b = p["conv2.Bias"];
            Parameter f1w = p["fc1.Weight"], f1b = p["fc1.Bias"], f2w = p["fc2.Weight"], f2b = p["fc2.Bias"], f3w = p["fc3.Weight"], f3b = p["fc3.Bias"];
            laps.Lap("arena", ref t);
            var c1 = Conv2d(images, c1w.Value, c1b.Value, 1, 2, 1);
            laps.Lap("fwd Conv2d 1→6 (28²)", ref t);
            var r1 = Relu(c1);
            laps.Lap("fwd Relu 1", ref t);
            var p1 = MaxPool2d(r1, 2);
            laps.Lap("fwd MaxPool 1", ref t);
            var c2 = Conv2d(p1, c2w.Value, c2b.Value, 1, 0, 1);
            laps.Lap("fwd Conv2d 6→16 (14²)", ref t);
            var r2 = Relu(c2);
            laps.Lap("fwd Relu 2", ref t);
            var p2 = MaxPool2d(r2, 2);
            laps.Lap("fwd MaxPool 2", ref t);
            var flat = Flatten(p2, 1);
            var m1 = MatMul(flat, f1w.Value);
            var s1 = m1 + f1b.Value;
            var a1 = Relu(s1);
            var m2 = MatMul(a1, f2w.Value);
            var s2 = m2 + f2b.Value;
            var a2 = Relu(s2);
            var m3 = MatMul(a2, f3w.Value);
            var z = m3 + f3b.Value;
            laps.Lap("fwd fc layers (3 MatMul, + bias, Relu)", ref t);
            double loss = Losses.CrossEntropy(z, labels);
            laps.Lap("fwd CrossEntropy", ref t);

            Tensor? dz = null, dm3 = null, da2 = null, dm2 = null, da1 = null, dm1 = null, dflat = null, dp2 = null, dr2 = null, dc2 = null, dp1 = null, dr1 = null, dc1 = null;
            Losses.CrossEntropyBackward(1.0, loss, z, labels, Reduction.Mean, Adjoints.GradientFor(ref dz, z));
            laps.Lap("bwd CrossEntropy", ref t);
            Tensor.AdditionBackward(dz!, z, m3, f3b.Value, Adjoints.GradientFor(ref dm3, m3), f3b.Grad);
            MatMulBackward(dm3!, m3, a2, f3w.Value, Adjoints.GradientFor(ref da2, a2), f3w.Grad);
            Tensor? ds2 = null, ds1 = null;
            ReluBackward(da2!, a2, s2, Adjoints.GradientFor(ref ds2, s2));
            Tensor.AdditionBackward(ds2!, s2, m2, f2b.Value, Adjoints.GradientFor(ref dm2, m2), f2b.Grad);
            MatMulBackward(dm2!, m2, a1, f2w.Value, Adjoints.GradientFor(ref da1, a1), f2w.Grad);
            ReluBackward(da1!, a1, s1, Adjoints.GradientFor(ref ds1, s1));
            Tensor.AdditionBackward(ds1!, s1, m1, f1b.Value, Adjoints.GradientFor(ref dm1, m1), f1b.Grad);
            MatMulBackward(dm1!, m1, flat, f1w.Value, Adjoints.GradientFor(ref dflat, flat), f1w.Grad);
            FlattenBackward(dflat!, flat, p2, 1, Adjoints.GradientFor(ref dp2, p2));
            laps.Lap("bwd fc layers", ref t);
            MaxPool2dBackward(dp2!, p2, r2, 2, Adjoints.GradientFor(ref dr2, r2));
            laps.Lap("bwd MaxPool 2", ref t);
            ReluBackward(dr2!, r2, c2, Adjoints.GradientFor(ref dc2, c2));
            laps.Lap("bwd Relu 2", ref t);
            Conv2dBackward(dc2!, c2, p1, c2w.Value, c2b.Value, 1, 0, 1, null, c2w.Grad, null);
            laps.Lap("bwd Conv2d 2: dW", ref t);
            Conv2dBackward(dc2!, c2, p1, c2w.Value, c2b.Value, 1, 0, 1, null, null, c2b.Grad);
            laps.Lap("bwd Conv2d 2: db", ref t);
            Conv2dBackward(dc2!, c2, p1, c2w.Value, c2b.Value, 1, 0, 1, Adjoints.GradientFor(ref dp1, p1), null, null);
            laps.Lap("bwd Conv2d 2: dx", ref t);
            MaxPool2dBackward(dp1!, p1, r1, 2, Adjoints.GradientFor(ref dr1, r1));
            laps.Lap("bwd MaxPool 1", ref t);
            ReluBackward(dr1!, r1, c1, Adjoints.GradientFor(ref dc1, c1));
            laps.Lap("bwd Relu 1", ref t);
            Conv2dBackward(dc1!, c1, images, c1w.Value, c1b.Value, 1, 2, 1, null, c1w.Grad, null);
            laps.Lap("bwd Conv2d 1: dW", ref t);
            Conv2dBackward(dc1!, c1, images, c1w.Value, c1b.Value, 1, 2, 1, null, null, c1b.Grad);
            laps.Lap("bwd Conv2d 1: db", ref t);
        }

        laps.Lap("arena exit", ref t);
        pair.Optimizer.Step();
        laps.Lap("Sgd.Step", ref t);
    }

    private static void TorchStep(Pair pair, int b, Laps laps)
    {
        var (images, labels) = pair.TorchBatch(b);
        long t = Stopwatch.GetTimestamp();
        using (var scope = torch.NewDisposeScope())
        {
            pair.TorchOptimizer.zero_grad();
            laps.Lap("zero_grad", ref t);
            var loss = torch.nn.functional.cross_entropy(pair.TorchModel.call(images), labels);
            laps.Lap("forward + loss", ref t);
            loss.backward();
            laps.Lap("backward", ref t);
            pair.TorchOptimizer.step();
            laps.Lap("SGD step", ref t);
            _ = loss.item<float>();
        }

        laps.Lap("item + dispose scope", ref t);
    }

    /// <summary>Accumulates time per named lap; per block, the mean per step; printed as medians over blocks.</summary>
    private sealed class Laps
    {
        private readonly List<string> _names = [];
        private readonly Dictionary<string, long> _ticks = [];
        private readonly Dictionary<string, List<double>> _perBlock = [];

        public bool Recording { get; set; }

        public void Lap(string name, ref long t)
        {
            long now = Stopwatch.GetTimestamp();
            if (Recording)
            {
                if (!_ticks.TryGetValue(name, out long ticks))
                {
                    _names.Add(name);
                }

                _ticks[name] = ticks + (now - t);
            }

            t = Stopwatch.GetTimestamp();
        }

        public void EndBlock(int steps)
        {
            if (!Recording)
            {
                return;
            }

            foreach (string name in _names)
            {
                if (!_perBlock.TryGetValue(name, out var list))
                {
                    _perBlock[name] = list = [];
                }

                list.Add(_ticks[name] * 1e6 / Stopwatch.Frequency / steps);
                _ticks[name] = 0;
            }
        }

        public void Print()
        {
            var medians = _names.Select(n => (Name: n, Median: Median(_perBlock[n]))).ToList();
            double total = medians.Sum(m => m.Median);
            foreach (var (name, median) in medians)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {median:F1} µs | {100 * median / total:F0} % |"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| total | {total:F1} µs | |"));
        }

        private static double Median(List<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted[sorted.Count / 2];
        }
    }
}
