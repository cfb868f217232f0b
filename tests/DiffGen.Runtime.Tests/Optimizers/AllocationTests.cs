namespace DiffGen.Runtime.Tests.Optimizers;

/// <summary>After the first step, which allocates the state buffers, the training-loop calls allocate nothing.</summary>
public sealed class AllocationTests
{
    public static TheoryData<string> Kinds() => ["Sgd", "Sgd plain", "Adam", "AdamW", "Adagrad", "RMSprop", "Adadelta", "Adamax", "NAdam"];

    private static Optimizer Create(string kind, Parameter[] p) => kind switch
    {
        "Sgd" => new Sgd(p, lr: 0.01, momentum: 0.9, weightDecay: 0.1, nesterov: true, maximize: true),
        "Sgd plain" => new Sgd(p, lr: 0.01),
        "Adam" => new Adam(p, weightDecay: 0.1, amsgrad: true, maximize: true),
        "AdamW" => new AdamW(p, amsgrad: true),
        "Adagrad" => new Adagrad(p, lrDecay: 0.1, weightDecay: 0.1),
        "RMSprop" => new RMSprop(p, momentum: 0.9, centered: true, weightDecay: 0.1),
        "Adadelta" => new Adadelta(p, weightDecay: 0.1),
        "Adamax" => new Adamax(p, weightDecay: 0.1),
        _ => new NAdam(p, weightDecay: 0.1, decoupledWeightDecay: true),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Step_ZeroGrad_and_clipping_allocate_nothing_after_the_first_step(string kind)
    {
        var parameters = OptimizerTesting.CreateParameters(DType.Float32).Concat(OptimizerTesting.CreateParameters(DType.Float64)).ToArray();
        var optimizer = Create(kind, parameters);
        var schedule = new ExponentialLR(optimizer, gamma: 0.99);
        OptimizerTesting.SetGradients(parameters, 1);
        optimizer.Step();
        GradientClipping.ClipGradNorm(optimizer.Parameters, maxNorm: 0.5);
        GradientClipping.ClipGradValue(optimizer.Parameters, 0.1);
        schedule.Step();
        optimizer.ZeroGrad();

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            optimizer.ZeroGrad();
            GradientClipping.ClipGradNorm(optimizer.Parameters, maxNorm: 0.5);
            GradientClipping.ClipGradValue(optimizer.Parameters, 0.1);
            optimizer.Step();
            schedule.Step();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }
}
