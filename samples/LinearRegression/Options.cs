using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace DiffGen.Samples.LinearRegression;

/// <summary>
/// The sample's command-line options. Every number has a default chosen so that the whole run takes about a
/// minute on two cores; <c>--help</c> lists them.
/// </summary>
internal sealed class Options
{
    /// <summary>The number of samples m.</summary>
    public int Samples { get; private set; } = 16384;

    /// <summary>The number of features d (the model has d weights and a bias).</summary>
    public int Features { get; private set; } = 16;

    /// <summary>The standard deviation of the noise on the targets: the best possible J is about noise² / 2.</summary>
    public double Noise { get; private set; } = 0.1;

    /// <summary>The seed of the data set.</summary>
    public int DataSeed { get; private set; } = 7;

    /// <summary>The seed of the shuffles (every run shuffles the same way).</summary>
    public int ShuffleSeed { get; private set; } = 1;

    /// <summary>The batch sizes compared in the first experiment; 0 stands for m (batch gradient descent).</summary>
    public IReadOnlyList<int> BatchSizes { get; private set; } = [1, 8, 32, 128, 512, 0];

    /// <summary>The learning rate of the batch-size experiment (plain gradient descent, no momentum).</summary>
    public double BatchLearningRate { get; private set; } = 0.05;

    /// <summary>The learning rates of the sweep.</summary>
    public IReadOnlyList<double> LearningRates { get; private set; } = [0.01, 0.1, 1.0, 1.9, 2.1];

    /// <summary>The batch size of the learning-rate sweep; 0 stands for m.</summary>
    public int SweepBatchSize { get; private set; }

    /// <summary>The learning rate of the momentum comparison.</summary>
    public double MomentumLearningRate { get; private set; } = 0.01;

    /// <summary>The batch size of the momentum comparison; 0 stands for m.</summary>
    public int MomentumBatchSize { get; private set; } = 512;

    /// <summary>The momentum μ of the momentum and Nesterov runs.</summary>
    public double Momentum { get; private set; } = 0.9;

    /// <summary>The most epochs any run takes.</summary>
    public int MaxEpochs { get; private set; } = 200;

    /// <summary>Converged: the loss changed by less than this fraction of itself ...</summary>
    public double Tolerance { get; private set; } = 1e-4;

    /// <summary>... for this many epochs in a row.</summary>
    public int Patience { get; private set; } = 5;

    /// <summary>The accuracy target: J within this fraction above J(θ*) counts as reached.</summary>
    public double Target { get; private set; } = 1e-3;

    /// <summary>How many times each run is repeated; the fastest is kept (the losses are the same every time).</summary>
    public int Repeats { get; private set; } = 3;

    /// <summary>Where the plots and the CSV file go.</summary>
    public string Output { get; private set; } = "out";

    /// <summary>Whether only the help text was asked for.</summary>
    public bool Help { get; private set; }

    /// <summary>The help text.</summary>
    public static string Usage => """
        Usage: dotnet run --project samples/LinearRegression [-c Release] [-- options]

        Trains h(x) = θ·x + b on Synthetic.LinearRegression with J(θ) = 1/(2m) Σ (h(x) − y)² and its generated
        gradient, and measures batch / stochastic / mini-batch gradient descent, a learning-rate sweep and momentum.

          --samples N          m, the number of samples                          (16384)
          --features N         d, the number of features                         (16)
          --noise X            standard deviation of the targets' noise          (0.1)
          --seed N             seed of the data                                  (7)
          --shuffle-seed N     seed of the mini-batch shuffles                   (1)
          --batch-sizes LIST   batch sizes to compare, 'm' for all samples       (1,8,32,128,512,m)
          --lr X               learning rate of the batch-size runs              (0.05)
          --lrs LIST           learning rates of the sweep                       (0.01,0.1,1,1.9,2.1)
          --sweep-batch N|m    batch size of the sweep                           (m: batch gradient descent)
          --momentum-lr X      learning rate of the momentum comparison          (0.01)
          --momentum-batch N|m batch size of the momentum comparison             (512)
          --momentum X         μ of the momentum and Nesterov runs               (0.9)
          --max-epochs N       the most epochs of any run                        (200)
          --tolerance X        converged: |ΔJ| < X·J ...                         (1e-4)
          --patience N         ... for N epochs in a row                          (5)
          --target X           reached: J ≤ (1 + X)·J(θ*), θ* the exact fit       (1e-3)
          --repeats N          run each setting N times, keep the fastest        (3)
          --out DIR            folder for the plots and results.csv              (./out)
          --help               this text
        """;

    /// <summary>Reads the options; throws <see cref="ArgumentException"/> with the option's name for a bad value.</summary>
    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name is "--help" or "-h" or "-?")
            {
                options.Help = true;
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{name} needs a value (see --help).");
            }

            string value = args[++i];
            switch (name)
            {
                case "--samples": options.Samples = Int(name, value, min: 2); break;
                case "--features": options.Features = Int(name, value, min: 1); break;
                case "--noise": options.Noise = Number(name, value, min: 0); break;
                case "--seed": options.DataSeed = Int(name, value, min: int.MinValue); break;
                case "--shuffle-seed": options.ShuffleSeed = Int(name, value, min: int.MinValue); break;
                case "--batch-sizes": options.BatchSizes = [.. value.Split(',').Select(v => BatchSize(name, v))]; break;
                case "--lr": options.BatchLearningRate = Number(name, value, min: 0); break;
                case "--lrs": options.LearningRates = [.. value.Split(',').Select(v => Number(name, v, min: 0))]; break;
                case "--sweep-batch": options.SweepBatchSize = BatchSize(name, value); break;
                case "--momentum-lr": options.MomentumLearningRate = Number(name, value, min: 0); break;
                case "--momentum-batch": options.MomentumBatchSize = BatchSize(name, value); break;
                case "--momentum": options.Momentum = Number(name, value, min: 0); break;
                case "--max-epochs": options.MaxEpochs = Int(name, value, min: 1); break;
                case "--tolerance": options.Tolerance = Number(name, value, min: 0); break;
                case "--patience": options.Patience = Int(name, value, min: 1); break;
                case "--target": options.Target = Number(name, value, min: 0); break;
                case "--repeats": options.Repeats = Int(name, value, min: 1); break;
                case "--out": options.Output = value; break;
                default: throw new ArgumentException($"Unknown option '{name}' (see --help).");
            }
        }

        options.Output = Path.GetFullPath(options.Output);
        return options;
    }

    /// <summary>A batch size as given, with 0 (for 'm') replaced by the number of samples.</summary>
    public int Resolve(int batchSize) => batchSize == 0 ? Samples : batchSize;

    private static int BatchSize(string name, string value) =>
        value.Trim() is "m" or "M" ? 0 : Int(name, value, min: 1);

    private static int Int(string name, string value, int min) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int result) && result >= min
            ? result
            : throw new ArgumentException($"{name} expects an integer >= {min}; got '{value}'.");

    private static double Number(string name, string value, double min) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double result) && double.IsFinite(result) && result >= min
            ? result
            : throw new ArgumentException($"{name} expects a number >= {min.ToString(CultureInfo.InvariantCulture)}; got '{value}'.");
}
