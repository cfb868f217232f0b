using System;

namespace DiffGen;

/// <summary>
/// Thrown when a safetensors file or checkpoint cannot be saved or loaded: a corrupt or truncated file, a dtype that
/// is not supported, or tensors whose names, shapes or dtypes do not match the model. The message names the file, the
/// tensor and what was expected and found; a failed load leaves the model's parameters as they were.
/// </summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public CheckpointException()
        : base("The checkpoint could not be read or does not match the model.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was wrong.</param>
    public CheckpointException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What was wrong.</param>
    /// <param name="innerException">The cause.</param>
    public CheckpointException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a problem in a file, optionally with one tensor.</summary>
    /// <param name="filePath">The file, as the caller named it.</param>
    /// <param name="tensorName">The tensor concerned, or <see langword="null"/>.</param>
    /// <param name="problem">What was wrong: expected and found.</param>
    /// <param name="innerException">The cause, if any.</param>
    public CheckpointException(string filePath, string? tensorName, string problem, Exception? innerException = null)
        : base($"{filePath}: {(tensorName is null ? string.Empty : $"tensor '{tensorName}': ")}{problem}", innerException)
    {
        FilePath = filePath;
        TensorName = tensorName;
    }

    /// <summary>
    /// Creates the exception for several problems in a file: the message lists them (each naming its tensor), and the
    /// first one's tensor is <see cref="TensorName"/>. The flag only tells this constructor from the public one.
    /// </summary>
    internal CheckpointException(string filePath, string firstTensorName, string problemList, bool several)
        : base($"{filePath}: {problemList}")
    {
        _ = several;
        FilePath = filePath;
        TensorName = firstTensorName;
    }

    /// <summary>The file, as the caller named it, or <see langword="null"/> if not known.</summary>
    public string? FilePath { get; }

    /// <summary>The tensor concerned (the first one, when several are), or <see langword="null"/>.</summary>
    public string? TensorName { get; }
}
