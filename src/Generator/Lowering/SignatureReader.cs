using System.Collections.Generic;
using System.Linq;
using System.Text;
using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;

using TypeKind = DiffGen.Generator.Model.TypeKind;

namespace DiffGen.Generator.Lowering;

/// <summary>
/// The contract between a differentiable method and its derivative: which parameters get gradient outputs and of
/// what kind. Used for <c>[Differentiable]</c> methods, for their callees, and to check <c>[DerivativeOf]</c> rules,
/// so all three always agree.
/// </summary>
internal static class SignatureReader
{
    public const string DifferentiableAttribute = "DiffGen.DifferentiableAttribute";
    public const string NoDiffAttribute = "DiffGen.NoDiffAttribute";
    public const string DerivativeOfAttribute = "DiffGen.DerivativeOfAttribute";
    public const string GradientSuffix = "WithGradient";

    public static bool HasAttribute(ISymbol symbol, string metadataName)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == metadataName)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The parameters of <paramref name="method"/> with the gradient output each gets.</summary>
    public static EquatableArray<ParamInfo> Parameters(IMethodSymbol method)
    {
        var names = new HashSet<string>(method.Parameters.Select(p => p.Name));
        var result = new List<ParamInfo>();
        foreach (var p in method.Parameters)
        {
            var type = TypeMapper.Map(p.Type);
            var refKind = p.RefKind switch
            {
                RefKind.Ref => ArgKind.Ref,
                RefKind.Out => ArgKind.Out,
                RefKind.In or RefKind.RefReadOnlyParameter => ArgKind.In,
                _ => ArgKind.Value,
            };
            var gradient = GradientKind.None;
            if (!HasAttribute(p, NoDiffAttribute) && refKind is ArgKind.Value or ArgKind.In)
            {
                gradient = type.IsReal ? GradientKind.Scalar
                    : type.IsRealCollection ? GradientKind.Buffer
                    : type.IsTensor ? GradientKind.Tensor
                    : GradientKind.None;
            }

            string gradientName = string.Empty;
            if (gradient != GradientKind.None)
            {
                gradientName = "d" + p.Name;
                while (names.Contains(gradientName))
                {
                    gradientName += "_";
                }

                names.Add(gradientName);
            }

            result.Add(new ParamInfo(p.Name, type, refKind, gradient, gradientName));
        }

        return result.ToEquatableArray();
    }

    /// <summary>The C# text of the parameter list of a derivative whose target has <paramref name="parameters"/>.</summary>
    public static string DerivativeParameterList(IReadOnlyList<ParamInfo> parameters)
    {
        var text = new StringBuilder();
        foreach (var p in parameters)
        {
            Separate(text);
            text.Append(p.RefKind switch { ArgKind.In => "in ", ArgKind.Ref => "ref ", ArgKind.Out => "out ", _ => string.Empty });
            text.Append(p.Type.Name).Append(' ').Append(p.Name);
        }

        foreach (var p in parameters)
        {
            if (p.Gradient == GradientKind.Scalar)
            {
                Separate(text);
                text.Append("out ").Append(p.Type.Name).Append(' ').Append(p.GradientName);
            }
            else if (p.Gradient == GradientKind.Buffer)
            {
                Separate(text);
                text.Append(TypeRef.SpanOf(p.Type.Element!).Name).Append(' ').Append(p.GradientName);
            }
            else if (p.Gradient == GradientKind.Tensor)
            {
                Separate(text);
                text.Append(TypeRef.Tensor.Name).Append(' ').Append(p.GradientName);
            }
        }

        return text.ToString();

        void Separate(StringBuilder t)
        {
            if (t.Length > 0)
            {
                t.Append(", ");
            }
        }
    }

    /// <summary>The whole signature a derivative of <paramref name="method"/> must have, for messages.</summary>
    public static string DerivativeSignature(IMethodSymbol method, EquatableArray<ParamInfo> parameters) =>
        (method.IsStatic ? "static " : string.Empty) + TypeMapper.Map(method.ReturnType).Name + " "
        + method.Name + GradientSuffix + "(" + DerivativeParameterList(parameters.ToList()) + ")";

    /// <summary>Whether <paramref name="candidate"/> has exactly the derivative signature of <paramref name="target"/>.</summary>
    public static bool IsDerivativeOf(IMethodSymbol candidate, IMethodSymbol target, EquatableArray<ParamInfo> parameters)
    {
        if (candidate.IsStatic != target.IsStatic || candidate.IsGenericMethod
            || !SymbolEqualityComparer.Default.Equals(candidate.ReturnType, target.ReturnType))
        {
            return false;
        }

        int outputs = parameters.Count(p => p.IsDifferentiable);
        if (candidate.Parameters.Length != target.Parameters.Length + outputs)
        {
            return false;
        }

        for (int i = 0; i < target.Parameters.Length; i++)
        {
            var c = candidate.Parameters[i];
            var t = target.Parameters[i];
            if (!SymbolEqualityComparer.Default.Equals(c.Type, t.Type) || NormalizeRefKind(c.RefKind) != NormalizeRefKind(t.RefKind))
            {
                return false;
            }
        }

        int index = target.Parameters.Length;
        foreach (var p in parameters)
        {
            if (!p.IsDifferentiable)
            {
                continue;
            }

            var c = candidate.Parameters[index++];
            var cType = TypeMapper.Map(c.Type);
            bool ok = p.Gradient switch
            {
                GradientKind.Scalar => c.RefKind == RefKind.Out && cType == p.Type,
                GradientKind.Tensor => c.RefKind == RefKind.None && cType.IsTensor,
                _ => c.RefKind == RefKind.None && cType == TypeRef.SpanOf(p.Type.Element!),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static RefKind NormalizeRefKind(RefKind kind) => kind == RefKind.RefReadOnlyParameter ? RefKind.In : kind;

    /// <summary>Whether derivatives of <paramref name="method"/> take the backward form: it returns or takes a tensor.</summary>
    public static bool UsesBackwardForm(IMethodSymbol method) =>
        TypeMapper.Map(method.ReturnType).IsTensor || method.Parameters.Any(p => TypeMapper.Map(p.Type).IsTensor)
        || (!method.IsStatic && TypeMapper.Map(method.ContainingType).IsTensor);

    /// <summary>
    /// The parameters a backward rule of <paramref name="target"/> passes through: the receiver first for an instance
    /// method, then the target's own.
    /// </summary>
    public static EquatableArray<ParamInfo> BackwardParameters(IMethodSymbol target)
    {
        var parameters = Parameters(target).ToList();
        if (!target.IsStatic)
        {
            var self = TypeMapper.Map(target.ContainingType);
            parameters.Insert(0, new ParamInfo("self", self, ArgKind.Value, self.IsTensor ? GradientKind.Tensor : GradientKind.None, "dself"));
        }

        return parameters.ToEquatableArray();
    }

    /// <summary>The signature a backward rule of <paramref name="target"/> must have, for messages.</summary>
    public static string BackwardSignature(IMethodSymbol target, string ruleName)
    {
        var result = TypeMapper.Map(target.ReturnType).Name;
        var text = new StringBuilder("static void ").Append(ruleName).Append('(').Append(result).Append(" gradient, ").Append(result).Append(" result");
        var parameters = BackwardParameters(target);
        foreach (var p in parameters)
        {
            text.Append(", ").Append(p.Type.Name).Append(' ').Append(p.Name);
        }

        foreach (var p in parameters)
        {
            switch (p.Gradient)
            {
                case GradientKind.Tensor:
                    text.Append(", ").Append(TypeRef.Tensor.Name).Append("? ").Append(p.GradientName);
                    break;
                case GradientKind.Scalar:
                    text.Append(", ref ").Append(p.Type.Name).Append(' ').Append(p.GradientName);
                    break;
                case GradientKind.Buffer:
                    text.Append(", ").Append(TypeRef.SpanOf(p.Type.Element!).Name).Append(' ').Append(p.GradientName);
                    break;
            }
        }

        return text.Append(')').ToString();
    }

    /// <summary>Whether <paramref name="candidate"/> is a backward rule of <paramref name="target"/> (see docs/tensors.md).</summary>
    public static bool IsBackwardRuleOf(IMethodSymbol candidate, IMethodSymbol target)
    {
        if (!candidate.IsStatic || !candidate.ReturnsVoid || candidate.IsGenericMethod)
        {
            return false;
        }

        var resultType = TypeMapper.Map(target.ReturnType);
        var parameters = BackwardParameters(target);
        int outputs = parameters.Count(p => p.IsDifferentiable);
        if (candidate.Parameters.Length != 2 + parameters.Count + outputs)
        {
            return false;
        }

        if (TypeMapper.Map(candidate.Parameters[0].Type) != resultType || TypeMapper.Map(candidate.Parameters[1].Type) != resultType)
        {
            return false;
        }

        for (int i = 0; i < parameters.Count; i++)
        {
            if (TypeMapper.Map(candidate.Parameters[2 + i].Type) != parameters[i].Type)
            {
                return false;
            }
        }

        int index = 2 + parameters.Count;
        foreach (var p in parameters)
        {
            if (!p.IsDifferentiable)
            {
                continue;
            }

            var c = candidate.Parameters[index++];
            var cType = TypeMapper.Map(c.Type);
            bool ok = p.Gradient switch
            {
                GradientKind.Tensor => c.RefKind == RefKind.None && cType.IsTensor,
                GradientKind.Scalar => c.RefKind == RefKind.Ref && cType == p.Type,
                _ => c.RefKind == RefKind.None && cType == TypeRef.SpanOf(p.Type.Element!),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
