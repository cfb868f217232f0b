using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using DiffGen;
using DiffGen.Samples.Embedded;
using static DiffGen.TensorMath;

// Trains a small MLP on two interleaved spirals for a fixed number of epochs with fixed seeds, saves it to a
// safetensors checkpoint, loads it into a fresh model and predicts a few points. Everything written to stdout is a
// function of the seeds: .ci/aot compares this output between the JIT build and the Native AOT binary. Timings go to
// stderr.
var clock = Stopwatch.StartNew();
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

const int Epochs = 40;
const int BatchSize = 32;
var (train, validation) = Synthetic.Spirals(1000, noise: 0.05, seed: 1).RandomSplit(0.2, seed: 2);
Console.WriteLine($"data: two spirals, {train.Count} training and {validation.Count} validation points");

var model = new Mlp(hidden: 32, classes: 2, seed: 3);
var optimizer = new Adam(model.Parameters(), lr: 0.01);
var loader = new DataLoader(train, BatchSize, shuffle: true, seed: 4);
int steps = 0;
for (int epoch = 1; epoch <= Epochs; epoch++)
{
    double sum = 0;
    foreach (var batch in loader)
    {
        optimizer.ZeroGrad();
        sum += model.LossWithGradient(batch.Features, batch.Labels);
        optimizer.Step();
        steps++;
    }

    if (epoch % 10 == 0)
    {
        Console.WriteLine($"epoch {epoch,2}: mean training loss {G6(sum / loader.Count)}");
    }
}

double trainLoss = model.Loss(train.Features, train.Labels);
double validationLoss = model.Loss(validation.Features, validation.Labels);
double accuracy = Metrics.Accuracy(model.Forward(validation.Features), validation.Labels);
Console.WriteLine($"after {steps} Adam steps: training loss {G6(trainLoss)}, validation loss {G6(validationLoss)}, validation accuracy {accuracy:P1}");
Console.WriteLine($"parameters: {Checksum(model)} (FNV-1a of the bits of every weight: the comparison is exact, not to 6 digits)");
double trainedAt = clock.Elapsed.TotalMilliseconds;

// Use it elsewhere: a checkpoint, loaded into a freshly initialized model.
string path = Path.Combine(Path.GetTempPath(), $"diffgen-embedded-{Environment.ProcessId}.safetensors");
try
{
    Checkpoint.Save(path, model.NamedParameters());
    var loaded = new Mlp(hidden: 32, classes: 2, seed: 99);
    Checkpoint.Load(path, loaded.NamedParameters());
    double reloadedLoss = loaded.Loss(validation.Features, validation.Labels);
    Console.WriteLine($"checkpoint: {loaded.Parameters().Count} tensors, validation loss after loading {G6(reloadedLoss)} ({(reloadedLoss == validationLoss ? "same" : "DIFFERENT")})");

    // Predictions: the probability of class 1 at a few points, and the predicted class.
    float[] points = [0f, 0f, 0.5f, 0f, -0.5f, 0f, 0f, 0.5f, 0.25f, -0.25f];
    var x = Tensor.FromArray(points, points.Length / 2, 2);
    var probabilities = Softmax(loaded.Forward(x), axis: 1).Floats;
    for (int i = 0; i < points.Length / 2; i++)
    {
        float p1 = probabilities[2 * i + 1];
        Console.WriteLine($"predict ({points[2 * i],5}, {points[2 * i + 1],5}): P(class 1) = {G6(p1)} -> class {(p1 > 0.5f ? 1 : 0)}");
    }
}
finally
{
    File.Delete(path);
}

Console.Error.WriteLine($"time: trained in {trainedAt:F0} ms, {clock.Elapsed.TotalMilliseconds:F0} ms in all (from Main)");

static string G6(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

static string Checksum(Mlp model)
{
    uint hash = 2166136261;
    foreach (var parameter in model.Parameters())
    {
        foreach (float value in parameter.Value.Floats)
        {
            uint bits = (uint)BitConverter.SingleToInt32Bits(value);
            for (int shift = 0; shift < 32; shift += 8)
            {
                hash = (hash ^ ((bits >> shift) & 0xFF)) * 16777619;
            }
        }
    }

    return hash.ToString("x8", CultureInfo.InvariantCulture);
}
