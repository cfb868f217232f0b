using System;

namespace DiffGen;

/// <summary>
/// Thrown when a data file (IDX, CSV) is not what it should be: a wrong magic number, a truncated file, an
/// unsupported element type, a bad number, a ragged row. The message names the file, the place and what was expected
/// and found.
/// </summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public DataFormatException()
        : base("The data file is not in the expected format.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was wrong.</param>
    public DataFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What was wrong.</param>
    /// <param name="innerException">The cause.</param>
    public DataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a problem in a file, at an optional line and column.</summary>
    /// <param name="filePath">The file, as the caller named it.</param>
    /// <param name="problem">What was wrong: expected and found.</param>
    /// <param name="line">The 1-based line (text files), or 0 if not applicable.</param>
    /// <param name="column">The 1-based column (text files), or 0 if not applicable.</param>
    /// <param name="innerException">The cause, if any.</param>
    public DataFormatException(string filePath, string problem, int line = 0, int column = 0, Exception? innerException = null)
        : base(Describe(filePath, problem, line, column), innerException)
    {
        FilePath = filePath;
        Line = line;
        Column = column;
    }

    /// <summary>The file, as the caller named it, or <see langword="null"/> if not known.</summary>
    public string? FilePath { get; }

    /// <summary>The 1-based line of the problem in a text file, or 0.</summary>
    public int Line { get; }

    /// <summary>The 1-based column (field number) of the problem in a text file, or 0.</summary>
    public int Column { get; }

    private static string Describe(string filePath, string problem, int line, int column)
    {
        ArgumentNullException.ThrowIfNull(filePath);
        ArgumentNullException.ThrowIfNull(problem);
        string place = line > 0 && column > 0 ? $", line {line}, column {column}"
            : line > 0 ? $", line {line}"
            : string.Empty;
        return $"{filePath}{place}: {problem}";
    }
}
