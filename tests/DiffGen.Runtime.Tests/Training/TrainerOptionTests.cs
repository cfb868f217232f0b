namespace DiffGen.Runtime.Tests.Training;

/// <summary>Options out of range fail where they are set; options that do not fit together fail when Fit starts.</summary>
public sealed class TrainerOptionTests
{
    private static readonly Dataset Data = Synthetic.LinearRegression(64, [1.0, 2.0], 0.5, 0.1, seed: 1, DType.Float64);

    private static (LinearRegressionProblem Problem, Sgd Optimizer, DataLoader Loader) Setup()
    {
        var problem = new LinearRegressionProblem(2);
        return (problem, new Sgd(problem.Parameters, lr: 0.1), new DataLoader(Data, 16));
    }

    [Fact]
    public void The_constructor_rejects_null_arguments_by_name()
    {
        var (problem, optimizer, loader) = Setup();
        Assert.Equal("optimizer", Assert.Throws<ArgumentNullException>(() => new Trainer(null!, loader, problem.LossWithGradient)).ParamName);
        Assert.Equal("trainData", Assert.Throws<ArgumentNullException>(() => new Trainer(optimizer, null!, problem.LossWithGradient)).ParamName);
        Assert.Equal("lossWithGradient", Assert.Throws<ArgumentNullException>(() => new Trainer(optimizer, loader, null!)).ParamName);
    }

    [Fact]
    public void Options_out_of_range_are_rejected_naming_the_option_and_the_value()
    {
        var (problem, optimizer, loader) = Setup();
        void Check(string name, string value, Func<Trainer> create)
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(create);
            Assert.Equal(name, e.ParamName);
            Assert.Contains(value, e.Message, StringComparison.Ordinal);
        }

        Check("MaxEpochs", "0", () => new Trainer(optimizer, loader, problem.LossWithGradient) { MaxEpochs = 0 });
        Check("EvaluateEverySteps", "-1", () => new Trainer(optimizer, loader, problem.LossWithGradient) { EvaluateEverySteps = -1 });
        Check("ConvergenceTolerance", "-0.1", () => new Trainer(optimizer, loader, problem.LossWithGradient) { ConvergenceTolerance = -0.1 });
        Check("ConvergenceTolerance", "NaN", () => new Trainer(optimizer, loader, problem.LossWithGradient) { ConvergenceTolerance = double.NaN });
        Check("ConvergencePatience", "0", () => new Trainer(optimizer, loader, problem.LossWithGradient) { ConvergencePatience = 0 });
        Check("EarlyStoppingPatience", "0", () => new Trainer(optimizer, loader, problem.LossWithGradient) { EarlyStoppingPatience = 0 });
        Check("ClipGradNorm", "Infinity", () => new Trainer(optimizer, loader, problem.LossWithGradient) { ClipGradNorm = double.PositiveInfinity });
        Check("ClipGradValue", "-1", () => new Trainer(optimizer, loader, problem.LossWithGradient) { ClipGradValue = -1 });
        Check("ReportEverySteps", "0", () => new Trainer(optimizer, loader, problem.LossWithGradient) { ReportEverySteps = 0 });
    }

    public static TheoryData<string, string> Misfits() => new()
    {
        { "early stopping without validation", "EarlyStoppingPatience needs a validation set" },
        { "loss without validation", "Loss is set but ValidationData is not" },
        { "predict without validation", "Predict is set but ValidationData is not" },
        { "validation without loss", "ValidationData is set but Loss is not" },
        { "validation is the training loader", "ValidationData is the TrainData loader itself" },
        { "predict and count correct", "Both Predict and CountCorrect are set" },
        { "schedule of another optimizer", "another optimizer" },
        { "plateau of another optimizer", "another optimizer" },
        { "plateau in max mode", "needs PlateauMode.Min" },
        { "schedule and plateau", "Both Schedule (StepLR) and Plateau are set" },
    };

    [Theory]
    [MemberData(nameof(Misfits))]
    public void Options_that_do_not_fit_together_fail_when_fit_starts_and_change_nothing(string misfit, string message)
    {
        var (problem, optimizer, loader) = Setup();
        var other = new Sgd(new LinearRegressionProblem(2).Parameters, lr: 0.1);
        var validation = new DataLoader(Data, 32);
        var trainer = misfit switch
        {
            "early stopping without validation" => new Trainer(optimizer, loader, problem.LossWithGradient) { EarlyStoppingPatience = 2 },
            "loss without validation" => new Trainer(optimizer, loader, problem.LossWithGradient) { Loss = problem.Loss },
            "predict without validation" => new Trainer(optimizer, loader, problem.LossWithGradient) { Predict = b => b.Features },
            "validation without loss" => new Trainer(optimizer, loader, problem.LossWithGradient) { ValidationData = validation },
            "validation is the training loader" => new Trainer(optimizer, loader, problem.LossWithGradient) { ValidationData = loader, Loss = problem.Loss },
            "predict and count correct" => new Trainer(optimizer, loader, problem.LossWithGradient) { ValidationData = validation, Loss = problem.Loss, Predict = b => b.Features, CountCorrect = b => 0 },
            "schedule of another optimizer" => new Trainer(optimizer, loader, problem.LossWithGradient) { Schedule = new StepLR(other, stepSize: 1) },
            "plateau of another optimizer" => new Trainer(optimizer, loader, problem.LossWithGradient) { Plateau = new ReduceLROnPlateau(other) },
            "plateau in max mode" => new Trainer(optimizer, loader, problem.LossWithGradient) { Plateau = new ReduceLROnPlateau(optimizer, PlateauMode.Max) },
            _ => new Trainer(optimizer, loader, problem.LossWithGradient) { Schedule = new StepLR(optimizer, stepSize: 1), Plateau = new ReduceLROnPlateau(optimizer) },
        };
        var before = Snapshot.Of(problem.Parameters);

        var e = Assert.Throws<InvalidOperationException>(() => trainer.Fit());

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot.Of(problem.Parameters));
        Assert.Equal(0, loader.Epoch);
    }

    [Fact]
    public void Fit_inside_a_tensor_arena_scope_is_refused()
    {
        var (problem, optimizer, loader) = Setup();
        var trainer = new Trainer(optimizer, loader, problem.LossWithGradient);
        using (TensorArena.Enter())
        {
            var e = Assert.Throws<InvalidOperationException>(() => trainer.Fit());
            Assert.Contains("TensorArena scope", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_count_correct_outside_zero_to_the_batch_size_is_an_error()
    {
        var (problem, optimizer, loader) = Setup();
        var trainer = new Trainer(optimizer, loader, problem.LossWithGradient)
        {
            ValidationData = new DataLoader(Data, 32),
            Loss = problem.Loss,
            CountCorrect = b => b.Count + 1,
        };

        var e = Assert.Throws<InvalidOperationException>(() => trainer.Fit());
        Assert.Contains("CountCorrect returned 33 for validation batch 0, which has 32 samples", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_are_documented_ones()
    {
        var (problem, optimizer, loader) = Setup();
        var trainer = new Trainer(optimizer, loader, problem.LossWithGradient);
        Assert.Equal(100, trainer.MaxEpochs);
        Assert.Equal(0, trainer.EvaluateEverySteps);
        Assert.Null(trainer.ConvergenceTolerance);
        Assert.Equal(3, trainer.ConvergencePatience);
        Assert.Null(trainer.EarlyStoppingPatience);
        Assert.Null(trainer.ClipGradNorm);
        Assert.Null(trainer.ClipGradValue);
        Assert.True(trainer.RecordSteps);
        Assert.Equal(1, trainer.ReportEverySteps);
        Assert.Same(optimizer, trainer.Optimizer);
        Assert.Same(loader, trainer.TrainData);
    }
}
