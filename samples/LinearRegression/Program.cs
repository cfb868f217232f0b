using System;
using System.Globalization;
using DiffGen;
using DiffGen.Samples.LinearRegression;

// Data: y = 3·x₁ − 2·x₂ + 0.5·x₃ + 1, plus noise.
double[] trueWeights = [3.0, -2.0, 0.5];
const double trueBias = 1.0;
const int features = 3;
var data = Synthetic.LinearRegression(count: 2000, weights: trueWeights, bias: trueBias, noise: 0.1, seed: 7, dtype: DType.Float64);

// The model's parameters, the optimizer and the mini-batches: the loop every framework shares.
var theta = new Parameter(Tensor.Zeros(DType.Float64, features + 1));
var optimizer = new Sgd([theta], lr: 0.01, momentum: 0.9);
var loader = new DataLoader(data, batchSize: 32, shuffle: true, seed: 1);

Console.WriteLine("Fitting h(x) = θ·x + b to 2000 samples with mini-batch SGD (batch 32, lr 0.01, momentum 0.9).");
Console.WriteLine("epoch   loss on all data");
double previous = double.PositiveInfinity;
int quiet = 0;
for (int epoch = 1; epoch <= 100; epoch++)
{
    foreach (var (x, y) in loader)
    {
        optimizer.ZeroGrad();
        // Forward and backward in one call: the value of J and its exact gradient, generated at compile time.
        LinearModel.LossWithGradient(theta.Value.Doubles, x.Doubles, y.Doubles, features, theta.Grad.Doubles);
        optimizer.Step();
    }

    double loss = LinearModel.Loss(theta.Value.Doubles, data.Features.Doubles, data.Labels.Doubles, features);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{epoch,5}   {loss:F6}"));

    // Converged: the loss changed by less than 0.5% for 3 epochs in a row.
    quiet = Math.Abs(previous - loss) < 5e-3 * loss ? quiet + 1 : 0;
    previous = loss;
    if (quiet == 3)
    {
        break;
    }
}

var fitted = theta.Value.Doubles;
Console.WriteLine();
Console.WriteLine("parameter   true    fitted");
for (int j = 0; j < features; j++)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"w{j + 1}        {trueWeights[j],6:F3}  {fitted[j],7:F3}"));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"b         {trueBias,6:F3}  {fitted[features],7:F3}"));
