using System.Globalization;

namespace DiffGen.Runtime.Tests.Optimizers;

/// <summary>Test parameters and gradients shared by the optimizer tests (test code only).</summary>
internal static class OptimizerTesting
{
    /// <summary>Initial values of three parameters (float-representable, away from zero).</summary>
    public static readonly double[][] InitialValues = [[0.5, -1.25, 2.0], [1.5, -0.75, 1.25, -2.0], [0.75, -1.5]];

    public static readonly int[][] Shapes = [[3], [2, 2], [2]];

    public static Parameter[] CreateParameters(DType dtype)
    {
        var parameters = new Parameter[InitialValues.Length];
        for (int k = 0; k < parameters.Length; k++)
        {
            var value = Tensor.Zeros(dtype, Shapes[k]);
            for (int i = 0; i < InitialValues[k].Length; i++)
            {
                Set(value, i, InitialValues[k][i]);
            }

            parameters[k] = new Parameter(value);
        }

        return parameters;
    }

    /// <summary>
    /// The gradient of element <paramref name="i"/> of parameter <paramref name="k"/> at step <paramref name="t"/>:
    /// a quadratic pull towards a target of the same sign as the initial value (so that values stay away from zero and
    /// relative errors mean something) plus a changing term for parameters 0 and 1; a fixed sequence with zeros for
    /// parameter 2.
    /// </summary>
    public static double Gradient(int k, int i, int t, double theta)
    {
        k %= InitialValues.Length;
        if (k == 2)
        {
            return i == 0 ? 0.0 : t % 3 == 0 ? 0.0 : (t % 2 == 0 ? 0.5 : -0.375);
        }

        double a = 0.5 + 0.25 * i;
        double c = 0.6 * InitialValues[k][i];
        return a * (theta - c) + 0.3 * Math.Sin(1.7 * t + i + 3 * k);
    }

    public static void SetGradients(Parameter[] parameters, int t)
    {
        for (int k = 0; k < parameters.Length; k++)
        {
            for (int i = 0; i < parameters[k].Value.Length; i++)
            {
                Set(parameters[k].Grad, i, Gradient(k, i, t, Get(parameters[k].Value, i)));
            }
        }
    }

    public static double Get(Tensor tensor, int i) => tensor.DType == DType.Float32 ? tensor.Floats[i] : tensor.Doubles[i];

    public static void Set(Tensor tensor, int i, double value)
    {
        if (tensor.DType == DType.Float32)
        {
            tensor.Floats[i] = (float)value;
        }
        else
        {
            tensor.Doubles[i] = value;
        }
    }

    public static double[] Values(Tensor tensor)
    {
        var values = new double[tensor.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Get(tensor, i);
        }

        return values;
    }

    /// <summary>Runs <paramref name="steps"/> steps with the test gradients.</summary>
    public static void Run(Optimizer optimizer, Parameter[] parameters, int fromStep, int steps)
    {
        for (int t = fromStep; t < fromStep + steps; t++)
        {
            optimizer.ZeroGrad();
            SetGradients(parameters, t);
            optimizer.Step();
        }
    }

    /// <summary>Every bit of every parameter value, for bit-for-bit comparisons.</summary>
    public static long[] Bits(Parameter[] parameters)
    {
        var bits = new List<long>();
        foreach (var p in parameters)
        {
            for (int i = 0; i < p.Value.Length; i++)
            {
                bits.Add(p.DType == DType.Float32 ? BitConverter.SingleToInt32Bits(p.Value.Floats[i]) : BitConverter.DoubleToInt64Bits(p.Value.Doubles[i]));
            }
        }

        return [.. bits];
    }

    /// <summary>The state's values and tensors as text (values exactly, tensors by bits), to compare two states.</summary>
    public static string Describe(OptimizerState state)
    {
        var lines = new List<string>();
        foreach (var (key, value) in state.Values)
        {
            lines.Add($"{key}={value}");
        }

        foreach (var (key, tensor) in state.Tensors)
        {
            var values = Values(tensor).Select(v => BitConverter.DoubleToInt64Bits(v).ToString(CultureInfo.InvariantCulture));
            lines.Add($"{key}:{tensor.DType}{tensor.ShapeText()}={string.Join(",", values)}");
        }

        lines.Sort(StringComparer.Ordinal);
        return string.Join("\n", lines);
    }
}
