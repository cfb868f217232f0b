using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using ScottPlot;

namespace DiffGen.Samples.LinearRegression;

/// <summary>The figures, drawn with ScottPlot and saved as PNG files.</summary>
internal static class Plots
{
    private const int Width = 900;
    private const int Height = 560;

    /// <summary>
    /// J − J(θ*) against epochs (or against training seconds), one line per run, on a logarithmic axis: when gradient
    /// descent converges linearly the distance to the best fit shrinks by a constant factor per epoch, a straight line
    /// there; SGD's noise shows as a floor it bounces on. A diverging run leaves the top of the plot.
    /// </summary>
    public static string Loss(string folder, string name, string title, IReadOnlyList<RunResult> runs, bool againstTime)
    {
        var plot = new Plot();
        double optimum = runs[0].Optimum;
        double initial = runs.Max(r => r.Loss[0]) - optimum;
        // The excess loss can reach rounding level (1e-16 of J); the axis stops at 1e-8 of the start.
        double floor = Math.Max(1e-8 * initial, runs.Select(r => r.Loss.Where(double.IsFinite).Min() - optimum).Min());
        foreach (var run in runs)
        {
            // Points beyond 10x the starting loss are dropped: they only stretch the axis.
            int count = run.Loss.TakeWhile(l => double.IsFinite(l) && l - optimum < 10 * initial).Count();
            double[] xs = [.. (againstTime ? run.Seconds : Enumerable.Range(0, run.Loss.Count).Select(e => (double)e)).Take(count)];
            double[] ys = [.. run.Loss.Take(count).Select(l => Math.Log10(Math.Max(l - optimum, floor)))];
            if (run.Diverged && count < run.Loss.Count)
            {
                // Show where it left: one point at the top edge.
                xs = [.. xs, againstTime ? run.Seconds[count] : count];
                ys = [.. ys, Math.Log10(10 * initial)];
            }

            var line = plot.Add.ScatterLine(xs, ys);
            line.LegendText = run.Settings.Label + (run.Diverged ? " (diverged)" : "");
            line.LineWidth = 2;
        }

        LogScale(plot.Axes.Left);
        plot.Axes.SetLimitsY(Math.Log10(floor) - 0.2, Math.Log10(10 * initial));
        plot.Title(title);
        plot.XLabel(againstTime ? "training time (s)" : "epoch (one pass over the m samples)");
        plot.YLabel("J(θ) − J(θ*) on all samples (log scale)");
        plot.ShowLegend(Alignment.UpperRight);
        return Save(plot, folder, name);
    }

    /// <summary>The bias b after each of the first updates, against its true value: how the step size moves a parameter.</summary>
    public static string Bias(string folder, string name, string title, IReadOnlyList<RunResult> runs, double trueBias)
    {
        var plot = new Plot();
        double limit = 4 * Math.Max(1, Math.Abs(trueBias));
        foreach (var run in runs)
        {
            double[] ys = [0, .. run.BiasPath.Select(b => Math.Clamp(b, -limit, limit))];
            double[] xs = [.. Enumerable.Range(0, ys.Length).Select(i => (double)i)];
            var line = plot.Add.ScatterLine(xs, ys);
            line.LegendText = run.Settings.Label;
            line.LineWidth = 2;
        }

        var truth = plot.Add.HorizontalLine(trueBias);
        truth.LinePattern = LinePattern.Dashed;
        truth.Color = Colors.Black;
        truth.LegendText = "true b";
        plot.Axes.SetLimitsY(-0.5 * limit, limit);
        plot.Title(title);
        plot.XLabel("update");
        plot.YLabel("bias b");
        plot.ShowLegend(Alignment.LowerRight);
        return Save(plot, folder, name);
    }

    /// <summary>Labels a log10 axis with the values themselves (1e-4, 0.001, 0.01, 0.1, 1, 10).</summary>
    private static void LogScale(IAxis axis)
    {
        var ticks = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Abs(y) < 3 ? Math.Pow(10, y).ToString("G3", CultureInfo.InvariantCulture) : $"1e{y:F0}",
        };
        axis.TickGenerator = ticks;
    }

    private static string Save(Plot plot, string folder, string name)
    {
        string path = Path.Combine(folder, name);
        plot.SavePng(path, Width, Height);
        return path;
    }
}
