using DiffGen.Samples.LinearRegression;

namespace DiffGen.EndToEnd.Tests;

/// <summary>The README's first command, samples/LinearRegression, run in-process on a small problem.</summary>
public sealed class LinearRegressionSampleTests : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "diffgen-linear-regression-sample-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }

    [Fact]
    public void A_small_run_writes_the_plots_and_the_curves_and_exits_with_zero()
    {
        // The program's own entry point (top-level statements), with small sizes.
        var main = typeof(LinearModel).Assembly.EntryPoint!;
        string[] args = ["--samples", "512", "--features", "3", "--max-epochs", "15", "--repeats", "1", "--out", _output];

        object? exitCode = main.Invoke(null, [args]);

        Assert.Equal(0, exitCode);
        string[] plots =
        [
            "batch-size-loss-vs-epoch.png", "batch-size-loss-vs-time.png", "learning-rate-loss-vs-epoch.png",
            "learning-rate-loss-vs-time.png", "learning-rate-bias.png", "momentum-loss-vs-epoch.png", "momentum-loss-vs-time.png",
        ];
        foreach (string plot in plots)
        {
            byte[] png = File.ReadAllBytes(Path.Combine(_output, plot));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        }

        string[] csv = File.ReadAllLines(Path.Combine(_output, "results.csv"));
        Assert.Equal("experiment,run,batch_size,lr,momentum,nesterov,epoch,loss,optimum,seconds", csv[0]);
        Assert.True(csv.Length > 14, $"results.csv has {csv.Length} lines; 14 runs write at least one epoch each after the header.");
    }

    [Fact]
    public void The_generated_gradient_of_the_lesson_loss_matches_finite_differences()
    {
        double[] theta = [0.3, -1.2, 0.7, 0.1];
        double[] xs = [0.5, -0.25, 1.0, -0.75, 0.2, 0.4, 0.9, -0.6, -0.1];
        double[] ys = [1.0, -0.5, 2.0];
        var gradient = new double[theta.Length];

        double loss = LinearModel.LossWithGradient(theta, xs, ys, 3, gradient);

        Assert.Equal(LinearModel.Loss(theta, xs, ys, 3), loss);
        for (int j = 0; j < theta.Length; j++)
        {
            // J is quadratic in θ: central differences are exact up to rounding.
            const double h = 1e-6;
            double[] plus = [.. theta], minus = [.. theta];
            plus[j] += h;
            minus[j] -= h;
            double numeric = (LinearModel.Loss(plus, xs, ys, 3) - LinearModel.Loss(minus, xs, ys, 3)) / (2 * h);
            Assert.Equal(numeric, gradient[j], 1e-8);
        }
    }
}
