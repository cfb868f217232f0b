using System.Text.Json.Serialization;

namespace DiffGen;

/// <summary>The JSON shape of a <see cref="TrainingHistory"/>: <c>{"steps": [...], "epochs": [...]}</c>.</summary>
/// <param name="Steps">One object per step record.</param>
/// <param name="Epochs">One object per epoch record.</param>
internal sealed record TrainingHistoryJson(StepRecordJson[] Steps, EpochRecordJson[] Epochs);

/// <summary>A <see cref="StepRecord"/> in JSON: <see langword="null"/> for a value that is not there, times in seconds.</summary>
internal sealed record StepRecordJson(
    int Epoch,
    int Batch,
    long Step,
    double? Loss,
    double? LearningRate,
    double? ValidationLoss,
    double? Accuracy,
    double? ElapsedSeconds);

/// <summary>An <see cref="EpochRecord"/> in JSON: <see langword="null"/> for a value that is not there, times in seconds.</summary>
internal sealed record EpochRecordJson(
    int Epoch,
    int Batches,
    long Steps,
    double? TrainLoss,
    double? ValidationLoss,
    double? Accuracy,
    double? LearningRate,
    double? ElapsedSeconds);

/// <summary>
/// The System.Text.Json source-generated serializer of the history: code generated at compile time, no reflection,
/// so writing a history works under Native AOT and trimming. Names are snake_case (<c>learning_rate</c>).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(TrainingHistoryJson))]
internal sealed partial class TrainingHistoryJsonContext : JsonSerializerContext
{
}
