using System;
using System.Globalization;
using System.IO;

namespace DiffGen.Samples.LeNet;

/// <summary>The sample's options; <c>--help</c> lists them.</summary>
internal sealed record LeNetOptions
{
    /// <summary>The MNIST folder (IDX files, e.g. ../shared/data/mnist), or null for the built-in synthetic digits.</summary>
    public string? Data { get; init; }

    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Images per update.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The learning rate γ of <see cref="Sgd"/>.</summary>
    public double LearningRate { get; init; } = 0.001;

    /// <summary>The momentum μ of <see cref="Sgd"/>.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Training images: the first ones of the file (MNIST) or freshly drawn (synthetic).</summary>
    public int TrainCount { get; init; } = 8000;

    /// <summary>Test images: the last ones of the file (MNIST) or drawn with another seed (synthetic).</summary>
    public int TestCount { get; init; } = 2000;

    /// <summary>The seed of the weights, the shuffles and the synthetic digits.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Where the checkpoint, the plot and the CSV file go.</summary>
    public string Output { get; init; } = "out";

    /// <summary>Whether only the help text was asked for.</summary>
    public bool Help { get; init; }

    /// <summary>The help text.</summary>
    public static string Usage => """
        Usage: dotnet run --project samples/LeNet [-c Release] [-- options]

        Trains LeNet-5 with SGD and momentum, the loop ZeroGrad → LossWithGradient → Step per batch.

          --data DIR         MNIST folder with t10k-images-idx3-ubyte(.gz) and t10k-labels-idx1-ubyte(.gz);
                             without it, built-in synthetic digits
          --epochs N         passes over the training images                    (5)
          --batch-size N     images per update                                  (32)
          --lr X             learning rate                                      (0.001)
          --momentum X       momentum                                           (0.9)
          --train N          training images (MNIST: the first N of the file)   (8000)
          --test N           test images (MNIST: the last N of the file)        (2000)
          --seed N           seed of the weights, shuffles and synthetic digits (1)
          --out DIR          folder for lenet5.safetensors, learning-curves.png, epochs.csv (./out)
          --help             this text
        """;

    /// <summary>Reads the options; throws <see cref="ArgumentException"/> naming the option for a bad value.</summary>
    public static LeNetOptions Parse(string[] args)
    {
        var options = new LeNetOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name is "--help" or "-h" or "-?")
            {
                options = options with { Help = true };
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{name} needs a value (see --help).");
            }

            string value = args[++i];
            options = name switch
            {
                "--data" => options with { Data = value },
                "--epochs" => options with { Epochs = Int(name, value) },
                "--batch-size" => options with { BatchSize = Int(name, value) },
                "--lr" => options with { LearningRate = Number(name, value) },
                "--momentum" => options with { Momentum = Number(name, value) },
                "--train" => options with { TrainCount = Int(name, value) },
                "--test" => options with { TestCount = Int(name, value) },
                "--seed" => options with { Seed = Int(name, value) },
                "--out" => options with { Output = value },
                _ => throw new ArgumentException($"Unknown option '{name}' (see --help)."),
            };
        }

        return options with { Output = Path.GetFullPath(options.Output) };
    }

    private static int Int(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int result) && result >= 1
            ? result
            : throw new ArgumentException($"{name} expects an integer >= 1; got '{value}'.");

    private static double Number(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double result) && double.IsFinite(result) && result >= 0
            ? result
            : throw new ArgumentException($"{name} expects a number >= 0; got '{value}'.");
}
