using DiffGen.Runtime.Tests.Support;
using static DiffGen.Runtime.Tests.Tensors.Ops.OpTesting;
using static DiffGen.TensorMath;

namespace DiffGen.Runtime.Tests.Tensors.Ops;

/// <summary>The Float32 path of every rule computes what the Float64 path (checked against finite differences) does.</summary>
public class Float32RuleTests
{
    private sealed record Case(string Name, Func<Tensor[], Tensor> Forward, TensorGradCheck.Backward Backward, int[][] Shapes, double Low = -1, double High = 1);

    private static readonly Case[] Cases =
    [
        new("Add", x => Add(x[0], x[1]), (g, r, x, d) => AddBackward(g, r, x[0], x[1], d[0], d[1]), [[3, 1], [2, 1, 4]]),
        new("Subtract", x => Subtract(x[0], x[1]), (g, r, x, d) => SubtractBackward(g, r, x[0], x[1], d[0], d[1]), [[4], [3, 4]]),
        new("Multiply", x => Multiply(x[0], x[1]), (g, r, x, d) => MultiplyBackward(g, r, x[0], x[1], d[0], d[1]), [[3, 1], [1, 4]]),
        new("Divide", x => Divide(x[0], x[1]), (g, r, x, d) => DivideBackward(g, r, x[0], x[1], d[0], d[1]), [[2, 3], [3]], 0.5, 1.5),
        new("Negate", x => -x[0], (g, r, x, d) => NegateBackward(g, r, x[0], d[0]), [[5]]),
        new("Exp", x => Exp(x[0]), (g, r, x, d) => ExpBackward(g, r, x[0], d[0]), [[2, 5]]),
        new("Log", x => Log(x[0]), (g, r, x, d) => LogBackward(g, r, x[0], d[0]), [[2, 5]], 0.5, 2),
        new("Sqrt", x => Sqrt(x[0]), (g, r, x, d) => SqrtBackward(g, r, x[0], d[0]), [[2, 5]], 0.5, 2),
        new("Abs", x => Abs(x[0]), (g, r, x, d) => AbsBackward(g, r, x[0], d[0]), [[2, 5]]),
        new("PowTensor", x => Pow(x[0], x[1]), (g, r, x, d) => PowBackward(g, r, x[0], x[1], d[0], d[1]), [[2, 3], [3]], 0.5, 2),
        new("Tanh", x => Tanh(x[0]), (g, r, x, d) => TanhBackward(g, r, x[0], d[0]), [[3, 7]]),
        new("Sigmoid", x => Sigmoid(x[0]), (g, r, x, d) => SigmoidBackward(g, r, x[0], d[0]), [[3, 7]]),
        new("Relu", x => Relu(x[0]), (g, r, x, d) => ReluBackward(g, r, x[0], d[0]), [[3, 7]]),
        new("Softmax-1", x => Softmax(x[0], -1), (g, r, x, d) => SoftmaxBackward(g, r, x[0], -1, d[0]), [[3, 9]]),
        new("Softmax0", x => Softmax(x[0], 0), (g, r, x, d) => SoftmaxBackward(g, r, x[0], 0, d[0]), [[3, 9]]),
        new("LogSoftmax-1", x => LogSoftmax(x[0], -1), (g, r, x, d) => LogSoftmaxBackward(g, r, x[0], -1, d[0]), [[3, 9]]),
        new("LogSoftmax1", x => LogSoftmax(x[0], 1), (g, r, x, d) => LogSoftmaxBackward(g, r, x[0], 1, d[0]), [[2, 3, 5]]),
        new("Sum", x => Sum(x[0]), (g, r, x, d) => SumBackward(g, r, x[0], d[0]), [[3, 4]]),
        new("Mean", x => Mean(x[0]), (g, r, x, d) => MeanBackward(g, r, x[0], d[0]), [[3, 4]]),
        new("SumAxis", x => Sum(x[0], 1, true), (g, r, x, d) => SumBackward(g, r, x[0], 1, true, d[0]), [[2, 3, 4]]),
        new("MeanAxis", x => Mean(x[0], -1), (g, r, x, d) => MeanBackward(g, r, x[0], -1, false, d[0]), [[2, 3, 4]]),
        new("MaxAxis", x => Max(x[0], 1), (g, r, x, d) => MaxBackward(g, r, x[0], 1, false, d[0]), [[2, 3, 4]]),
        new("Max", x => Max(x[0]), (g, r, x, d) => MaxBackward(g, r, x[0], d[0]), [[2, 3, 4]]),
        new("Transpose", x => Transpose(x[0], 0, 2), (g, r, x, d) => TransposeBackward(g, r, x[0], 0, 2, d[0]), [[2, 3, 4]]),
        new("Concat", x => Concat(x[0], x[1], 1), (g, r, x, d) => ConcatBackward(g, r, x[0], x[1], 1, d[0], d[1]), [[2, 3, 2], [2, 1, 2]]),
        new("Flatten", x => Flatten(x[0], 1), (g, r, x, d) => FlattenBackward(g, r, x[0], 1, d[0]), [[2, 3, 2]]),
        new("MatMul", x => MatMul(x[0], x[1]), (g, r, x, d) => MatMulBackward(g, r, x[0], x[1], d[0], d[1]), [[2, 3, 4], [2, 4, 5]]),
    ];

    public static TheoryData<string> Names => new(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void The_float32_rule_agrees_with_the_float64_rule(string name)
    {
        var c = Cases.Single(c => c.Name == name);
        var inputs = c.Shapes.Select((s, i) => Random(10 + i, s, c.Low, c.High)).ToArray();
        var result = c.Forward(inputs);
        var g = Random(20, result.Shape.ToArray());
        var grads = inputs.Select(x => (Tensor?)Tensor.Zeros(DType.Float64, x.Shape)).ToArray();
        c.Backward(g, result, inputs, grads);

        var inputs32 = inputs.Select(F32).ToArray();
        var grads32 = inputs.Select(x => (Tensor?)Tensor.Zeros(DType.Float32, x.Shape)).ToArray();
        c.Backward(F32(g), c.Forward(inputs32), inputs32, grads32);
        for (int i = 0; i < inputs.Length; i++)
        {
            AssertAgrees(grads[i]!, grads32[i]!);
        }
    }
}
