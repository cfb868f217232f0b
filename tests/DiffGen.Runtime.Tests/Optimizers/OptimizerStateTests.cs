namespace DiffGen.Runtime.Tests.Optimizers;

/// <summary>SaveState and LoadState: a resumed run continues bit for bit; a state that does not fit is refused and changes nothing.</summary>
public sealed class OptimizerStateTests
{
    private static readonly Dictionary<string, Func<IEnumerable<ParameterGroup>, Optimizer>> s_optimizers = new()
    {
        ["Sgd"] = g => new Sgd(g, lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01),
        ["Sgd nesterov"] = g => new Sgd(g, lr: 0.05, momentum: 0.9, nesterov: true, maximize: true),
        ["Adam"] = g => new Adam(g, lr: 0.05, weightDecay: 0.01),
        ["Adam amsgrad"] = g => new Adam(g, lr: 0.05, amsgrad: true, maximize: true),
        ["AdamW"] = g => new AdamW(g, lr: 0.05, amsgrad: true),
        ["Adagrad"] = g => new Adagrad(g, lr: 0.05, lrDecay: 0.1, initialAccumulatorValue: 0.1),
        ["RMSprop"] = g => new RMSprop(g, lr: 0.01, momentum: 0.9, centered: true),
        ["Adadelta"] = g => new Adadelta(g, weightDecay: 0.01),
        ["Adamax"] = g => new Adamax(g, lr: 0.05),
        ["NAdam"] = g => new NAdam(g, lr: 0.05, weightDecay: 0.01, decoupledWeightDecay: true),
    };

    public static TheoryData<string, DType> Optimizers()
    {
        var data = new TheoryData<string, DType>();
        foreach (string name in s_optimizers.Keys)
        {
            data.Add(name, DType.Float32);
            data.Add(name, DType.Float64);
        }

        return data;
    }

    /// <summary>Two groups (the second with its own learning rate) and a frozen parameter.</summary>
    private static (Parameter[] Parameters, Optimizer Optimizer) Create(string name, DType dtype)
    {
        var p = OptimizerTesting.CreateParameters(dtype);
        p[2].RequiresGrad = false;
        var optimizer = s_optimizers[name]([new ParameterGroup([p[0], p[2]]), new ParameterGroup([p[1]], lr: 0.02)]);
        return (p, optimizer);
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Five_steps_save_load_five_steps_equals_ten_steps_bit_for_bit(string name, DType dtype)
    {
        var (straightParameters, straight) = Create(name, dtype);
        var straightSchedule = new StepLR(straight, stepSize: 2, gamma: 0.5);
        for (int epoch = 0; epoch < 10; epoch++)
        {
            OptimizerTesting.Run(straight, straightParameters, epoch + 1, 1);
            straightSchedule.Step();
        }

        var (firstParameters, first) = Create(name, dtype);
        var firstSchedule = new StepLR(first, stepSize: 2, gamma: 0.5);
        for (int epoch = 0; epoch < 5; epoch++)
        {
            OptimizerTesting.Run(first, firstParameters, epoch + 1, 1);
            firstSchedule.Step();
        }

        var optimizerState = first.SaveState();
        var scheduleState = firstSchedule.SaveState();

        // A new process: new parameters holding the saved values, a new optimizer and schedule, then the states.
        var (resumedParameters, resumed) = Create(name, dtype);
        for (int k = 0; k < resumedParameters.Length; k++)
        {
            resumedParameters[k].Value.CopyFrom(firstParameters[k].Value);
        }

        var resumedSchedule = new StepLR(resumed, stepSize: 2, gamma: 0.5);
        resumed.LoadState(optimizerState);
        resumedSchedule.LoadState(scheduleState);
        Assert.Equal(first.Groups[1].LearningRate, resumed.Groups[1].LearningRate);
        for (int epoch = 5; epoch < 10; epoch++)
        {
            OptimizerTesting.Run(resumed, resumedParameters, epoch + 1, 1);
            resumedSchedule.Step();
        }

        Assert.Equal(OptimizerTesting.Bits(straightParameters), OptimizerTesting.Bits(resumedParameters));
        Assert.Equal(OptimizerTesting.Describe(straight.SaveState()), OptimizerTesting.Describe(resumed.SaveState()));
    }

    [Fact]
    public void A_saved_state_is_a_snapshot()
    {
        var (p, adam) = Create("Adam", DType.Float32);
        OptimizerTesting.Run(adam, p, 1, 2);
        var state = adam.SaveState();
        string before = OptimizerTesting.Describe(state);
        OptimizerTesting.Run(adam, p, 3, 2);
        Assert.Equal(before, OptimizerTesting.Describe(state));
    }

    [Fact]
    public void A_loaded_state_is_copied()
    {
        var (p, adam) = Create("Adam", DType.Float32);
        OptimizerTesting.Run(adam, p, 1, 2);
        var state = adam.SaveState();
        var (q, other) = Create("Adam", DType.Float32);
        other.LoadState(state);
        state.Tensors["state.0.exp_avg"].Fill(100);
        Assert.NotEqual(100f, other.SaveState().Tensors["state.0.exp_avg"].Floats[0]);
    }

    [Fact]
    public void State_names_follow_PyTorch()
    {
        var (p, adam) = Create("Adam amsgrad", DType.Float32);
        OptimizerTesting.Run(adam, p, 1, 3);
        var state = adam.SaveState();
        Assert.Equal("Adam", state.Values["kind"]);
        Assert.Equal("3", state.Values["param_count"]);
        Assert.Equal("2", state.Values["group_count"]);
        Assert.Equal("0,1", state.Values["param_groups.0.params"]);
        Assert.Equal("2", state.Values["param_groups.1.params"]);
        Assert.Equal("[2, 2]", state.Values["params.2.shape"]);
        Assert.Equal("Float32", state.Values["params.2.dtype"]);
        Assert.Equal("3", state.Values["state.0.step"]);
        Assert.Equal(["state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq", "state.2.exp_avg", "state.2.exp_avg_sq", "state.2.max_exp_avg_sq"], state.Tensors.Keys.Order());
    }

    public static TheoryData<string, string> Mismatches() => new()
    {
        { "kind", "it was saved by a Sgd optimizer, and this is a Adam." },
        { "param_count", "parameters is 4 in the saved state and 3 in this optimizer." },
        { "shape", "the shape of parameter 1 is [4] in the saved state and [2] in this optimizer." },
        { "dtype", "the element type of parameter 0 is Float64 in the saved state and Float32 in this optimizer." },
        { "option", "'param_groups.0.weight_decay' is 0.5 in the saved state and 0.01 in this optimizer." },
        { "groups", "'param_groups.0.params' is 0,1,2 in the saved state and 0,1 in this optimizer." },
        { "missing tensor", "parameter 0 has a step count but no 'state.0.exp_avg_sq' tensor." },
        { "tensor shape", "'state.2.exp_avg' is Float32 [3]; parameter 2 is Float32 [2, 2]." },
        { "extra tensor", "it has a tensor 'state.1.momentum_buffer' that a Adam with these options does not keep." },
        { "step", "'state.0.step' is 'two', not a count >= 0." },
        { "lr", "'param_groups.1.lr' is -1; a learning rate is a finite number >= 0." },
        { "missing value", "it has no 'param_groups.1.eps' value." },
    };

    [Theory]
    [MemberData(nameof(Mismatches))]
    public void A_mismatched_state_is_refused_and_leaves_the_optimizer_unchanged(string mismatch, string message)
    {
        var (reference, uninterrupted) = Create("Adam", DType.Float32);
        OptimizerTesting.Run(uninterrupted, reference, 1, 6);

        var (p, adam) = Create("Adam", DType.Float32);
        OptimizerTesting.Run(adam, p, 1, 3);
        string before = OptimizerTesting.Describe(adam.SaveState());
        var bad = Corrupt(adam.SaveState(), mismatch);

        var error = Assert.Throws<ArgumentException>(() => adam.LoadState(bad));
        Assert.Equal("state", error.ParamName);
        Assert.Contains("Cannot load the Adam optimizer state: " + message, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, OptimizerTesting.Describe(adam.SaveState()));
        OptimizerTesting.Run(adam, p, 4, 3);
        Assert.Equal(OptimizerTesting.Bits(reference), OptimizerTesting.Bits(p));
    }

    private static OptimizerState Corrupt(OptimizerState state, string mismatch)
    {
        var values = state.Values.ToDictionary();
        var tensors = state.Tensors.ToDictionary();
        switch (mismatch)
        {
            case "kind": values["kind"] = "Sgd"; break;
            case "param_count": values["param_count"] = "4"; break;
            case "shape": values["params.1.shape"] = "[4]"; break;
            case "dtype": values["params.0.dtype"] = "Float64"; break;
            case "option": values["param_groups.0.weight_decay"] = "0.5"; break;
            case "groups": values["param_groups.0.params"] = "0,1,2"; break;
            case "missing tensor": tensors.Remove("state.0.exp_avg_sq"); break;
            case "tensor shape": tensors["state.2.exp_avg"] = Tensor.Zeros(3); break;
            case "extra tensor": tensors["state.1.momentum_buffer"] = Tensor.Zeros(3); break;
            case "step": values["state.0.step"] = "two"; break;
            case "lr": values["param_groups.1.lr"] = "-1"; break;
            case "missing value": values.Remove("param_groups.1.eps"); break;
        }

        return new OptimizerState(tensors, values);
    }

    [Fact]
    public void Loading_restores_the_learning_rates()
    {
        var (p, sgd) = Create("Sgd", DType.Float32);
        sgd.Groups[0].LearningRate = 0.123;
        var (q, other) = Create("Sgd", DType.Float32);
        other.LoadState(sgd.SaveState());
        Assert.Equal(0.123, other.Groups[0].LearningRate);
        Assert.Equal(0.02, other.Groups[1].LearningRate);
    }

    [Fact]
    public void Loading_a_state_saved_before_any_step_clears_the_state()
    {
        var (p, adam) = Create("Adam", DType.Float64);
        var fresh = adam.SaveState();
        OptimizerTesting.Run(adam, p, 1, 2);
        adam.LoadState(fresh);
        Assert.Empty(adam.SaveState().Tensors);
    }
}
