using System.Collections.Generic;
using System.Text;
using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis.CSharp;

namespace DiffGen.Generator.Emit;

/// <summary>Prints IR expressions as C#, with the parentheses precedence needs and no more.</summary>
internal sealed class ExpressionPrinter
{
    private const int Assignment = 1;
    private const int ConditionalLevel = 3;
    private const int ConditionalOr = 5;
    private const int ConditionalAnd = 6;
    private const int BitOr = 7;
    private const int BitXor = 8;
    private const int BitAnd = 9;
    private const int Equality = 10;
    private const int Relational = 11;
    private const int Shift = 12;
    private const int Additive = 13;
    private const int Multiplicative = 14;
    private const int UnaryLevel = 15;
    private const int Primary = 16;

    private readonly IReadOnlyDictionary<int, string> _names;
    private readonly Registry _registry;

    public ExpressionPrinter(IReadOnlyDictionary<int, string> names, Registry registry)
    {
        _names = names;
        _registry = registry;
    }

    public string Name(Var v) => _names.TryGetValue(v.Id, out var name) ? name : v.Name;

    public string Print(Expr e) => Print(e, Assignment);

    public string Print(Expr e, int minimum)
    {
        var (text, precedence) = Format(e);
        return precedence < minimum ? "(" + text + ")" : text;
    }

    /// <summary>The printed type of an expression, for declarations.</summary>
    public static string TypeName(TypeRef type) => type.Name;

    private (string Text, int Precedence) Format(Expr e)
    {
        switch (e)
        {
            case Literal l:
                return (l.Code, l.Code.StartsWith("-", System.StringComparison.Ordinal) ? UnaryLevel : Primary);
            case VarRef v:
                return (Name(v.Var), Primary);
            case ThisRef:
                return ("this", Primary);
            case DefaultOf d:
                return ("default(" + d.Type.Name + ")", Primary);
            case Verbatim v:
                return (v.Code, Primary);
            case Unary u:
            {
                string op = u.Op switch { UnaryOp.Negate => "-", UnaryOp.Plus => "+", UnaryOp.Not => "!", _ => "~" };
                string operand = Print(u.Operand, UnaryLevel);
                if (operand.StartsWith("-", System.StringComparison.Ordinal) || operand.StartsWith("+", System.StringComparison.Ordinal))
                {
                    operand = "(" + operand + ")";
                }

                return (op + operand, UnaryLevel);
            }

            case Binary b:
            {
                var (op, precedence) = Operator(b.Op);
                return (Print(b.Left, precedence) + " " + op + " " + Print(b.Right, precedence + 1), precedence);
            }

            case Conditional c:
                return (Print(c.Condition, ConditionalOr) + " ? " + Print(c.WhenTrue, ConditionalLevel) + " : " + Print(c.WhenFalse, ConditionalLevel), ConditionalLevel);
            case Convert c:
            {
                string operand = Print(c.Operand, UnaryLevel);
                if (operand.StartsWith("-", System.StringComparison.Ordinal) || operand.StartsWith("+", System.StringComparison.Ordinal))
                {
                    operand = "(" + operand + ")";
                }

                string cast = "(" + c.Type.Name + ")" + operand;
                return (c.IsChecked ? "checked(" + cast + ")" : cast, c.IsChecked ? Primary : UnaryLevel);
            }

            case Intrinsic i:
                return (i.Owner + "." + IntrinsicName(i.Kind) + "(" + Join(i.Args) + ")", Primary);
            case ElementAt a:
                return (Print(a.Collection, Primary) + "[" + Print(a.Index) + "]", Primary);
            case LengthOf l:
                return (Print(l.Collection, Primary) + ".Length", Primary);
            case MemberRead m:
                return ((m.Receiver is null ? m.Owner : Print(m.Receiver, Primary)) + "." + Escape(m.Name), Primary);
            case Invoke { Operator: { } op } call:
                return OperatorCall(op, call);
            case Invoke call:
                return ((call.Receiver is null ? call.Owner : Print(call.Receiver, Primary)) + "." + call.Name + "(" + Arguments(call.Args) + ")", Primary);
            case ParameterValue pv:
                return (Print(pv.Parameter, Primary) + ".Value", Primary);
            case BackwardInvoke b:
                return (BackwardTarget(b.Call) + "(" + Arguments(b.Args) + ")", Primary);
            case DerivativeCall d:
                return (DerivativeTarget(d.Call) + "(" + Arguments(d.Call.Args) + (d.Outputs.Count > 0 ? ", " + Arguments(d.Outputs) : string.Empty) + ")", Primary);
            case NewArray n:
                return ("new " + ArrayPrefix(n.Element) + "[" + Print(n.Length) + "]" + ArraySuffix(n.Element), Primary);
            case StackAlloc s:
                return ("stackalloc " + s.Element.Name + "[" + Print(s.Length) + "]", Primary);
            case NewObject o:
                return ("new " + o.Type.Name + "(" + Arguments(o.Args) + ")", Primary);
            case Interpolated s:
                return (Interpolation(s), Primary);
            case TapePop p:
                return ("_tape." + PopName(p.Type), Primary);
            case TapeRent r:
                return ("_tape.Rent" + (r.Element.Kind == TypeKind.Float ? "Singles" : "Doubles") + (r.Uncleared ? "Uncleared" : string.Empty) + "(" + Print(r.Length) + ")", Primary);
            case TapePopSpan p:
                return ("_tape.Pop" + (p.Element.Kind == TypeKind.Float ? "Singles" : "Doubles") + "(" + Print(p.Length) + ")", Primary);
            default:
                return ("/* ? */ default", Primary);
        }
    }

    private static string ArrayPrefix(TypeRef element)
    {
        // new double[n][] for jagged element types: the length goes in the first brackets.
        string name = element.Name;
        int bracket = name.IndexOf('[');
        return bracket < 0 ? name : name.Substring(0, bracket);
    }

    private static string ArraySuffix(TypeRef element)
    {
        string name = element.Name;
        int bracket = name.IndexOf('[');
        return bracket < 0 ? string.Empty : name.Substring(bracket);
    }

    private string DerivativeTarget(Invoke call)
    {
        string owner = call.Callee.DerivativeOwner;
        string name = call.Callee.DerivativeName;
        if (call.Callee.Kind == CalleeKind.Unresolved && _registry.RuleFor(call.Callee.Key) is { } rule)
        {
            owner = rule.Owner;
            name = rule.Name;
        }

        return (call.Receiver is null ? owner : Print(call.Receiver, Primary)) + "." + name;
    }

    /// <summary>A user-defined operator, spelled as the operator (C# cannot call <c>op_Addition</c> by name).</summary>
    private (string Text, int Precedence) OperatorCall(string op, Invoke call)
    {
        var args = call.Args;
        if (op == "cast")
        {
            return ("(" + call.Type.Name + ")" + Print(args[0].Value, UnaryLevel), UnaryLevel);
        }

        if (args.Count == 1)
        {
            string operand = Print(args[0].Value, UnaryLevel);
            return (op + (operand.StartsWith(op, System.StringComparison.Ordinal) ? "(" + operand + ")" : operand), UnaryLevel);
        }

        int precedence = op is "+" or "-" ? Additive : Multiplicative;
        return (Print(args[0].Value, precedence) + " " + op + " " + Print(args[1].Value, precedence + 1), precedence);
    }

    private string BackwardTarget(Invoke call)
    {
        string owner = call.Callee.DerivativeOwner;
        string name = call.Callee.DerivativeName;
        if (call.Callee.Kind == CalleeKind.Unresolved && _registry.RuleFor(call.Callee.Key) is { } rule)
        {
            owner = rule.Owner;
            name = rule.Name;
        }

        return owner + "." + name;
    }

    private static string PopName(TypeRef type) => type.Kind switch
    {
        TypeKind.Double => "PopDouble()",
        TypeKind.Float => "PopSingle()",
        TypeKind.Int => "PopInt32()",
        TypeKind.Long => "PopInt64()",
        TypeKind.Bool => "PopBoolean()",
        _ => "PopObject<" + type.Name + ">()",
    };

    private string Join(EquatableArray<Expr> args)
    {
        var text = new StringBuilder();
        foreach (var a in args)
        {
            if (text.Length > 0)
            {
                text.Append(", ");
            }

            text.Append(Print(a));
        }

        return text.ToString();
    }

    private string Arguments(EquatableArray<Argument> args)
    {
        var text = new StringBuilder();
        foreach (var a in args)
        {
            if (text.Length > 0)
            {
                text.Append(", ");
            }

            text.Append(a.Kind switch { ArgKind.Out => "out ", ArgKind.Ref => "ref ", ArgKind.In => "in ", _ => string.Empty });
            text.Append(Print(a.Value));
        }

        return text.ToString();
    }

    private string Interpolation(Interpolated s)
    {
        var text = new StringBuilder("$\"");
        foreach (var part in s.Parts)
        {
            if (part.Text is not null)
            {
                string literal = SymbolDisplay.FormatLiteral(part.Text, quote: false);
                text.Append(literal.Replace("{", "{{").Replace("}", "}}"));
                continue;
            }

            text.Append('{').Append(Print(part.Value!, Primary));
            if (part.Alignment is not null)
            {
                text.Append(',').Append(part.Alignment);
            }

            if (part.Format is not null)
            {
                text.Append(':').Append(part.Format);
            }

            text.Append('}');
        }

        return text.Append('"').ToString();
    }

    public static string IntrinsicName(IntrinsicKind kind) => kind switch
    {
        IntrinsicKind.LogBase => "Log",
        _ => kind.ToString(),
    };

    private static (string Op, int Precedence) Operator(BinaryOp op) => op switch
    {
        BinaryOp.Add => ("+", Additive),
        BinaryOp.Subtract => ("-", Additive),
        BinaryOp.Multiply => ("*", Multiplicative),
        BinaryOp.Divide => ("/", Multiplicative),
        BinaryOp.Remainder => ("%", Multiplicative),
        BinaryOp.Equal => ("==", Equality),
        BinaryOp.NotEqual => ("!=", Equality),
        BinaryOp.Less => ("<", Relational),
        BinaryOp.LessOrEqual => ("<=", Relational),
        BinaryOp.Greater => (">", Relational),
        BinaryOp.GreaterOrEqual => (">=", Relational),
        BinaryOp.AndAlso => ("&&", ConditionalAnd),
        BinaryOp.OrElse => ("||", ConditionalOr),
        BinaryOp.And => ("&", BitAnd),
        BinaryOp.Or => ("|", BitOr),
        BinaryOp.ExclusiveOr => ("^", BitXor),
        BinaryOp.LeftShift => ("<<", Shift),
        BinaryOp.RightShift => (">>", Shift),
        _ => (">>>", Shift),
    };

    public static string Escape(string identifier) =>
        SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None ? "@" + identifier : identifier;
}
