using System.Globalization;

namespace DiffGen.Runtime.Tests.Optimizers;

/// <summary>
/// Several steps of every optimizer and option combination, compared after every step with the independent double
/// precision references of <see cref="ReferenceRule"/>: parameter values element by element, state buffers relative to
/// the largest magnitude they have had so far (the rounding error of a running sum is relative to its terms, not to a
/// result that cancelled). Float32 agrees to 1e-6 (a few roundings of 6e-8 per step over 8 steps); Float64 to 1e-12
/// (the references evaluate the same formulas in another order, so they differ by roundings of 1e-16).
/// </summary>
public sealed class OptimizerReferenceTests
{
    private const int Steps = 8;

    private sealed record Case(Func<IEnumerable<Parameter>, Optimizer> Create, Func<ReferenceRule> Reference);

    private static readonly Dictionary<string, Case> s_cases = new()
    {
        ["Sgd plain"] = new(p => new Sgd(p, lr: 0.1), () => new SgdReference(0.1)),
        ["Sgd momentum"] = new(p => new Sgd(p, lr: 0.1, momentum: 0.9), () => new SgdReference(0.1, momentum: 0.9)),
        ["Sgd momentum dampening"] = new(p => new Sgd(p, lr: 0.1, momentum: 0.9, dampening: 0.3), () => new SgdReference(0.1, momentum: 0.9, dampening: 0.3)),
        ["Sgd nesterov"] = new(p => new Sgd(p, lr: 0.1, momentum: 0.8, nesterov: true), () => new SgdReference(0.1, momentum: 0.8, nesterov: true)),
        ["Sgd weight decay"] = new(p => new Sgd(p, lr: 0.1, weightDecay: 0.2), () => new SgdReference(0.1, weightDecay: 0.2)),
        ["Sgd maximize"] = new(p => new Sgd(p, lr: 0.1, maximize: true), () => new SgdReference(0.1, maximize: true)),
        ["Sgd momentum dampening weight decay maximize"] = new(p => new Sgd(p, lr: 0.05, momentum: 0.9, dampening: 0.5, weightDecay: 0.1, maximize: true), () => new SgdReference(0.05, momentum: 0.9, dampening: 0.5, weightDecay: 0.1, maximize: true)),
        ["Sgd nesterov weight decay maximize"] = new(p => new Sgd(p, lr: 0.05, momentum: 0.9, weightDecay: 0.1, nesterov: true, maximize: true), () => new SgdReference(0.05, momentum: 0.9, weightDecay: 0.1, nesterov: true, maximize: true)),

        ["Adam defaults"] = new(p => new Adam(p), () => new AdamReference()),
        ["Adam lr"] = new(p => new Adam(p, lr: 0.1), () => new AdamReference(lr: 0.1)),
        ["Adam betas eps"] = new(p => new Adam(p, lr: 0.1, betas: (0.5, 0.8), eps: 1e-3), () => new AdamReference(lr: 0.1, beta1: 0.5, beta2: 0.8, eps: 1e-3)),
        ["Adam weight decay"] = new(p => new Adam(p, lr: 0.1, weightDecay: 0.2), () => new AdamReference(lr: 0.1, weightDecay: 0.2)),
        ["Adam amsgrad"] = new(p => new Adam(p, lr: 0.1, amsgrad: true), () => new AdamReference(lr: 0.1, amsgrad: true)),
        ["Adam maximize"] = new(p => new Adam(p, lr: 0.1, maximize: true), () => new AdamReference(lr: 0.1, maximize: true)),
        ["Adam amsgrad weight decay maximize"] = new(p => new Adam(p, lr: 0.1, betas: (0.8, 0.9), weightDecay: 0.2, amsgrad: true, maximize: true), () => new AdamReference(lr: 0.1, beta1: 0.8, beta2: 0.9, weightDecay: 0.2, amsgrad: true, maximize: true)),

        ["AdamW defaults"] = new(p => new AdamW(p), () => new AdamWReference()),
        ["AdamW weight decay"] = new(p => new AdamW(p, lr: 0.1, weightDecay: 0.5), () => new AdamWReference(lr: 0.1, weightDecay: 0.5)),
        ["AdamW no weight decay"] = new(p => new AdamW(p, lr: 0.1, weightDecay: 0), () => new AdamWReference(lr: 0.1, weightDecay: 0)),
        ["AdamW amsgrad"] = new(p => new AdamW(p, lr: 0.1, amsgrad: true), () => new AdamWReference(lr: 0.1, amsgrad: true)),
        ["AdamW amsgrad weight decay maximize"] = new(p => new AdamW(p, lr: 0.1, betas: (0.8, 0.9), eps: 1e-4, weightDecay: 0.3, amsgrad: true, maximize: true), () => new AdamWReference(lr: 0.1, beta1: 0.8, beta2: 0.9, eps: 1e-4, weightDecay: 0.3, amsgrad: true, maximize: true)),

        ["Adagrad defaults"] = new(p => new Adagrad(p), () => new AdagradReference()),
        ["Adagrad lr decay"] = new(p => new Adagrad(p, lr: 0.3, lrDecay: 0.2), () => new AdagradReference(lr: 0.3, lrDecay: 0.2)),
        ["Adagrad weight decay"] = new(p => new Adagrad(p, lr: 0.3, weightDecay: 0.2), () => new AdagradReference(lr: 0.3, weightDecay: 0.2)),
        ["Adagrad initial accumulator eps"] = new(p => new Adagrad(p, lr: 0.3, initialAccumulatorValue: 0.5, eps: 1e-2), () => new AdagradReference(lr: 0.3, initialAccumulatorValue: 0.5, eps: 1e-2)),
        ["Adagrad maximize"] = new(p => new Adagrad(p, lr: 0.3, maximize: true), () => new AdagradReference(lr: 0.3, maximize: true)),
        ["Adagrad all options"] = new(p => new Adagrad(p, lr: 0.3, lrDecay: 0.1, weightDecay: 0.1, initialAccumulatorValue: 0.1, eps: 1e-6, maximize: true), () => new AdagradReference(lr: 0.3, lrDecay: 0.1, weightDecay: 0.1, initialAccumulatorValue: 0.1, eps: 1e-6, maximize: true)),

        ["RMSprop defaults"] = new(p => new RMSprop(p), () => new RMSpropReference()),
        ["RMSprop alpha"] = new(p => new RMSprop(p, lr: 0.02, alpha: 0.9), () => new RMSpropReference(lr: 0.02, alpha: 0.9)),
        ["RMSprop centered"] = new(p => new RMSprop(p, lr: 0.02, alpha: 0.9, centered: true), () => new RMSpropReference(lr: 0.02, alpha: 0.9, centered: true)),
        ["RMSprop momentum"] = new(p => new RMSprop(p, lr: 0.01, momentum: 0.9), () => new RMSpropReference(lr: 0.01, momentum: 0.9)),
        ["RMSprop centered momentum"] = new(p => new RMSprop(p, lr: 0.02, alpha: 0.9, momentum: 0.5, centered: true), () => new RMSpropReference(lr: 0.02, alpha: 0.9, momentum: 0.5, centered: true)),
        ["RMSprop weight decay"] = new(p => new RMSprop(p, lr: 0.01, weightDecay: 0.2), () => new RMSpropReference(lr: 0.01, weightDecay: 0.2)),
        ["RMSprop maximize"] = new(p => new RMSprop(p, lr: 0.01, maximize: true), () => new RMSpropReference(lr: 0.01, maximize: true)),
        ["RMSprop all options"] = new(p => new RMSprop(p, lr: 0.01, alpha: 0.8, eps: 1e-4, weightDecay: 0.1, momentum: 0.7, centered: true, maximize: true), () => new RMSpropReference(lr: 0.01, alpha: 0.8, eps: 1e-4, weightDecay: 0.1, momentum: 0.7, centered: true, maximize: true)),

        ["Adadelta defaults"] = new(p => new Adadelta(p), () => new AdadeltaReference()),
        ["Adadelta rho eps"] = new(p => new Adadelta(p, rho: 0.5, eps: 1e-2), () => new AdadeltaReference(rho: 0.5, eps: 1e-2)),
        ["Adadelta weight decay"] = new(p => new Adadelta(p, eps: 1e-2, weightDecay: 0.2), () => new AdadeltaReference(eps: 1e-2, weightDecay: 0.2)),
        ["Adadelta maximize"] = new(p => new Adadelta(p, eps: 1e-2, maximize: true), () => new AdadeltaReference(eps: 1e-2, maximize: true)),
        ["Adadelta all options"] = new(p => new Adadelta(p, lr: 0.5, rho: 0.7, eps: 1e-3, weightDecay: 0.1, maximize: true), () => new AdadeltaReference(lr: 0.5, rho: 0.7, eps: 1e-3, weightDecay: 0.1, maximize: true)),

        ["Adamax defaults"] = new(p => new Adamax(p), () => new AdamaxReference()),
        ["Adamax lr betas"] = new(p => new Adamax(p, lr: 0.1, betas: (0.5, 0.8)), () => new AdamaxReference(lr: 0.1, beta1: 0.5, beta2: 0.8)),
        ["Adamax weight decay"] = new(p => new Adamax(p, lr: 0.1, weightDecay: 0.2), () => new AdamaxReference(lr: 0.1, weightDecay: 0.2)),
        ["Adamax maximize"] = new(p => new Adamax(p, lr: 0.1, maximize: true), () => new AdamaxReference(lr: 0.1, maximize: true)),
        ["Adamax all options"] = new(p => new Adamax(p, lr: 0.1, betas: (0.8, 0.95), eps: 1e-3, weightDecay: 0.1, maximize: true), () => new AdamaxReference(lr: 0.1, beta1: 0.8, beta2: 0.95, eps: 1e-3, weightDecay: 0.1, maximize: true)),

        ["NAdam defaults"] = new(p => new NAdam(p), () => new NAdamReference()),
        ["NAdam lr momentum decay"] = new(p => new NAdam(p, lr: 0.1, momentumDecay: 0.2), () => new NAdamReference(lr: 0.1, momentumDecay: 0.2)),
        ["NAdam weight decay"] = new(p => new NAdam(p, lr: 0.1, weightDecay: 0.2), () => new NAdamReference(lr: 0.1, weightDecay: 0.2)),
        ["NAdam decoupled weight decay"] = new(p => new NAdam(p, lr: 0.1, weightDecay: 0.5, decoupledWeightDecay: true), () => new NAdamReference(lr: 0.1, weightDecay: 0.5, decoupledWeightDecay: true)),
        ["NAdam maximize"] = new(p => new NAdam(p, lr: 0.1, maximize: true), () => new NAdamReference(lr: 0.1, maximize: true)),
        ["NAdam all options"] = new(p => new NAdam(p, lr: 0.1, betas: (0.8, 0.9), eps: 1e-4, weightDecay: 0.1, momentumDecay: 0.1, decoupledWeightDecay: true, maximize: true), () => new NAdamReference(lr: 0.1, beta1: 0.8, beta2: 0.9, eps: 1e-4, weightDecay: 0.1, momentumDecay: 0.1, decoupledWeightDecay: true, maximize: true)),
    };

    public static TheoryData<string, DType> Cases()
    {
        var data = new TheoryData<string, DType>();
        foreach (string name in s_cases.Keys)
        {
            data.Add(name, DType.Float32);
            data.Add(name, DType.Float64);
        }

        return data;
    }

    [Fact]
    public void Every_optimizer_has_cases()
    {
        foreach (string kind in new[] { "Sgd", "Adam", "AdamW", "Adagrad", "RMSprop", "Adadelta", "Adamax", "NAdam" })
        {
            Assert.True(s_cases.Keys.Count(k => k.Split(' ')[0] == kind) >= 4, kind);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Steps_match_the_independent_reference(string name, DType dtype)
    {
        var c = s_cases[name];
        double tolerance = dtype == DType.Float32 ? 1e-6 : 1e-12;
        var parameters = OptimizerTesting.CreateParameters(dtype);
        var optimizer = c.Create(parameters);
        var references = parameters.Select(_ => c.Reference()).ToArray();
        var expected = OptimizerTesting.InitialValues.Select(v => (double[])v.Clone()).ToArray();
        var scales = new Dictionary<string, double>();

        for (int t = 1; t <= Steps; t++)
        {
            optimizer.ZeroGrad();
            OptimizerTesting.SetGradients(parameters, t);
            optimizer.Step();
            for (int k = 0; k < parameters.Length; k++)
            {
                var g = expected[k].Select((theta, i) => OptimizerTesting.Gradient(k, i, t, theta)).ToArray();
                references[k].Step(expected[k], g);
            }

            var state = optimizer.SaveState();
            for (int k = 0; k < parameters.Length; k++)
            {
                string where = $"{name}, {dtype}, step {t}, parameter {k}";
                var actual = OptimizerTesting.Values(parameters[k].Value);
                for (int i = 0; i < actual.Length; i++)
                {
                    double error = Math.Abs(actual[i] - expected[k][i]) / Math.Abs(expected[k][i]);
                    Assert.True(error <= tolerance, $"{where}, element {i}: {actual[i]:R} vs reference {expected[k][i]:R} (relative error {error:E2})");
                }

                Assert.Equal(t.ToString(CultureInfo.InvariantCulture), state.Values[$"state.{k}.step"]);
                var bufferNames = state.Tensors.Keys.Where(n => n.StartsWith($"state.{k}.", StringComparison.Ordinal)).Select(n => n[$"state.{k}.".Length..]).Order();
                Assert.Equal(references[k].Buffers.Keys.Order(), bufferNames);
                foreach (var (bufferName, reference) in references[k].Buffers)
                {
                    var buffer = OptimizerTesting.Values(state.Tensors[$"state.{k}.{bufferName}"]);
                    double scale = Math.Max(scales.GetValueOrDefault($"{k}.{bufferName}"), reference.Max(Math.Abs));
                    scales[$"{k}.{bufferName}"] = scale;
                    for (int i = 0; i < buffer.Length; i++)
                    {
                        double error = scale == 0 ? Math.Abs(buffer[i]) : Math.Abs(buffer[i] - reference[i]) / scale;
                        Assert.True(error <= tolerance, $"{where}, {bufferName}[{i}]: {buffer[i]:R} vs reference {reference[i]:R} (error {error:E2} relative to {scale:R})");
                    }
                }

                if (references[k] is NAdamReference nadam)
                {
                    double muProduct = double.Parse(state.Values[$"state.{k}.mu_product"], CultureInfo.InvariantCulture);
                    Assert.True(Math.Abs(muProduct - nadam.MuProduct) <= 1e-15 * nadam.MuProduct, $"{where}: mu_product {muProduct:R} vs {nadam.MuProduct:R}");
                }
            }
        }
    }
}
