using System.Globalization;
using System.Text;

namespace DiffGen.Generator.Tests.Support;

/// <summary>
/// Writes random differentiable programs: nested expressions over locals, parameters and array elements; branches
/// on differentiable values; counted and data-dependent loops with break, continue and early return; writes (and
/// overwrites) of a local array; calls to another differentiable method. Values stay bounded (contractive updates
/// in loops, positive arguments for logs, roots and divisions), so finite differences stay meaningful.
/// </summary>
internal sealed class RandomPrograms
{
    private readonly Random _random;
    private readonly StringBuilder _text = new();
    private int _indent;
    private int _locals;
    private int _loopDepth;
    private readonly List<string> _indices = new();
    private bool _hasArray;
    private bool _arrayDeclared;
    private int _declared;
    private int _nextIndex;

    public RandomPrograms(int seed) => _random = new Random(seed);

    public const string Helper = """
        [Differentiable]
        public static double Helper(double a, double b) => a * Math.Sin(b) + 0.5 * b * b;
        """;

    /// <summary>A class with <paramref name="count"/> programs <c>P0</c>... of signature <c>double P(double[] x, double p0, double p1)</c>.</summary>
    public string Class(string name, int count)
    {
        var all = new StringBuilder();
        all.AppendLine("using System;");
        all.AppendLine("using DiffGen;");
        all.AppendLine("namespace RandomPrograms;");
        all.Append("public static partial class ").AppendLine(name);
        all.AppendLine("{");
        all.AppendLine(Helper);
        for (int i = 0; i < count; i++)
        {
            all.AppendLine(Program("P" + i.ToString(CultureInfo.InvariantCulture)));
        }

        all.AppendLine("}");
        return all.ToString();
    }

    public string Program(string name)
    {
        _text.Clear();
        _indent = 1;
        _locals = 2 + _random.Next(3);
        _loopDepth = 0;
        _indices.Clear();
        _hasArray = _random.Next(2) == 0;
        _arrayDeclared = false;
        _declared = 0;
        Line("[Differentiable]");
        Line($"public static double {name}(double[] x, double p0, double p1)");
        Line("{");
        _indent++;
        for (int v = 0; v < _locals; v++)
        {
            // Initialisers may only read what is already declared.
            Line($"double v{v} = {Expression(2)};");
            _declared++;
        }

        if (_hasArray)
        {
            Line("double[] a = new double[x.Length];");
            Line("for (int f = 0; f < a.Length; f++) { a[f] = x[f] * p0; }");
            _arrayDeclared = true;
        }

        int statements = 2 + _random.Next(4);
        for (int s = 0; s < statements; s++)
        {
            Statement(2);
        }

        // Every local takes part in the result, so none is assigned and never read.
        Line($"return {string.Join(" + ", Enumerable.Range(0, _locals).Select(v => "v" + v.ToString(CultureInfo.InvariantCulture)))} + {Expression(2)};");
        _indent--;
        Line("}");
        return _text.ToString();
    }

    private void Line(string line) => _text.Append(' ', _indent * 4).AppendLine(line);

    private string Local() => "v" + _random.Next(_locals).ToString(CultureInfo.InvariantCulture);

    private string DeclaredLocal() => _declared == 0 ? "p0" : "v" + _random.Next(_declared).ToString(CultureInfo.InvariantCulture);

    private string Constant()
    {
        string text = (_random.NextDouble() * 1.6 - 0.8).ToString("0.###", CultureInfo.InvariantCulture);
        return text.StartsWith('-') ? "(" + text + ")" : text;
    }

    private void Statement(int depth)
    {
        int kind = _random.Next(depth > 0 ? 8 : 4);
        switch (kind)
        {
            case 0:
            case 1:
                // Inside loops, updates are contractive so that values stay bounded whatever the trip count.
                Line(_loopDepth > 0
                    ? $"{Local()} = 0.5 * {Local()} + 0.4 * Math.Tanh({Expression(2)});"
                    : $"{Local()} = 0.9 * {Expression(3)};");
                break;
            case 2:
                Line(_loopDepth > 0 ? $"{Local()} += 0.1 * Math.Sin({Expression(2)});" : $"{Local()} *= {Bounded(Expression(2))};");
                break;
            case 3:
                if (_hasArray)
                {
                    string index = _indices.Count > 0 && _random.Next(3) > 0 ? _indices[_random.Next(_indices.Count)] : $"{_random.Next(4)} % a.Length";
                    Line($"a[{index}] = {(_loopDepth > 0 ? "0.5 * a[" + index + "] + 0.4 * Math.Tanh(" + Expression(2) + ")" : Expression(2))};");
                }
                else
                {
                    // Helper squares its second argument, so inside loops its result is squashed too.
                    string target = Local();
                    Line(_loopDepth > 0
                        ? $"{target} = 0.5 * {target} + 0.4 * Math.Tanh(Helper({Expression(1)}, {Expression(1)}));"
                        : $"{target} = Helper({Expression(1)}, {Expression(1)});");
                }

                break;
            case 4:
            case 5:
                Line($"if ({Condition()})");
                Block(depth - 1);
                if (_random.Next(2) == 0)
                {
                    Line("else");
                    Block(depth - 1);
                }

                break;
            case 6:
            {
                string i = "i" + (_nextIndex++).ToString(CultureInfo.InvariantCulture);
                Line($"for (int {i} = 0; {i} < x.Length; {i}++)");
                Line("{");
                _indent++;
                _loopDepth++;
                _indices.Add(i);
                int count = 1 + _random.Next(3);
                for (int s = 0; s < count; s++)
                {
                    if (_random.Next(4) == 0)
                    {
                        Exit();
                    }

                    Statement(depth - 1);
                }

                _indices.Remove(i);
                _loopDepth--;
                _indent--;
                Line("}");
                break;
            }

            default:
            {
                // A loop whose trip count depends on differentiable values.
                string k = "k" + (_nextIndex++).ToString(CultureInfo.InvariantCulture);
                Line($"int {k} = 0;");
                Line($"while ({k} < 5 && {Local()} < {Constant()} + 0.3 * {k})");
                Line("{");
                _indent++;
                _loopDepth++;
                // The counter first, so that a 'continue' cannot skip it.
                Line($"{k}++;");
                Statement(depth - 1);
                if (_random.Next(3) == 0)
                {
                    Exit();
                }

                _loopDepth--;
                _indent--;
                Line("}");
                break;
            }
        }
    }

    private void Exit()
    {
        string exit = _random.Next(3) switch
        {
            0 => "break;",
            1 => "continue;",
            _ => $"return {Expression(1)};",
        };
        if (exit == "continue;" && _text.ToString().EndsWith("{\n", StringComparison.Ordinal) is false && _random.Next(2) == 0)
        {
            exit = "break;";
        }

        Line($"if ({Condition()}) {{ {exit} }}");
    }

    private void Block(int depth)
    {
        Line("{");
        _indent++;
        int count = 1 + _random.Next(2);
        for (int s = 0; s < count; s++)
        {
            Statement(depth);
        }

        _indent--;
        Line("}");
    }

    /// <summary>A comparison of something variable with a constant (no constant conditions, no x &lt; x).</summary>
    private string Condition() => _random.Next(3) switch
    {
        0 => $"{VariableLeaf()} > {Constant()}",
        1 => $"{DeclaredLocal()} + {Expression(1)} < {Constant()}",
        _ => $"{Expression(1)} - {VariableLeaf()} <= {Constant()}",
    };

    private string VariableLeaf() => _random.Next(3) switch
    {
        0 => DeclaredLocal(),
        1 => _random.Next(2) == 0 ? "p0" : "p1",
        _ => _indices.Count > 0 ? $"x[{_indices[_random.Next(_indices.Count)]}]" : $"x[{_random.Next(3)}]",
    };

    private static string Bounded(string e) => $"(1 + 0.5 * Math.Tanh({e}))";

    private string Leaf()
    {
        int choice = _random.Next(7);
        return choice switch
        {
            0 or 1 => DeclaredLocal(),
            2 => _random.Next(2) == 0 ? "p0" : "p1",
            3 => _indices.Count > 0 ? $"x[{_indices[_random.Next(_indices.Count)]}]" : $"x[{_random.Next(3)}]",
            4 when _arrayDeclared => _indices.Count > 0 ? $"a[{_indices[_random.Next(_indices.Count)]}]" : $"a[{_random.Next(3)} % a.Length]",
            _ => Constant(),
        };
    }

    private string Expression(int depth)
    {
        if (depth <= 0 || _random.Next(4) == 0)
        {
            return Leaf();
        }

        string a = Expression(depth - 1);
        string b = Expression(depth - 1);
        return _random.Next(16) switch
        {
            0 => $"({a} + {b})",
            1 => $"({a} - {b})",
            2 or 3 => $"({a} * {b})",
            4 => $"({a} / (1 + {b} * {b}))",
            5 => $"(-{a})",
            6 => $"Math.Sin({a})",
            7 => $"Math.Cos({a})",
            8 => $"Math.Exp(Math.Tanh({a}))",
            9 => $"Math.Log(1 + {a} * {a})",
            10 => $"Math.Sqrt(1 + {a} * {a})",
            11 => $"Math.Atan({a})",
            12 => $"Math.Pow(1 + Math.Tanh({a}) * Math.Tanh({a}), 1.5)",
            13 => $"Math.Max({a}, {b})",
            14 => $"({Condition()} ? {a} : {b})",
            _ => $"Math.Tanh({a} * {b})",
        };
    }
}
