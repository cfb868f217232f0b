using System;
using System.Globalization;
using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

using TypeKind = DiffGen.Generator.Model.TypeKind;

namespace DiffGen.Generator.Lowering;

/// <summary>Spells constants as invariant-culture C# literals of the right type.</summary>
internal static class Literals
{
    public static Literal Double(double value) => new(TypeRef.Double, Spell(value));

    public static Literal Float(float value) => new(TypeRef.Float, Spell(value));

    public static Literal Int(int value) => new(TypeRef.Int, value.ToString(CultureInfo.InvariantCulture));

    public static Literal Bool(bool value) => new(TypeRef.Bool, value ? "true" : "false");

    /// <summary>The real number <paramref name="value"/> as a literal of <paramref name="type"/> (double or float).</summary>
    public static Literal Real(TypeRef type, double value) =>
        type.Kind == TypeKind.Float ? Float((float)value) : Double(value);

    public static string Spell(double value)
    {
        if (double.IsNaN(value))
        {
            return "double.NaN";
        }

        if (double.IsPositiveInfinity(value))
        {
            return "double.PositiveInfinity";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "double.NegativeInfinity";
        }

        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOfAny(['.', 'E', 'e']) >= 0 ? text : text + ".0";
    }

    public static string Spell(float value)
    {
        if (float.IsNaN(value))
        {
            return "float.NaN";
        }

        if (float.IsPositiveInfinity(value))
        {
            return "float.PositiveInfinity";
        }

        if (float.IsNegativeInfinity(value))
        {
            return "float.NegativeInfinity";
        }

        return value.ToString("R", CultureInfo.InvariantCulture) + "F";
    }

    /// <summary>The constant <paramref name="value"/> of <paramref name="type"/>, or null if it cannot be spelled.</summary>
    public static Literal? From(object? value, ITypeSymbol? type)
    {
        if (type is null)
        {
            return value is null ? new Literal(new TypeRef(TypeKind.Other, "object"), "null") : null;
        }

        var typeRef = TypeMapper.Map(type);
        if (type.TypeKind == Microsoft.CodeAnalysis.TypeKind.Enum && value is not null)
        {
            return new Literal(typeRef, "((" + typeRef.Name + ")" + System.Convert.ToString(value, CultureInfo.InvariantCulture) + ")");
        }

        switch (value)
        {
            case null:
                return new Literal(typeRef, type.IsValueType ? "default(" + typeRef.Name + ")" : "null");
            case double d:
                return new Literal(typeRef, Spell(d));
            case float f:
                return new Literal(typeRef, Spell(f));
            case int i:
                return new Literal(typeRef, i.ToString(CultureInfo.InvariantCulture));
            case long l:
                return new Literal(typeRef, l.ToString(CultureInfo.InvariantCulture) + "L");
            case bool b:
                return new Literal(typeRef, b ? "true" : "false");
            case string s:
                return new Literal(typeRef, SymbolDisplay.FormatLiteral(s, quote: true));
            case char c:
                return new Literal(typeRef, SymbolDisplay.FormatLiteral(c, quote: true));
            case decimal m:
                return new Literal(typeRef, m.ToString(CultureInfo.InvariantCulture) + "M");
            case uint u:
                return new Literal(typeRef, u.ToString(CultureInfo.InvariantCulture) + "U");
            case ulong ul:
                return new Literal(typeRef, ul.ToString(CultureInfo.InvariantCulture) + "UL");
            case byte or sbyte or short or ushort:
                return new Literal(typeRef, "((" + typeRef.Name + ")" + System.Convert.ToString(value, CultureInfo.InvariantCulture) + ")");
            default:
                return null;
        }
    }

    /// <summary>The numeric value of a real or integer literal, if it is one.</summary>
    public static double? Value(Expr expr)
    {
        if (expr is not Literal literal)
        {
            return null;
        }

        string code = literal.Code;
        if (code.EndsWith("F", StringComparison.Ordinal) || code.EndsWith("L", StringComparison.Ordinal))
        {
            code = code.Substring(0, code.Length - 1);
        }

        return literal.Type.Kind is TypeKind.Double or TypeKind.Float or TypeKind.Int or TypeKind.Long
            && double.TryParse(code, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? v
            : null;
    }
}
