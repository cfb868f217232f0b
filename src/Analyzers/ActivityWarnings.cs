using System.Collections.Generic;
using System.Threading;
using DiffGen.Generator.Analysis;
using DiffGen.Generator.Diagnostics;
using DiffGen.Generator.Lowering;
using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace DiffGen.Analyzers;

/// <summary>
/// The warnings that follow from the generator's activity analysis of a body it can differentiate: a parameter whose
/// gradient is always zero (DG0109), a result that depends on no differentiable input (DG0110), and an operation whose
/// derivative is zero almost everywhere applied to a value that carries a derivative (DG0111).
/// </summary>
internal static class ActivityWarnings
{
    public static IEnumerable<Diagnostic> Find(IMethodSymbol method, MethodDeclarationSyntax syntax, LoweredBody body, SemanticModel semanticModel, CancellationToken cancellation)
    {
        var activity = body.Activity!;
        var model = body.Model;
        bool anyDifferentiable = false;
        for (int i = 0; i < model.Parameters.Count; i++)
        {
            anyDifferentiable |= model.Parameters[i].IsDifferentiable;
        }

        bool readsModelParameters = false;
        IrWalker.Statements(model.Body, (statement, _) => readsModelParameters |= statement is Assign { Value: ParameterValue });
        if ((anyDifferentiable || readsModelParameters) && !activity.IsVaried(model.Result))
        {
            yield return Diagnostic.Create(Descriptors.ResultIndependentOfParameters, syntax.Identifier.GetLocation(), method.Name);
        }
        else
        {
            for (int i = 0; i < model.Parameters.Count && i < syntax.ParameterList.Parameters.Count; i++)
            {
                if (model.Parameters[i].IsDifferentiable && !activity.IsActive(model.ParameterVars[i]))
                {
                    yield return Diagnostic.Create(Descriptors.ParameterNeverReachesResult, syntax.ParameterList.Parameters[i].Identifier.GetLocation(), model.Parameters[i].Name, method.Name);
                }
            }
        }

        if (semanticModel.GetOperation(syntax, cancellation) is not { } root)
        {
            yield break;
        }

        var found = new List<Diagnostic>();
        Visit(root);
        foreach (var diagnostic in found)
        {
            yield return diagnostic;
        }

        void Visit(IOperation operation)
        {
            cancellation.ThrowIfCancellationRequested();
            if (ZeroDerivativeOperation(operation) is { } what)
            {
                if (UsedAsReal(operation) && CarriesDerivative(Operand(operation), body.Lowering, activity))
                {
                    found.Add(Diagnostic.Create(Descriptors.ZeroDerivative, operation.Syntax.GetLocation(), what));
                }

                return;
            }

            if (IsWithoutDerivative(operation))
            {
                return;
            }

            if (operation is IExpressionStatementOperation { Operation: IInvocationOperation call } && LosesGradient(call.TargetMethod))
            {
                foreach (var argument in call.Arguments)
                {
                    if (argument.Parameter?.RefKind is RefKind.None or RefKind.In
                        && argument.Value.Type is { } type && TypeMapper.Map(type) is { IsReal: true } or { IsTensor: true }
                        && CarriesDerivative(argument.Value, body.Lowering, activity))
                    {
                        found.Add(Diagnostic.Create(Descriptors.GradientLostInCall, argument.Value.Syntax.GetLocation(),
                            argument.Value.Syntax.ToString(), call.TargetMethod.ToDisplayString(TypeMapper.Display)));
                    }
                }
            }

            foreach (var child in operation.ChildOperations)
            {
                Visit(child);
            }
        }
    }

    /// <summary>
    /// Whether a call to <paramref name="method"/> whose result is not used drops the derivatives of what it is given:
    /// it has no derivative (a <c>[Differentiable]</c> method or one with a rule only computes a value).
    /// </summary>
    private static bool LosesGradient(IMethodSymbol method) =>
        Intrinsics.Recognize(method) is null && Callees.Describe(method).Kind is CalleeKind.None or CalleeKind.Unresolved;

    /// <summary>How to name <paramref name="operation"/> in the message when its derivative is zero almost everywhere, or null.</summary>
    private static string? ZeroDerivativeOperation(IOperation operation)
    {
        switch (operation)
        {
            case IInvocationOperation invocation when Intrinsics.Recognize(invocation.TargetMethod) is { } intrinsic
                && intrinsic.Kind != IntrinsicKind.WithoutDerivative && Intrinsics.HasZeroDerivative(intrinsic.Kind):
                return "'" + invocation.TargetMethod.ContainingType.Name + "." + invocation.TargetMethod.Name + "'";
            case IConversionOperation { IsImplicit: false } conversion when IsReal(conversion.Operand.Type) && IsInteger(conversion.Type):
                return "The cast to '" + conversion.Type!.ToDisplayString() + "'";
            case IConditionalOperation { WhenFalse: { } whenFalse } conditional when conditional.Type is { } type
                && (IsReal(type) || IsInteger(type)) && conditional.WhenTrue.ConstantValue.HasValue && whenFalse.ConstantValue.HasValue
                && IsComparison(conditional.Condition):
                return "The comparison '" + conditional.Condition.Syntax + "' used as a number";
            default:
                return null;
        }
    }

    /// <summary>The value whose derivative <paramref name="operation"/> (one that <see cref="ZeroDerivativeOperation"/> names) drops.</summary>
    private static IOperation Operand(IOperation operation) => operation switch
    {
        IInvocationOperation invocation => invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : invocation,
        IConversionOperation conversion => conversion.Operand,
        IConditionalOperation conditional => conditional.Condition,
        _ => operation,
    };

    /// <summary>
    /// Whether the value of <paramref name="operation"/> goes on as a real number: it is one, or integer arithmetic
    /// carries it to a conversion to <c>double</c> or <c>float</c>. An integer used as an index, a count or a loop
    /// bound is not a derivative lost.
    /// </summary>
    private static bool UsedAsReal(IOperation operation)
    {
        if (IsReal(operation.Type))
        {
            return true;
        }

        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            switch (parent)
            {
                case IConversionOperation conversion when IsReal(conversion.Type):
                    return true;
                case IParenthesizedOperation or IConversionOperation:
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus or UnaryOperatorKind.Plus }:
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract or BinaryOperatorKind.Multiply
                    or BinaryOperatorKind.Divide or BinaryOperatorKind.Remainder }:
                    continue;
                default:
                    return false;
            }
        }

        return false;
    }

    private static bool IsComparison(IOperation condition) => condition switch
    {
        IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.GreaterThan
            or BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary
            => IsReal(binary.LeftOperand.Type) || IsReal(binary.RightOperand.Type),
        IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } logical
            => IsComparison(logical.LeftOperand) || IsComparison(logical.RightOperand),
        IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not => IsComparison(not.Operand),
        _ => false,
    };

    /// <summary>
    /// Whether a derivative reaches <paramref name="operation"/>'s value from a differentiable input: it reads a
    /// variable that activity analysis calls varied, other than as an index, a member's receiver, or under an
    /// operation that already drops the derivative.
    /// </summary>
    private static bool CarriesDerivative(IOperation operation, BodyLowering lowering, Activity activity)
    {
        switch (operation)
        {
            case ILocalReferenceOperation local:
                return lowering.VariableOf(local.Local) is { } v && activity.IsVaried(v);
            case IParameterReferenceOperation parameter:
                return lowering.VariableOf(parameter.Parameter) is { } p && activity.IsVaried(p);
            case IArrayElementReferenceOperation element:
                return CarriesDerivative(element.ArrayReference, lowering, activity);
            case IPropertyReferenceOperation or IFieldReferenceOperation:
                return false;
            case IInvocationOperation when IsWithoutDerivative(operation) || ZeroDerivativeOperation(operation) is not null:
                return false;
            case IConversionOperation or IConditionalOperation when ZeroDerivativeOperation(operation) is not null:
                return false;
            case IConditionalOperation conditional:
                return CarriesDerivative(conditional.WhenTrue, lowering, activity)
                    || (conditional.WhenFalse is { } whenFalse && CarriesDerivative(whenFalse, lowering, activity));
        }

        foreach (var child in operation.ChildOperations)
        {
            if (CarriesDerivative(child, lowering, activity))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsWithoutDerivative(IOperation operation) =>
        operation is IInvocationOperation invocation && Intrinsics.Recognize(invocation.TargetMethod) is { Kind: IntrinsicKind.WithoutDerivative };

    private static bool IsReal(ITypeSymbol? type) => type?.SpecialType is SpecialType.System_Double or SpecialType.System_Single;

    private static bool IsInteger(ITypeSymbol? type) => type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64
        or SpecialType.System_Int16 or SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_UInt16
        or SpecialType.System_UInt32 or SpecialType.System_UInt64;
}
