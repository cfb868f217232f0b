using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace DiffGen;

/// <summary>
/// A column of a CSV file, chosen by its header name or by its position. Converts implicitly from a
/// <see cref="string"/> (a name) and from an <see cref="int"/> (a position), so <c>labelColumn: "price"</c> and
/// <c>labelColumn: -1</c> both read naturally.
/// </summary>
public readonly struct CsvColumn : IEquatable<CsvColumn>
{
    private CsvColumn(string? name, int index)
    {
        Name = name;
        Index = index;
    }

    /// <summary>The header name, or <see langword="null"/> if the column is chosen by position.</summary>
    public string? Name { get; }

    /// <summary>The 0-based position (negative counts from the end: -1 is the last column); unused when <see cref="Name"/> is set.</summary>
    public int Index { get; }

    /// <summary>The column whose header is <paramref name="name"/> (compared exactly, after trimming spaces).</summary>
    /// <param name="name">The header name.</param>
    /// <returns>The column.</returns>
    public static CsvColumn Named(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new CsvColumn(name, 0);
    }

    /// <summary>The column at 0-based position <paramref name="index"/>; a negative index counts from the end (-1 is the last).</summary>
    /// <param name="index">The position.</param>
    /// <returns>The column.</returns>
    public static CsvColumn At(int index) => new(null, index);

    /// <summary>The column named <paramref name="name"/>; see <see cref="Named"/>.</summary>
    /// <param name="name">The header name.</param>
    public static implicit operator CsvColumn(string name) => Named(name);

    /// <summary>The column at position <paramref name="index"/>; see <see cref="At"/>.</summary>
    /// <param name="index">The position.</param>
    public static implicit operator CsvColumn(int index) => At(index);

    /// <summary>Whether two columns are chosen the same way.</summary>
    /// <param name="left">One column.</param>
    /// <param name="right">The other.</param>
    public static bool operator ==(CsvColumn left, CsvColumn right) => left.Equals(right);

    /// <summary>Whether two columns are chosen differently.</summary>
    /// <param name="left">One column.</param>
    /// <param name="right">The other.</param>
    public static bool operator !=(CsvColumn left, CsvColumn right) => !left.Equals(right);

    /// <summary>Whether <paramref name="other"/> is chosen the same way.</summary>
    /// <param name="other">The other column.</param>
    /// <returns><see langword="true"/> for the same name, or the same position.</returns>
    public bool Equals(CsvColumn other) => Name is null ? other.Name is null && Index == other.Index : string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is CsvColumn other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Name is null ? Index : StringComparer.Ordinal.GetHashCode(Name);

    /// <summary>The column as text: its quoted name or its position.</summary>
    public override string ToString() => Name is null ? string.Create(CultureInfo.InvariantCulture, $"column at index {Index}") : $"column '{Name}'";
}

/// <summary>How <see cref="Csv"/> reads a file.</summary>
public sealed record CsvOptions
{
    /// <summary>The field separator. Default <c>','</c>.</summary>
    public char Separator { get; init; } = ',';

    /// <summary>
    /// Whether the first non-blank line holds column names: <see langword="true"/>, <see langword="false"/>, or
    /// <see langword="null"/> (the default) to detect it: the line is a header if any of its non-empty fields is not a
    /// number.
    /// </summary>
    public bool? HasHeader { get; init; }

    /// <summary>The element type of the tensors. Default <see cref="DType.Float32"/>.</summary>
    public DType DType { get; init; } = DType.Float32;
}

/// <summary>
/// Reads numeric CSV files into tensors: every field a number in the invariant culture (<c>1.5</c>, <c>-2e-3</c>,
/// <c>NaN</c>, <c>Infinity</c>), an optional header line, one of the columns as the labels.
/// </summary>
/// <remarks>
/// <para>
/// Fields are separated by <see cref="CsvOptions.Separator"/>; spaces around a field are ignored; a field may be
/// wrapped in double quotes (a quote inside is written twice), as spreadsheet programs write headers. Blank lines are
/// skipped; a byte-order mark is ignored. A field cannot span lines.
/// </para>
/// <para>
/// A field that is not a number, an empty field, a row with more or fewer fields than the first one, or a value out of
/// <see cref="float"/>'s range when reading <see cref="DType.Float32"/> throws a <see cref="DataFormatException"/> with
/// the file, the 1-based line and column, and what was expected and found.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// // x1,x2,y
/// // 0.5,1.25,3
/// Dataset data = Csv.ReadDataset("points.csv", labelColumn: "y");   // features [n, 2], labels [n]
/// Tensor table = Csv.ReadTensor("table.csv", new CsvOptions { HasHeader = false });
/// </code>
/// </example>
public static class Csv
{
    /// <summary>Reads a CSV file into a dataset: the label column becomes the labels (<c>[n]</c>), all the others the features (<c>[n, columns - 1]</c>), in file order.</summary>
    /// <param name="path">The file.</param>
    /// <param name="labelColumn">The labels' column, by name (needs a header) or by position (-1 is the last).</param>
    /// <param name="options">How to read; <see langword="null"/> for the defaults.</param>
    /// <returns>The dataset. Integer labels serve as class indices.</returns>
    /// <exception cref="DataFormatException">The file is not numeric CSV, or the label column is not in it.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Dataset ReadDataset(string path, CsvColumn labelColumn, CsvOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return ReadDataset(reader, path, labelColumn, options);
    }

    /// <summary>Reads CSV text into a dataset; see <see cref="ReadDataset(string, CsvColumn, CsvOptions?)"/>.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="sourceName">The name of the text in error messages (a file name).</param>
    /// <param name="labelColumn">The labels' column, by name (needs a header) or by position (-1 is the last).</param>
    /// <param name="options">How to read; <see langword="null"/> for the defaults.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="DataFormatException">The text is not numeric CSV, or the label column is not in it.</exception>
    public static Dataset ReadDataset(TextReader reader, string sourceName, CsvColumn labelColumn, CsvOptions? options = null)
    {
        var table = Parse(reader, sourceName, options ?? new CsvOptions());
        int label = ResolveColumn(table, sourceName, labelColumn);
        int columns = table.Columns;
        if (columns < 2)
        {
            throw new DataFormatException(sourceName, $"has {columns} column; a dataset needs the label column and at least one feature column.", table.FirstLine);
        }

        var features = Tensor.Zeros(table.DType, table.Rows, columns - 1);
        var labels = Tensor.Zeros(table.DType, table.Rows);
        for (int row = 0; row < table.Rows; row++)
        {
            int feature = 0;
            for (int column = 0; column < columns; column++)
            {
                double value = table.Values[row * columns + column];
                if (column == label)
                {
                    Set(labels, row, value);
                }
                else
                {
                    Set(features, row * (columns - 1) + feature, value);
                    feature++;
                }
            }
        }

        return new Dataset(features, labels);
    }

    /// <summary>Reads a CSV file into one tensor of shape <c>[rows, columns]</c> (the header, if any, is skipped).</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">How to read; <see langword="null"/> for the defaults.</param>
    /// <returns>The values, row by row.</returns>
    /// <exception cref="DataFormatException">The file is not numeric CSV.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Tensor ReadTensor(string path, CsvOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return ReadTensor(reader, path, options);
    }

    /// <summary>Reads CSV text into one tensor of shape <c>[rows, columns]</c>.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="sourceName">The name of the text in error messages (a file name).</param>
    /// <param name="options">How to read; <see langword="null"/> for the defaults.</param>
    /// <returns>The values, row by row.</returns>
    /// <exception cref="DataFormatException">The text is not numeric CSV.</exception>
    public static Tensor ReadTensor(TextReader reader, string sourceName, CsvOptions? options = null)
    {
        var table = Parse(reader, sourceName, options ?? new CsvOptions());
        var tensor = Tensor.Zeros(table.DType, table.Rows, table.Columns);
        for (int i = 0; i < tensor.Length; i++)
        {
            Set(tensor, i, table.Values[i]);
        }

        return tensor;
    }

    private sealed record Table(List<string>? Header, List<double> Values, int Columns, int FirstLine, DType DType)
    {
        public int Rows => Columns == 0 ? 0 : Values.Count / Columns;
    }

    private static void Set(Tensor tensor, int index, double value)
    {
        if (tensor.DType == DType.Float32)
        {
            tensor.Floats[index] = (float)value;
        }
        else
        {
            tensor.Doubles[index] = value;
        }
    }

    private static int ResolveColumn(Table table, string source, CsvColumn column)
    {
        if (column.Name is string name)
        {
            if (table.Header is null)
            {
                throw new DataFormatException(source, $"has no header line, so there is no column named '{name}'; choose the label column by position (CsvColumn.At), or set CsvOptions.HasHeader = true.", table.FirstLine);
            }

            int found = -1;
            for (int i = 0; i < table.Header.Count; i++)
            {
                if (string.Equals(table.Header[i], name, StringComparison.Ordinal))
                {
                    if (found >= 0)
                    {
                        throw new DataFormatException(source, $"has two columns named '{name}' (columns {found + 1} and {i + 1}); choose the label column by position.", table.FirstLine);
                    }

                    found = i;
                }
            }

            if (found < 0)
            {
                throw new DataFormatException(source, $"has no column named '{name}'; the header has: {string.Join(", ", table.Header)}.", table.FirstLine);
            }

            return found;
        }

        int index = column.Index < 0 ? column.Index + table.Columns : column.Index;
        if ((uint)index >= (uint)table.Columns)
        {
            throw new DataFormatException(source, string.Create(CultureInfo.InvariantCulture, $"has {table.Columns} columns; the label column at index {column.Index} is outside them (use 0 to {table.Columns - 1}, or -1 for the last)."), table.FirstLine);
        }

        return index;
    }

    private static Table Parse(TextReader reader, string source, CsvOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Separator is '"' or '\r' or '\n')
        {
            throw new ArgumentException($"The separator cannot be a quote or a line break; it is '{options.Separator}'.", nameof(options));
        }

        var fields = new List<string>();
        var values = new List<double>();
        List<string>? header = null;
        int columns = -1;
        int firstLine = 0;
        int lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (lineNumber == 1 && line.Length > 0 && line[0] == '\uFEFF')
            {
                line = line[1..];
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            Split(line, options.Separator, fields, source, lineNumber);
            if (columns < 0)
            {
                columns = fields.Count;
                firstLine = lineNumber;
                bool isHeader = options.HasHeader ?? !AllNumbers(fields);
                if (isHeader)
                {
                    header = [.. fields];
                    continue;
                }
            }

            if (fields.Count != columns)
            {
                string reference = header is not null ? $"the header on line {firstLine}" : $"the first row, on line {firstLine}";
                throw new DataFormatException(source, $"ragged row: {fields.Count} field(s), expected {columns} as in {reference}.", lineNumber, Math.Min(fields.Count, columns) + 1);
            }

            for (int column = 0; column < fields.Count; column++)
            {
                values.Add(ParseNumber(fields[column], source, lineNumber, column, header, options.DType));
            }
        }

        if (columns < 0)
        {
            throw new DataFormatException(source, "is empty: expected CSV lines of numbers, found none.");
        }

        if (values.Count == 0)
        {
            throw new DataFormatException(source, $"has a header on line {firstLine} but no data rows.");
        }

        return new Table(header, values, columns, firstLine, options.DType);
    }

    private static bool AllNumbers(List<string> fields)
    {
        foreach (string field in fields)
        {
            if (field.Length > 0 && !double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                return false;
            }
        }

        return true;
    }

    private static double ParseNumber(string field, string source, int line, int column, List<string>? header, DType dtype)
    {
        string where = header is not null && !string.IsNullOrEmpty(header[column]) ? $" ('{header[column]}')" : string.Empty;
        if (field.Length == 0)
        {
            throw new DataFormatException(source, $"empty field in column {column + 1}{where}: expected a number (missing values are not supported).", line, column + 1);
        }

        if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            throw new DataFormatException(source, $"'{field}' in column {column + 1}{where} is not a number: expected an invariant-culture number such as 1.5 or -2e-3.", line, column + 1);
        }

        if (dtype == DType.Float32 && double.IsFinite(value) && float.IsInfinity((float)value))
        {
            throw new DataFormatException(source, $"'{field}' in column {column + 1}{where} is outside the range of float32 (about ±3.4e38); read the file as Float64.", line, column + 1);
        }

        return value;
    }

    private static void Split(string line, char separator, List<string> fields, string source, int lineNumber)
    {
        fields.Clear();
        int i = 0;
        while (true)
        {
            while (i < line.Length && line[i] != separator && char.IsWhiteSpace(line[i]))
            {
                i++;
            }

            if (i < line.Length && line[i] == '"')
            {
                var text = new StringBuilder();
                int opened = i;
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new DataFormatException(source, $"the quote opened at character {opened + 1} is not closed on this line.", lineNumber, fields.Count + 1);
                    }

                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            text.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    text.Append(line[i]);
                    i++;
                }

                while (i < line.Length && line[i] != separator && char.IsWhiteSpace(line[i]))
                {
                    i++;
                }

                if (i < line.Length && line[i] != separator)
                {
                    throw new DataFormatException(source, $"unexpected '{line[i]}' after a closing quote (character {i + 1}); expected the separator '{separator}' or the end of the line.", lineNumber, fields.Count + 1);
                }

                fields.Add(text.ToString().Trim());
            }
            else
            {
                int start = i;
                while (i < line.Length && line[i] != separator)
                {
                    i++;
                }

                fields.Add(line[start..i].Trim());
            }

            if (i >= line.Length)
            {
                return;
            }

            i++; // the separator
        }
    }
}
