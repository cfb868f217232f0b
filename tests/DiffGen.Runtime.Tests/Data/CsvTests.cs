using System.Globalization;
using DiffGen.Runtime.Tests.Support;

namespace DiffGen.Runtime.Tests.Data;

public sealed class CsvTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Write(string text, string name = "data.csv")
    {
        string path = _folder.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void A_file_with_a_header_is_read_with_the_named_label_column_and_the_others_as_features_in_order()
    {
        string path = Write("x1,y,x2\n0.5,3,1.25\n-2e-3,1,4\n");
        var data = Csv.ReadDataset(path, labelColumn: "y");
        Assert.Equal([2, 2], data.Features.Shape.ToArray());
        Assert.Equal([0.5f, 1.25f, -2e-3f, 4f], data.Features.Floats.ToArray());
        Assert.Equal([3f, 1f], data.Labels.Floats.ToArray());
    }

    [Fact]
    public void A_file_without_a_header_is_detected_and_the_label_column_is_chosen_by_position_from_the_end()
    {
        string path = Write("1,2,0\n3,4,1\n\n5,6,1\n");
        var data = Csv.ReadDataset(path, labelColumn: -1, new CsvOptions { DType = DType.Float64 });
        Assert.Equal(DType.Float64, data.Features.DType);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], data.Features.Doubles.ToArray());
        Assert.Equal([0.0, 1, 1], data.Labels.Doubles.ToArray());
    }

    [Fact]
    public void Numbers_are_read_in_the_invariant_culture_whatever_the_current_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("fi-FI");
            var t = Csv.ReadTensor(new StringReader("a;b\n1.5;-0.25\n"), "inline", new CsvOptions { Separator = ';' });
            Assert.Equal([1.5f, -0.25f], t.Floats.ToArray());
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Quoted_fields_spaces_and_a_byte_order_mark_are_accepted()
    {
        string path = _folder.File("quoted.csv");
        File.WriteAllText(path, "\"width, cm\", \"say \"\"hi\"\"\" ,label\r\n \"1\" , 2 ,0\r\n", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        var data = Csv.ReadDataset(path, labelColumn: "label");
        Assert.Equal([1f, 2f], data.Features.Floats.ToArray());
        var e = Assert.Throws<DataFormatException>(() => Csv.ReadDataset(path, labelColumn: "nope"));
        Assert.Contains("width, cm, say \"hi\", label", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_number_names_the_file_the_line_the_column_and_the_header()
    {
        string path = Write("a,b,c\n1,2,3\n4,x5,6\n");
        var e = Assert.Throws<DataFormatException>(() => Csv.ReadTensor(path));
        Assert.Equal(path, e.FilePath);
        Assert.Equal(3, e.Line);
        Assert.Equal(2, e.Column);
        Assert.Contains($"{path}, line 3, column 2: 'x5' in column 2 ('b') is not a number", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_decimal_comma_is_a_bad_number_not_a_silently_different_value()
    {
        string path = Write("1;2,5\n", "semicolons.csv");
        var e = Assert.Throws<DataFormatException>(() => Csv.ReadTensor(path, new CsvOptions { Separator = ';', HasHeader = false }));
        Assert.Contains("'2,5'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ragged_row_names_the_line_and_the_expected_and_found_field_counts()
    {
        string path = Write("1,2,3\n4,5,6\n7,8\n");
        var e = Assert.Throws<DataFormatException>(() => Csv.ReadTensor(path));
        Assert.Equal(3, e.Line);
        Assert.Equal(3, e.Column);
        Assert.Contains("2 field(s), expected 3 as in the first row, on line 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_field_is_reported()
    {
        var e = Assert.Throws<DataFormatException>(() => Csv.ReadTensor(Write("1,,3\n")));
        Assert.Equal(2, e.Column);
        Assert.Contains("empty field", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_beyond_float32_is_reported_instead_of_becoming_infinity()
    {
        var e = Assert.Throws<DataFormatException>(() => Csv.ReadTensor(Write("1e39\n")));
        Assert.Contains("float32", e.Message, StringComparison.Ordinal);
        Assert.Equal([1e39], Csv.ReadTensor(Write("1e39\n"), new CsvOptions { DType = DType.Float64 }).Doubles.ToArray());
    }

    [Fact]
    public void A_missing_label_column_is_reported_with_the_header()
    {
        string path = Write("a,b\n1,2\n");
        var e = Assert.Throws<DataFormatException>(() => Csv.ReadDataset(path, "c"));
        Assert.Contains("no column named 'c'; the header has: a, b", e.Message, StringComparison.Ordinal);
        var outside = Assert.Throws<DataFormatException>(() => Csv.ReadDataset(path, 2));
        Assert.Contains("index 2 is outside", outside.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_label_column_by_name_needs_a_header()
    {
        var e = Assert.Throws<DataFormatException>(() => Csv.ReadDataset(Write("1,2\n"), "y"));
        Assert.Contains("no header line", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_can_be_forced_off_so_that_a_numeric_first_line_is_data_or_on_so_that_it_is_skipped()
    {
        string path = Write("1,2\n3,4\n");
        Assert.Equal([2, 2], Csv.ReadTensor(path).Shape.ToArray());
        Assert.Equal([1, 2], Csv.ReadTensor(path, new CsvOptions { HasHeader = true }).Shape.ToArray());
    }

    [Fact]
    public void An_empty_file_and_a_header_without_rows_are_reported()
    {
        Assert.Contains("is empty", Assert.Throws<DataFormatException>(() => Csv.ReadTensor(Write("\n\n"))).Message, StringComparison.Ordinal);
        Assert.Contains("no data rows", Assert.Throws<DataFormatException>(() => Csv.ReadTensor(Write("a,b\n"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unclosed_quote_is_reported()
    {
        var e = Assert.Throws<DataFormatException>(() => Csv.ReadTensor(Write("\"a,b\n1,2\n")));
        Assert.Equal(1, e.Line);
        Assert.Contains("not closed", e.Message, StringComparison.Ordinal);
    }
}
