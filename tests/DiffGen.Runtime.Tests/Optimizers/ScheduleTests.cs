namespace DiffGen.Runtime.Tests.Optimizers;

/// <summary>Learning-rate schedules: closed-form values per epoch, composition, plateau detection and state.</summary>
public sealed class ScheduleTests
{
    private static Sgd Optimizer(double lr = 0.1) => new(OptimizerTesting.CreateParameters(DType.Float32), lr: lr);

    /// <summary>The learning rate in use during each epoch: construction gives epoch 0, each Step() the next.</summary>
    private static double[] Rates(EpochSchedule schedule, int epochs)
    {
        var rates = new double[epochs];
        for (int e = 0; e < epochs; e++)
        {
            rates[e] = schedule.Optimizer.LearningRate;
            schedule.Step();
        }

        return rates;
    }

    private static void AssertRates(Func<int, double> expected, double[] actual)
    {
        for (int e = 0; e < actual.Length; e++)
        {
            Assert.True(Math.Abs(actual[e] - expected(e)) <= 1e-15 * Math.Abs(expected(e)) + 1e-300, $"epoch {e}: {actual[e]:R} vs {expected(e):R}");
        }
    }

    [Fact]
    public void StepLR_multiplies_by_gamma_every_step_size_epochs()
        => AssertRates(e => 0.1 * Math.Pow(0.5, e / 3), Rates(new StepLR(Optimizer(), stepSize: 3, gamma: 0.5), 12));

    [Fact]
    public void MultiStepLR_multiplies_by_gamma_at_each_milestone_and_counts_repeats()
        => AssertRates(e => e < 2 ? 0.1 : e < 5 ? 0.1 * Math.Pow(0.1, 1) : 0.1 * Math.Pow(0.1, 3), Rates(new MultiStepLR(Optimizer(), milestones: [5, 2, 5], gamma: 0.1), 8));

    [Fact]
    public void ExponentialLR_multiplies_by_gamma_every_epoch()
        => AssertRates(e => 0.1 * Math.Pow(0.9, e), Rates(new ExponentialLR(Optimizer(), gamma: 0.9), 10));

    [Fact]
    public void CosineAnnealingLR_follows_half_a_cosine_and_continues_past_t_max()
        => AssertRates(e => 0.001 + (0.1 - 0.001) * (1 + Math.Cos(Math.PI * e / 10)) / 2, Rates(new CosineAnnealingLR(Optimizer(), tMax: 10, etaMin: 0.001), 15));

    [Fact]
    public void CosineAnnealingLR_reaches_eta_min_at_t_max()
    {
        var rates = Rates(new CosineAnnealingLR(Optimizer(), tMax: 4, etaMin: 0.01), 5);
        Assert.Equal(0.1, rates[0]);
        Assert.Equal(0.01, rates[4], 15);
    }

    [Fact]
    public void LinearWarmup_rises_linearly_then_hands_over()
    {
        var optimizer = Optimizer();
        var schedule = new LinearWarmup(optimizer, warmupEpochs: 5, startFactor: 0.2, then: new CosineAnnealingLR(optimizer, tMax: 10));
        AssertRates(
            e => e < 5 ? 0.1 * (0.2 + 0.8 * e / 5) : 0.1 * (1 + Math.Cos(Math.PI * (e - 5) / 10)) / 2,
            Rates(schedule, 16));
    }

    [Fact]
    public void LinearWarmup_without_a_next_schedule_keeps_the_base_rate()
        => AssertRates(e => e < 3 ? 0.1 * (1.0 / 3 + (1 - 1.0 / 3) * e / 3) : 0.1, Rates(new LinearWarmup(Optimizer(), warmupEpochs: 3), 6));

    [Fact]
    public void SequentialLR_starts_each_schedule_at_its_own_epoch_zero()
    {
        var optimizer = Optimizer();
        var schedule = new SequentialLR(optimizer, [new ExponentialLR(optimizer, gamma: 0.5), new StepLR(optimizer, stepSize: 2, gamma: 0.1)], milestones: [3]);
        AssertRates(e => e < 3 ? 0.1 * Math.Pow(0.5, e) : 0.1 * Math.Pow(0.1, (e - 3) / 2), Rates(schedule, 9));
    }

    [Fact]
    public void Each_group_is_scheduled_from_its_own_base_rate()
    {
        var p = OptimizerTesting.CreateParameters(DType.Float32);
        var optimizer = new Sgd([new ParameterGroup([p[0]]), new ParameterGroup([p[1]], lr: 0.5)], lr: 0.1);
        var schedule = new ExponentialLR(optimizer, gamma: 0.5);
        schedule.Step();
        schedule.Step();
        Assert.Equal(0.025, optimizer.Groups[0].LearningRate, 15);
        Assert.Equal(0.125, optimizer.Groups[1].LearningRate, 15);
        Assert.Equal([0.1, 0.5], schedule.BaseLearningRates);
        Assert.Equal(0.1, optimizer.Groups[0].InitialLearningRate);
    }

    [Fact]
    public void A_part_of_a_composite_cannot_be_stepped_on_its_own()
    {
        var optimizer = Optimizer();
        var cosine = new CosineAnnealingLR(optimizer, tMax: 10);
        _ = new LinearWarmup(optimizer, warmupEpochs: 2, then: cosine);
        var error = Assert.Throws<InvalidOperationException>(cosine.Step);
        Assert.Contains("part of a LinearWarmup", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new SequentialLR(optimizer, [cosine], []));
        Assert.Throws<ArgumentException>(() => new LinearWarmup(Optimizer(), 2, then: new StepLR(optimizer, 2)));
    }

    [Fact]
    public void Invalid_schedule_options_fail_naming_the_option()
    {
        Assert.Equal("stepSize", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(Optimizer(), stepSize: 0)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialLR(Optimizer(), gamma: -0.5)).ParamName);
        Assert.Equal("milestones", Assert.Throws<ArgumentOutOfRangeException>(() => new MultiStepLR(Optimizer(), milestones: [0, 3])).ParamName);
        Assert.Equal("tMax", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(Optimizer(), tMax: 0)).ParamName);
        Assert.Equal("startFactor", Assert.Throws<ArgumentOutOfRangeException>(() => new LinearWarmup(Optimizer(), 3, startFactor: 0)).ParamName);
        Assert.Equal("warmupEpochs", Assert.Throws<ArgumentOutOfRangeException>(() => new LinearWarmup(Optimizer(), 0)).ParamName);
        var optimizer = Optimizer();
        Assert.Equal("milestones", Assert.Throws<ArgumentException>(() => new SequentialLR(optimizer, [new StepLR(optimizer, 1), new StepLR(optimizer, 1)], [])).ParamName);
        Assert.Equal("factor", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(Optimizer(), factor: 1.0)).ParamName);
        Assert.Equal("minLrs", Assert.Throws<ArgumentException>(() => new ReduceLROnPlateau(Optimizer(), minLrs: [0.1, 0.2])).ParamName);
    }

    [Fact]
    public void Schedule_state_resumes_the_same_rates()
    {
        var optimizer = Optimizer();
        var schedule = new LinearWarmup(optimizer, 3, 0.1, then: new CosineAnnealingLR(optimizer, tMax: 8));
        var expected = Rates(schedule, 12);

        var first = Optimizer();
        var firstSchedule = new LinearWarmup(first, 3, 0.1, then: new CosineAnnealingLR(first, tMax: 8));
        Rates(firstSchedule, 5);
        var state = firstSchedule.SaveState();
        Assert.Equal("5", state.Values["last_epoch"]);
        Assert.Empty(state.Tensors);

        var resumed = Optimizer();
        var resumedSchedule = new LinearWarmup(resumed, 3, 0.1, then: new CosineAnnealingLR(resumed, tMax: 8));
        resumedSchedule.LoadState(state);
        Assert.Equal(expected[5..], Rates(resumedSchedule, 7));
    }

    [Fact]
    public void Schedule_state_with_other_options_is_refused_and_changes_nothing()
    {
        var optimizer = Optimizer();
        var saved = new StepLR(optimizer, stepSize: 3);
        saved.Step();
        var state = saved.SaveState();

        var other = Optimizer();
        var schedule = new StepLR(other, stepSize: 4);
        var error = Assert.Throws<ArgumentException>(() => schedule.LoadState(state));
        Assert.Contains("'options.step_size' is 3 in the saved state and 4 in this schedule", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, schedule.Epoch);
        Assert.Throws<ArgumentException>(() => new ExponentialLR(Optimizer(), 0.5).LoadState(state));
    }

    [Fact]
    public void Plateau_reduces_after_more_than_patience_bad_epochs()
    {
        var optimizer = Optimizer(1.0);
        var plateau = new ReduceLROnPlateau(optimizer, factor: 0.5, patience: 2);
        double[] metrics = [1.0, 0.9, 0.95, 0.9, 0.91, 0.92, 0.8, 0.85, 0.85, 0.85];
        var rates = metrics.Select(m => { plateau.Step(m); return optimizer.LearningRate; }).ToArray();

        // Best 0.9 at epoch 2 (epoch 4's 0.9 is not better by the 1e-4 relative threshold); bad epochs 3, 4, 5: the
        // third, more than patience 2, halves the rate. Best 0.8 at epoch 7; bad epochs 8, 9, 10 halve it again.
        Assert.Equal([1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25], rates);
        Assert.Equal(0.8, plateau.Best);
    }

    [Fact]
    public void Plateau_improvement_must_beat_the_threshold()
    {
        var relative = new ReduceLROnPlateau(Optimizer(1.0), patience: 0, threshold: 0.1);
        relative.Step(1.0);
        relative.Step(0.95);                  // not below 1.0·(1 − 0.1)
        Assert.Equal(0.1, relative.Optimizer.LearningRate, 15);

        var absolute = new ReduceLROnPlateau(Optimizer(1.0), patience: 0, threshold: 0.01, thresholdMode: ThresholdMode.Absolute);
        absolute.Step(1.0);
        absolute.Step(0.985);                 // below 1.0 − 0.01
        Assert.Equal(1.0, absolute.Optimizer.LearningRate);
    }

    [Fact]
    public void Plateau_in_max_mode_watches_for_increases()
    {
        var plateau = new ReduceLROnPlateau(Optimizer(1.0), mode: PlateauMode.Max, patience: 1, factor: 0.5);
        foreach (double accuracy in new[] { 0.5, 0.6, 0.7, 0.7, 0.65 })
        {
            plateau.Step(accuracy);
        }

        Assert.Equal(0.5, plateau.Optimizer.LearningRate);
        Assert.Equal(0.7, plateau.Best);
    }

    [Fact]
    public void Plateau_cooldown_ignores_bad_epochs_and_min_lr_bounds_the_rate()
    {
        var optimizer = Optimizer(1.0);
        var plateau = new ReduceLROnPlateau(optimizer, factor: 0.1, patience: 0, cooldown: 2, minLr: 0.05);
        var rates = new[] { 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0 }.Select(m => { plateau.Step(m); return optimizer.LearningRate; }).ToArray();

        // Epoch 1 is best; epoch 2 bad -> 0.1 with cooldown 2; epochs 3, 4 in cooldown; epoch 5 bad -> max(0.01, 0.05).
        Assert.Equal([1.0, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05], rates.Select(r => Math.Round(r, 12)));
    }

    [Fact]
    public void Plateau_ignores_reductions_smaller_than_eps()
    {
        var optimizer = Optimizer(1e-9);
        var plateau = new ReduceLROnPlateau(optimizer, patience: 0);
        plateau.Step(1);
        plateau.Step(1);
        Assert.Equal(1e-9, optimizer.LearningRate);
    }

    [Fact]
    public void Plateau_state_resumes_counters_and_rates()
    {
        var optimizer = Optimizer(1.0);
        var plateau = new ReduceLROnPlateau(optimizer, factor: 0.5, patience: 1, cooldown: 3);
        foreach (double m in new[] { 1.0, 1.0, 1.0 })
        {
            plateau.Step(m);
        }

        var state = plateau.SaveState();
        var resumedOptimizer = Optimizer(1.0);
        var resumed = new ReduceLROnPlateau(resumedOptimizer, factor: 0.5, patience: 1, cooldown: 3);
        resumed.LoadState(state);
        Assert.Equal(0.5, resumedOptimizer.LearningRate);
        Assert.Equal((plateau.Epoch, plateau.Best, plateau.BadEpochs, plateau.CooldownCounter), (resumed.Epoch, resumed.Best, resumed.BadEpochs, resumed.CooldownCounter));
        foreach (double m in new[] { 1.0, 1.0, 1.0, 1.0, 1.0 })
        {
            plateau.Step(m);
            resumed.Step(m);
            Assert.Equal(optimizer.LearningRate, resumedOptimizer.LearningRate);
        }
    }
}
