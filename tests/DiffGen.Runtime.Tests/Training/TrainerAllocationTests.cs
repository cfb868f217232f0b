namespace DiffGen.Runtime.Tests.Training;

/// <summary>
/// The training loop allocates nothing per step. Measured honestly: with step functions that allocate nothing
/// themselves (hand-written, span-based), the bytes this thread allocates between the end of epoch 1 and the end of
/// epoch 5 (epochs 0 and 1 warm up: optimizer state, JIT, first calls) must be zero. That interval covers everything
/// the trainer does: the loader's batches, ZeroGrad, the step function, the finite check, clipping, Step, the history
/// records, evaluations (validation loss, accuracy, best-parameter snapshots), schedules, convergence checks and the
/// progress reports. Step records fit in the reservation made when the run starts (runs longer than 65,536 steps grow
/// the list at epoch starts, amortized); the test runs with step records on and off.
/// </summary>
public sealed class TrainerAllocationTests
{
    private const int Epochs = 6;

    private sealed class EpochEndAllocations : IProgress<TrainingProgress>
    {
        public long[] Bytes { get; } = new long[Epochs];

        public int StepReports { get; private set; }

        public void Report(TrainingProgress value)
        {
            if (value.Kind == TrainingProgressKind.Epoch)
            {
                Bytes[value.Epoch] = GC.GetAllocatedBytesForCurrentThread();
            }
            else
            {
                StepReports++;
            }
        }
    }

    private static TrainValidationSplit Blobs(DType dtype = DType.Float32) =>
        Synthetic.Blobs(300, centers: 3, seed: 21, standardDeviation: 2, dtype: dtype).RandomSplit(50, seed: 22);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Epochs_with_validation_accuracy_schedule_clipping_and_progress_allocate_nothing(bool recordSteps)
    {
        var (train, validation) = Blobs();
        var problem = new SoftmaxRegressionProblem(2, 3);
        var optimizer = new Adam(problem.Parameters, lr: 0.01);
        var progress = new EpochEndAllocations();
        var trainer = new Trainer(optimizer, new DataLoader(train, 16, shuffle: true, seed: 23), problem.LossWithGradient)   // 250 = 15·16 + 10
        {
            MaxEpochs = Epochs,
            ValidationData = new DataLoader(validation, 25, shuffle: true, seed: 24),
            Loss = problem.Loss,
            Predict = problem.Predict,
            Schedule = new StepLR(optimizer, stepSize: 2, gamma: 0.5),
            ClipGradNorm = 1.0,
            ClipGradValue = 0.5,
            RecordSteps = recordSteps,
        };

        var result = trainer.Fit(progress);

        Assert.Equal(TrainingStopReason.MaxEpochs, result.StopReason);
        Assert.Equal(Epochs * 16, progress.StepReports);
        Assert.Equal(0, progress.Bytes[5] - progress.Bytes[1]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Epochs_with_step_evaluations_plateau_early_stopping_snapshots_and_convergence_checks_allocate_nothing(bool recordSteps)
    {
        var (train, validation) = Blobs(DType.Float64);
        var problem = new SoftmaxRegressionProblem(2, 3, DType.Float64);
        var optimizer = new Sgd(problem.Parameters, lr: 0.05, momentum: 0.9);
        var progress = new EpochEndAllocations();
        var trainer = new Trainer(optimizer, new DataLoader(train, 25), problem.LossWithGradient)
        {
            MaxEpochs = Epochs,
            ValidationData = new DataLoader(validation, 50),
            Loss = problem.Loss,
            CountCorrect = problem.CountCorrect,
            EvaluateEverySteps = 3,
            Plateau = new ReduceLROnPlateau(optimizer, factor: 0.5, patience: 0, threshold: 0.5),
            EarlyStoppingPatience = 1000,
            ConvergenceTolerance = 1e-15,
            ConvergencePatience = 1000,
            RecordSteps = recordSteps,
        };

        var result = trainer.Fit(progress);

        Assert.Equal(TrainingStopReason.MaxEpochs, result.StopReason);
        Assert.True(result.RestoredBestParameters);
        Assert.True(optimizer.LearningRate < 0.05, "the plateau schedule reduced the rate during the run");
        Assert.Equal(0, progress.Bytes[5] - progress.Bytes[1]);
    }
}
