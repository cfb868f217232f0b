using System.Text;

namespace DiffGen.Generator.Emit;

/// <summary>Writes C# line by line with the current indentation (four spaces a level, LF line ends).</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public void Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _indent * 4);
            _text.Append(line);
        }

        _text.Append('\n');
    }

    /// <summary>Writes a line one level less indented (a label).</summary>
    public void OutdentedLine(string line)
    {
        _indent--;
        Line(line);
        _indent++;
    }

    public void Open(string? header = null)
    {
        if (header is not null)
        {
            Line(header);
        }

        Line("{");
        _indent++;
    }

    public void Close(string closing = "}")
    {
        _indent--;
        Line(closing);
    }

    public override string ToString() => _text.ToString();
}
