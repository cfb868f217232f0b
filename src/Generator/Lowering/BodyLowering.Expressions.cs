using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.Diagnostics;
using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

using TypeKind = DiffGen.Generator.Model.TypeKind;

namespace DiffGen.Generator.Lowering;

internal sealed partial class BodyLowering
{
    /// <summary>Lowers an expression evaluated only for its side effects (an expression statement).</summary>
    private void LowerEffect(IOperation operation)
    {
        switch (operation)
        {
            case ISimpleAssignmentOperation assignment:
                LowerAssignment(assignment);
                break;
            case ICompoundAssignmentOperation compound:
                LowerCompound(compound);
                break;
            case IIncrementOrDecrementOperation increment:
                LowerIncrement(increment);
                break;
            case IInvocationOperation invocation:
            {
                var call = LowerInvocation(invocation, hoist: false);
                if (call is Invoke or Intrinsic)
                {
                    Emit(new ExprStmt(call));
                }

                break;
            }

            case IObjectCreationOperation creation:
                Emit(new ExprStmt(LowerExpression(creation)));
                break;
            case IDiscardOperation:
                break;
            default:
                var value = LowerExpression(operation);
                if (value is Invoke or NewObject)
                {
                    Emit(new ExprStmt(value));
                }

                break;
        }
    }

    private Expr LowerExpression(IOperation operation)
    {
        _cancellation.ThrowIfCancellationRequested();
        if (operation.ConstantValue.HasValue && operation is not IVariableDeclaratorOperation)
        {
            var literal = Literals.From(operation.ConstantValue.Value, operation.Type);
            if (literal is not null)
            {
                return literal;
            }
        }

        switch (operation)
        {
            case ILocalReferenceOperation local:
                if (local.Local.IsRef)
                {
                    // Reported once, where it is declared.
                    return _reportedRefLocals.Contains(local.Local)
                        ? new DefaultOf(TypeMapper.Map(local.Type!))
                        : UnsupportedExpr(operation, "A ref local");
                }

                return new VarRef(VariableFor(local.Local));

            case IParameterReferenceOperation parameter:
                return _variables.TryGetValue(parameter.Parameter, out var p)
                    ? new VarRef(p)
                    : UnsupportedExpr(operation, "A parameter of an enclosing lambda");

            case IInstanceReferenceOperation instance:
                return _inlining.Count > 0 && _inlining.Peek().Receiver is { } receiver ? receiver : new ThisRef(TypeMapper.Map(instance.Type!));

            case IFieldReferenceOperation field:
                return new MemberRead(
                    field.Field.IsStatic ? null : LowerExpression(field.Instance!),
                    TypeMapper.Name(field.Field.ContainingType),
                    field.Field.Name,
                    TypeMapper.Map(field.Type!));

            case IPropertyReferenceOperation property:
                return LowerProperty(property);

            case IArrayElementReferenceOperation element:
                if (element.Indices.Length != 1)
                {
                    return UnsupportedExpr(operation, "A multidimensional array", "; use a one-dimensional array with computed indices (i * columns + j)");
                }

                return new ElementAt(LowerExpression(element.ArrayReference), LowerExpression(element.Indices[0]), TypeMapper.Map(element.Type!));

            case IBinaryOperation binary:
                return LowerBinary(binary);

            case IUnaryOperation unary:
                return LowerUnary(unary);

            case IConversionOperation conversion:
                return LowerConversion(conversion);

            case IInvocationOperation invocation:
                return LowerInvocation(invocation, hoist: true);

            case IConditionalOperation conditional when conditional.WhenFalse is not null:
                return LowerConditional(conditional);

            case ISimpleAssignmentOperation assignment:
                return LowerAssignment(assignment);

            case ICompoundAssignmentOperation compound:
                return LowerCompound(compound);

            case IIncrementOrDecrementOperation increment:
                return LowerIncrement(increment);

            case IArrayCreationOperation array:
                return LowerArrayCreation(array);

            case IObjectCreationOperation creation:
            {
                if (creation.Initializer is not null)
                {
                    return UnsupportedExpr(operation, "An object initializer", "; set the members after creating the object");
                }

                var args = LowerArguments(creation.Arguments);
                var temp = NewTemp(TypeMapper.Map(creation.Type!));
                Emit(new Assign(new VarRef(temp), new NewObject(args, temp.Type)));
                return new VarRef(temp);
            }

            case IDefaultValueOperation defaultValue:
                return new DefaultOf(TypeMapper.Map(defaultValue.Type!));

            case ITypeOfOperation typeOf:
                return new Verbatim("typeof(" + TypeMapper.Name(typeOf.TypeOperand) + ")", TypeMapper.Map(typeOf.Type!));

            case IInterpolatedStringOperation interpolated:
                return LowerInterpolated(interpolated);

            case IIsPatternOperation isPattern:
                return PatternTest(Stable(LowerExpression(isPattern.Value), "_value"), isPattern.Pattern, null);

            case ISwitchExpressionOperation switchExpression:
                return LowerSwitchExpression(switchExpression);

            case IDeclarationExpressionOperation declaration when declaration.Expression is ILocalReferenceOperation declared:
                return new VarRef(VariableFor(declared.Local));

            case IParenthesizedOperation parenthesized:
                return LowerExpression(parenthesized.Operand);

            case IAnonymousFunctionOperation or IDelegateCreationOperation:
                return LowerLambda(operation);

            case IConditionalAccessOperation:
                return UnsupportedExpr(operation, "'?.'", "; test for null with 'if' first");

            case ICoalesceOperation:
                return UnsupportedExpr(operation, "'??'", "; test for null with 'if' first");

            case IThrowOperation:
                return UnsupportedExpr(operation, "A throw expression", "; throw from an 'if' statement");

            case IRangeOperation:
                return UnsupportedExpr(operation, "A range", "; pass the whole span with start and length as separate arguments");

            case ITupleOperation or IDeconstructionAssignmentOperation:
                return UnsupportedExpr(operation, "A tuple", "; use separate locals");

            default:
                if (operation.Syntax is StackAllocArrayCreationExpressionSyntax stackAlloc)
                {
                    return LowerStackAlloc(operation, stackAlloc);
                }

                if (operation.Syntax is PointerTypeSyntax || operation.Type is IPointerTypeSymbol)
                {
                    return UnsupportedExpr(operation, "Unsafe code", "; use spans instead of pointers");
                }

                return UnsupportedExpr(operation, "'" + FirstLine(operation.Syntax) + "'");
        }
    }

    private Expr UnsupportedExpr(IOperation operation, string what, string wayOut = "")
    {
        Unsupported(operation, what, wayOut);
        return new DefaultOf(operation.Type is null ? TypeRef.Void : TypeMapper.Map(operation.Type));
    }

    /// <summary>Makes <paramref name="value"/> safe to evaluate more than once: a variable or constant stays, anything else goes into a temp.</summary>
    private Expr Stable(Expr value, string hint)
    {
        if (value is VarRef or Literal or ThisRef)
        {
            return value;
        }

        var temp = NewTemp(value.Type, hint + (++_nextTemp).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Emit(new Assign(new VarRef(temp), value));
        return new VarRef(temp);
    }

    private static Expr ConvertTo(Expr value, TypeRef type)
    {
        if (value.Type == type || type.Kind is TypeKind.Other or TypeKind.Void || value.Type.Kind == TypeKind.Other)
        {
            return value;
        }

        if (value is Literal literal && Literals.Value(literal) is double number && type.IsReal)
        {
            return Literals.Real(type, number);
        }

        return new Convert(value, type, IsChecked: false);
    }

    private Expr LowerProperty(IPropertyReferenceOperation property)
    {
        var owner = property.Property.ContainingType;
        var instance = property.Instance is null ? null : LowerExpression(property.Instance);
        if (property.Property.IsIndexer)
        {
            if (instance is not null && instance.Type.IsCollection && property.Arguments.Length == 1)
            {
                return new ElementAt(instance, LowerExpression(property.Arguments[0].Value), TypeMapper.Map(property.Type!));
            }

            return UnsupportedExpr(property, "The indexer of '" + owner.ToDisplayString() + "'", "; use an array or a span");
        }

        if (property.Property.Name == "Length" && instance is not null && instance.Type.IsCollection)
        {
            return new LengthOf(instance);
        }

        if (property.Property.Name == "Value" && instance is not null && instance.Type.Kind == TypeKind.Parameter)
        {
            return ParameterValueOf(instance);
        }

        return new MemberRead(instance, TypeMapper.Name(owner), property.Property.Name, TypeMapper.Map(property.Type!));
    }

    private Expr LowerBinary(IBinaryOperation binary)
    {
        if (binary.IsLifted)
        {
            return UnsupportedExpr(binary, "An operator on nullable values", "; use non-nullable numbers");
        }

        if (binary.OperatorMethod is { } userOperator && binary.Type?.SpecialType != SpecialType.System_String)
        {
            // A user-defined operator (Tensor + Tensor, Tensor * double): a call, written back as the operator.
            string symbol = binary.OperatorKind switch
            {
                BinaryOperatorKind.Add => "+",
                BinaryOperatorKind.Subtract => "-",
                BinaryOperatorKind.Multiply => "*",
                BinaryOperatorKind.Divide => "/",
                BinaryOperatorKind.Remainder => "%",
                _ => string.Empty,
            };
            if (symbol.Length == 0)
            {
                return UnsupportedExpr(binary, "The operator in '" + FirstLine(binary.Syntax) + "'");
            }

            var leftOperand = LowerExpression(binary.LeftOperand);
            var rightOperand = LowerExpression(binary.RightOperand);
            return HoistCall(new Invoke(null, TypeMapper.Name(userOperator.ContainingType), userOperator.Name,
                EquatableArray.Create(new Argument(leftOperand, ArgKind.Value), new Argument(rightOperand, ArgKind.Value)),
                TypeMapper.Map(userOperator.ReturnType), Callees.Describe(userOperator), Site(binary), symbol));
        }

        var op = binary.OperatorKind switch
        {
            BinaryOperatorKind.Add => BinaryOp.Add,
            BinaryOperatorKind.Subtract => BinaryOp.Subtract,
            BinaryOperatorKind.Multiply => BinaryOp.Multiply,
            BinaryOperatorKind.Divide => BinaryOp.Divide,
            BinaryOperatorKind.Remainder => BinaryOp.Remainder,
            BinaryOperatorKind.Equals or BinaryOperatorKind.ObjectValueEquals => BinaryOp.Equal,
            BinaryOperatorKind.NotEquals or BinaryOperatorKind.ObjectValueNotEquals => BinaryOp.NotEqual,
            BinaryOperatorKind.LessThan => BinaryOp.Less,
            BinaryOperatorKind.LessThanOrEqual => BinaryOp.LessOrEqual,
            BinaryOperatorKind.GreaterThan => BinaryOp.Greater,
            BinaryOperatorKind.GreaterThanOrEqual => BinaryOp.GreaterOrEqual,
            BinaryOperatorKind.ConditionalAnd => BinaryOp.AndAlso,
            BinaryOperatorKind.ConditionalOr => BinaryOp.OrElse,
            BinaryOperatorKind.And => BinaryOp.And,
            BinaryOperatorKind.Or => BinaryOp.Or,
            BinaryOperatorKind.ExclusiveOr => BinaryOp.ExclusiveOr,
            BinaryOperatorKind.LeftShift => BinaryOp.LeftShift,
            BinaryOperatorKind.RightShift => BinaryOp.RightShift,
            BinaryOperatorKind.UnsignedRightShift => BinaryOp.UnsignedRightShift,
            _ => (BinaryOp?)null,
        };
        if (op is null)
        {
            return UnsupportedExpr(binary, "The operator in '" + FirstLine(binary.Syntax) + "'");
        }

        var type = TypeMapper.Map(binary.Type!);
        var left = LowerExpression(binary.LeftOperand);
        if (op is BinaryOp.AndAlso or BinaryOp.OrElse)
        {
            var hoisted = new List<Stmt>();
            var right = LowerInto(hoisted, binary.RightOperand);
            if (hoisted.Count == 0)
            {
                return new Binary(op.Value, left, right, type);
            }

            // The right operand has side effects: keep the short circuit with an explicit branch.
            var result = NewTemp(TypeRef.Bool);
            Emit(new Assign(new VarRef(result), left));
            hoisted.Add(new Assign(new VarRef(result), right));
            Expr guard = op == BinaryOp.AndAlso ? new VarRef(result) : new Unary(UnaryOp.Not, new VarRef(result), TypeRef.Bool);
            Emit(new If(guard, new Block(hoisted.ToEquatableArray()), Block.Empty));
            return new VarRef(result);
        }

        var rightValue = LowerExpression(binary.RightOperand);
        return new Binary(op.Value, left, rightValue, type);
    }

    private Expr LowerUnary(IUnaryOperation unary)
    {
        if (unary.OperatorMethod is { } userOperator)
        {
            string symbol = unary.OperatorKind switch { UnaryOperatorKind.Minus => "-", UnaryOperatorKind.Plus => "+", _ => string.Empty };
            if (symbol.Length == 0)
            {
                return UnsupportedExpr(unary, "The operator in '" + FirstLine(unary.Syntax) + "'");
            }

            var value = LowerExpression(unary.Operand);
            return HoistCall(new Invoke(null, TypeMapper.Name(userOperator.ContainingType), userOperator.Name,
                EquatableArray.Create(new Argument(value, ArgKind.Value)), TypeMapper.Map(userOperator.ReturnType), Callees.Describe(userOperator), Site(unary), symbol));
        }

        var operand = LowerExpression(unary.Operand);
        var type = TypeMapper.Map(unary.Type!);
        return unary.OperatorKind switch
        {
            UnaryOperatorKind.Minus => new Unary(UnaryOp.Negate, operand, type),
            UnaryOperatorKind.Plus => operand,
            UnaryOperatorKind.Not => new Unary(UnaryOp.Not, operand, type),
            UnaryOperatorKind.BitwiseNegation => new Unary(UnaryOp.BitwiseNot, operand, type),
            _ => UnsupportedExpr(unary, "The operator in '" + FirstLine(unary.Syntax) + "'"),
        };
    }

    private Expr LowerConversion(IConversionOperation conversion)
    {
        if (conversion.Operand.Syntax is StackAllocArrayCreationExpressionSyntax stackAlloc)
        {
            return LowerStackAlloc(conversion.Operand, stackAlloc);
        }

        var operand = LowerExpression(conversion.Operand);
        var type = TypeMapper.Map(conversion.Type!);
        if (conversion.Conversion.IsIdentity || operand.Type == type)
        {
            return operand;
        }

        if (operand.Type.Kind == TypeKind.Parameter && type.IsTensor)
        {
            return ParameterValueOf(operand);
        }

        if (conversion.OperatorMethod is { } userConversion)
        {
            return HoistCall(new Invoke(null, TypeMapper.Name(userConversion.ContainingType), userConversion.Name,
                EquatableArray.Create(new Argument(operand, ArgKind.Value)), type, Callees.Describe(userConversion), Site(conversion), "cast"));
        }

        if (conversion.Type is IPointerTypeSymbol || conversion.Operand.Type is IPointerTypeSymbol)
        {
            return UnsupportedExpr(conversion, "Unsafe code", "; use spans instead of pointers");
        }

        return new Convert(operand, type, conversion.IsChecked);
    }

    /// <summary>A <c>Parameter</c> used as a tensor (converted, or its <c>Value</c> read): a differentiable input whose gradient goes to its <c>Grad</c>.</summary>
    private VarRef ParameterValueOf(Expr parameter)
    {
        var value = NewTemp(TypeRef.Tensor, "_" + ParameterName(parameter));
        Emit(new Assign(new VarRef(value), new ParameterValue(parameter)));
        return new VarRef(value);
    }

    private static string ParameterName(Expr parameter) => parameter switch
    {
        MemberRead m => m.Receiver is null or ThisRef ? m.Name : ParameterName(m.Receiver) + "_" + m.Name,
        VarRef v => v.Var.Name.TrimStart('_'),
        ElementAt e => ParameterName(e.Collection),
        _ => "parameter",
    };

    /// <summary>Puts a call into a temp of its own (calls have side effects; expressions do not).</summary>
    private Expr HoistCall(Invoke call)
    {
        if (call.Type.Kind == TypeKind.Void)
        {
            Emit(new ExprStmt(call));
            return call;
        }

        var temp = NewTemp(call.Type);
        Emit(new Assign(new VarRef(temp), call));
        return new VarRef(temp);
    }

    private Expr LowerStackAlloc(IOperation operation, StackAllocArrayCreationExpressionSyntax syntax)
    {
        if (syntax.Initializer is not null || syntax.Type is not ArrayTypeSyntax arrayType
            || arrayType.RankSpecifiers.Count != 1 || arrayType.RankSpecifiers[0].Sizes.Count != 1)
        {
            return UnsupportedExpr(operation, "This 'stackalloc'", "; write 'stackalloc T[n]' and fill the elements");
        }

        var model = operation.SemanticModel!;
        var elementType = model.GetTypeInfo(arrayType.ElementType, _cancellation).Type;
        var sizeOperation = model.GetOperation(arrayType.RankSpecifiers[0].Sizes[0], _cancellation);
        if (elementType is null || sizeOperation is null)
        {
            return UnsupportedExpr(operation, "This 'stackalloc'");
        }

        return new StackAlloc(TypeMapper.Map(elementType), LowerExpression(sizeOperation));
    }

    private Expr LowerConditional(IConditionalOperation conditional)
    {
        var condition = LowerExpression(conditional.Condition);
        var whenTrueStatements = new List<Stmt>();
        var whenTrue = LowerInto(whenTrueStatements, conditional.WhenTrue);
        var whenFalseStatements = new List<Stmt>();
        var whenFalse = LowerInto(whenFalseStatements, conditional.WhenFalse!);
        var type = TypeMapper.Map(conditional.Type!);
        whenTrue = ConvertTo(whenTrue, type);
        whenFalse = ConvertTo(whenFalse, type);
        if (whenTrueStatements.Count == 0 && whenFalseStatements.Count == 0 && !type.CanBeActive)
        {
            return new Conditional(condition, whenTrue, whenFalse, type);
        }

        // A value that may carry a derivative, or arms with side effects: an explicit branch, so that the
        // branch taken is recorded like any other.
        var result = NewTemp(type);
        whenTrueStatements.Add(new Assign(new VarRef(result), whenTrue));
        whenFalseStatements.Add(new Assign(new VarRef(result), whenFalse));
        Emit(new If(condition, new Block(whenTrueStatements.ToEquatableArray()), new Block(whenFalseStatements.ToEquatableArray())));
        return new VarRef(result);
    }

    private Expr LowerAssignment(ISimpleAssignmentOperation assignment)
    {
        if (assignment.IsRef)
        {
            return UnsupportedExpr(assignment, "A ref assignment");
        }

        var target = LowerTarget(assignment.Target);
        if (target is null)
        {
            return new DefaultOf(TypeMapper.Map(assignment.Type!));
        }

        var value = ConvertTo(LowerExpression(assignment.Value), target.Type);
        Emit(new Assign(target, value, Site(assignment)));
        return target;
    }

    private Expr LowerCompound(ICompoundAssignmentOperation compound)
    {
        if (compound.OperatorMethod is not null && compound.Target.Type?.SpecialType != SpecialType.System_String)
        {
            return UnsupportedExpr(compound, "A user-defined compound operator");
        }

        var target = LowerTarget(compound.Target);
        if (target is null)
        {
            return new DefaultOf(TypeMapper.Map(compound.Type!));
        }

        target = StableTarget(target);
        var value = LowerExpression(compound.Value);
        var op = compound.OperatorKind switch
        {
            BinaryOperatorKind.Add => BinaryOp.Add,
            BinaryOperatorKind.Subtract => BinaryOp.Subtract,
            BinaryOperatorKind.Multiply => BinaryOp.Multiply,
            BinaryOperatorKind.Divide => BinaryOp.Divide,
            BinaryOperatorKind.Remainder => BinaryOp.Remainder,
            BinaryOperatorKind.And => BinaryOp.And,
            BinaryOperatorKind.Or => BinaryOp.Or,
            BinaryOperatorKind.ExclusiveOr => BinaryOp.ExclusiveOr,
            BinaryOperatorKind.LeftShift => BinaryOp.LeftShift,
            BinaryOperatorKind.RightShift => BinaryOp.RightShift,
            _ => (BinaryOp?)null,
        };
        if (op is null)
        {
            return UnsupportedExpr(compound, "The operator in '" + FirstLine(compound.Syntax) + "'");
        }

        var operationType = Promote(target.Type, value.Type);
        var combined = new Binary(op.Value, ConvertTo(target, operationType), ConvertTo(value, operationType), operationType);
        Emit(new Assign(target, ConvertTo(combined, target.Type), Site(compound)));
        return target;
    }

    private Expr LowerIncrement(IIncrementOrDecrementOperation increment)
    {
        var target = LowerTarget(increment.Target);
        if (target is null)
        {
            return new DefaultOf(TypeMapper.Map(increment.Type!));
        }

        target = StableTarget(target);
        Expr? old = null;
        if (increment.IsPostfix && increment.Parent is not IExpressionStatementOperation
            && increment.Parent is not IForLoopOperation)
        {
            var temp = NewTemp(target.Type);
            Emit(new Assign(new VarRef(temp), target));
            old = new VarRef(temp);
        }

        var one = target.Type.IsReal ? (Expr)Literals.Real(target.Type, 1) : Literals.Int(1);
        var op = increment.Kind == OperationKind.Increment ? BinaryOp.Add : BinaryOp.Subtract;
        Emit(new Assign(target, ConvertTo(new Binary(op, target, ConvertTo(one, Promote(target.Type, TypeRef.Int)), Promote(target.Type, TypeRef.Int)), target.Type), Site(increment)));
        return old ?? target;
    }

    /// <summary>The target of an assignment: a variable or an element. Reports anything else.</summary>
    private Expr? LowerTarget(IOperation target)
    {
        switch (target)
        {
            case ILocalReferenceOperation or IParameterReferenceOperation or IDeclarationExpressionOperation:
                return LowerExpression(target);
            case IArrayElementReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: true }:
                return LowerExpression(target);
            case IFieldReferenceOperation or IPropertyReferenceOperation:
                Unsupported(target.Parent is IAssignmentOperation ? target.Parent : target, "Assigning to a field or property", "; a [Differentiable] method reads fields as constants, so it must not write them: return the value, or assign it outside");
                return null;
            case IDiscardOperation:
                return new VarRef(NewTemp(TypeMapper.Map(target.Type!), "_discard" + (++_nextTemp).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            default:
                Unsupported(target, "Assigning to '" + FirstLine(target.Syntax) + "'");
                return null;
        }
    }

    /// <summary>For <c>a[i] op= e</c>: evaluate the index once.</summary>
    private Expr StableTarget(Expr target) =>
        target is ElementAt element && element.Index is not (VarRef or Literal)
            ? element with { Index = Stable(element.Index, "_index") }
            : target;

    private static TypeRef Promote(TypeRef a, TypeRef b)
    {
        static int Rank(TypeRef t) => t.Kind switch
        {
            TypeKind.Double => 4,
            TypeKind.Float => 3,
            TypeKind.Long => 2,
            TypeKind.Int => 1,
            _ => 0,
        };

        if (Rank(a) == 0)
        {
            return a;
        }

        return Rank(b) > Rank(a) ? b : a;
    }

    private Expr LowerArrayCreation(IArrayCreationOperation array)
    {
        var type = TypeMapper.Map(array.Type!);
        if (array.DimensionSizes.Length != 1 || type.Kind != TypeKind.Array)
        {
            return UnsupportedExpr(array, "A multidimensional array", "; use a one-dimensional array with computed indices (i * columns + j)");
        }

        var length = LowerExpression(array.DimensionSizes[0]);
        if (array.Initializer is null)
        {
            return new NewArray(type.Element!, length);
        }

        var temp = NewTemp(type, "_array" + (++_nextTemp).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Emit(new Assign(new VarRef(temp), new NewArray(type.Element!, length)));
        int index = 0;
        foreach (var element in array.Initializer.ElementValues)
        {
            var value = ConvertTo(LowerExpression(element), type.Element!);
            Emit(new Assign(new ElementAt(new VarRef(temp), Literals.Int(index++), type.Element!), value));
        }

        return new VarRef(temp);
    }

    private Expr LowerInterpolated(IInterpolatedStringOperation interpolated)
    {
        var parts = new List<InterpolationPart>();
        foreach (var part in interpolated.Parts)
        {
            switch (part)
            {
                case IInterpolatedStringTextOperation text:
                    parts.Add(new InterpolationPart(text.Text.ConstantValue.Value as string ?? string.Empty, null, null, null));
                    break;
                case IInterpolationOperation hole:
                    parts.Add(new InterpolationPart(
                        null,
                        LowerExpression(hole.Expression),
                        hole.Alignment?.ConstantValue.Value?.ToString(),
                        hole.FormatString?.ConstantValue.Value as string));
                    break;
                default:
                    return UnsupportedExpr(part, "This interpolated string");
            }
        }

        return new Interpolated(parts.ToEquatableArray());
    }

    private Expr LowerLambda(IOperation operation)
    {
        // A lambda that captures a value that may carry a derivative would hide it from the generator.
        foreach (var descendant in operation.Descendants())
        {
            ISymbol? captured = descendant switch
            {
                ILocalReferenceOperation l when _variables.ContainsKey(l.Local) => l.Local,
                IParameterReferenceOperation p when _variables.ContainsKey(p.Parameter) => p.Parameter,
                _ => null,
            };
            if (captured is not null && TypeMapper.Map(captured is ILocalSymbol ls ? ls.Type : ((IParameterSymbol)captured).Type).CanBeActive)
            {
                Report(Descriptors.CapturedDifferentiableValue, operation, operation is IAnonymousFunctionOperation ? "lambda" : "delegate", captured.Name);
                return new DefaultOf(TypeMapper.Map(operation.Type!));
            }
        }

        return UnsupportedExpr(operation, "A lambda or delegate", "; call a method instead");
    }

    private static Expr Equality(Expr value, Expr constant) => new Binary(BinaryOp.Equal, value, constant, TypeRef.Bool);

    private static Expr Relational(Expr value, BinaryOperatorKind relation, Expr constant)
    {
        var op = relation switch
        {
            BinaryOperatorKind.LessThan => BinaryOp.Less,
            BinaryOperatorKind.LessThanOrEqual => BinaryOp.LessOrEqual,
            BinaryOperatorKind.GreaterThan => BinaryOp.Greater,
            BinaryOperatorKind.GreaterThanOrEqual => BinaryOp.GreaterOrEqual,
            BinaryOperatorKind.NotEquals => BinaryOp.NotEqual,
            _ => BinaryOp.Equal,
        };
        return new Binary(op, value, constant, TypeRef.Bool);
    }

    /// <summary>The boolean test a pattern makes on <paramref name="value"/> (already stable).</summary>
    private Expr PatternTest(Expr value, IPatternOperation pattern, IOperation? guard)
    {
        Expr test = pattern switch
        {
            IConstantPatternOperation constant => Equality(value, ConvertTo(LowerExpression(constant.Value), value.Type)),
            IRelationalPatternOperation relational => Relational(value, relational.OperatorKind, ConvertTo(LowerExpression(relational.Value), value.Type)),
            IDiscardPatternOperation => Literals.Bool(true),
            INegatedPatternOperation negated => new Unary(UnaryOp.Not, PatternTest(value, negated.Pattern, null), TypeRef.Bool),
            IBinaryPatternOperation binary => new Binary(
                binary.OperatorKind == BinaryOperatorKind.Or ? BinaryOp.OrElse : BinaryOp.AndAlso,
                PatternTest(value, binary.LeftPattern, null),
                PatternTest(value, binary.RightPattern, null),
                TypeRef.Bool),
            IDeclarationPatternOperation { DeclaredSymbol: null, MatchesNull: true } => Literals.Bool(true),
            _ => UnsupportedExpr(pattern, "This pattern", "; use constant and relational patterns (case 1, < 0.5, and, or, not)"),
        };

        if (guard is not null)
        {
            var hoisted = new List<Stmt>();
            var guardValue = LowerInto(hoisted, guard);
            if (hoisted.Count > 0)
            {
                Unsupported(guard, "A call in a 'when' clause", "; compute it into a local before the switch");
            }

            test = new Binary(BinaryOp.AndAlso, test, guardValue, TypeRef.Bool);
        }

        return test;
    }

    /// <summary>A switch expression becomes an if/else chain that assigns a temp (a value that may carry a derivative).</summary>
    private Expr LowerSwitchExpression(ISwitchExpressionOperation switchExpression)
    {
        var value = Stable(LowerExpression(switchExpression.Value), "_switch");
        var type = TypeMapper.Map(switchExpression.Type!);
        var result = NewTemp(type);
        var arms = new List<(Expr Test, Block Body)>();
        foreach (var arm in switchExpression.Arms)
        {
            var test = PatternTest(value, arm.Pattern, arm.Guard);
            var statements = new List<Stmt>();
            var armValue = ConvertTo(LowerInto(statements, arm.Value), type);
            statements.Add(new Assign(new VarRef(result), armValue));
            arms.Add((test, new Block(statements.ToEquatableArray())));
        }

        var fallback = new Block(EquatableArray.Create<Stmt>(new Throw(new NewObject(
            EquatableArray.Create(new Argument(new Convert(value, new TypeRef(TypeKind.Other, "object"), false), ArgKind.Value)),
            new TypeRef(TypeKind.Other, "global::System.Runtime.CompilerServices.SwitchExpressionException")))));
        var chain = fallback;
        for (int i = arms.Count - 1; i >= 0; i--)
        {
            if (i == arms.Count - 1 && arms[i].Test is Literal { Code: "true" })
            {
                chain = arms[i].Body;
                continue;
            }

            chain = new Block(EquatableArray.Create<Stmt>(new If(arms[i].Test, arms[i].Body, chain)));
        }

        foreach (var statement in chain.Statements)
        {
            Emit(statement);
        }

        return new VarRef(result);
    }

    private EquatableArray<Argument> LowerArguments(IEnumerable<IArgumentOperation> arguments)
    {
        var lowered = new List<(int Ordinal, Argument Argument)>();
        foreach (var argument in arguments)
        {
            var kind = argument.Parameter?.RefKind switch
            {
                RefKind.Ref => ArgKind.Ref,
                RefKind.Out => ArgKind.Out,
                RefKind.In or RefKind.RefReadOnlyParameter => ArgKind.In,
                _ => ArgKind.Value,
            };
            if (kind is ArgKind.Ref or ArgKind.Out && argument.Value.Type is { } argType && TypeMapper.Map(argType).CanBeActive)
            {
                Report(Descriptors.RefAliasing, argument, "Passing it by '" + (kind == ArgKind.Ref ? "ref" : "out") + "'", FirstLine(argument.Value.Syntax));
            }

            if (argument.ArgumentKind is ArgumentKind.ParamArray or ArgumentKind.ParamCollection && argument.IsImplicit
                && ExpandedParams(argument.Value) is { } elements)
            {
                // The expanded form f(a, b, c): print the elements as the user wrote them.
                foreach (var element in elements)
                {
                    lowered.Add((argument.Parameter?.Ordinal ?? lowered.Count, new Argument(LowerExpression(element), ArgKind.Value)));
                }

                continue;
            }

            var value = kind is ArgKind.Ref or ArgKind.Out ? LowerTarget(argument.Value) ?? new DefaultOf(TypeRef.Void) : LowerExpression(argument.Value);
            if (kind == ArgKind.Value && argument.Parameter is not null)
            {
                value = ConvertTo(value, TypeMapper.Map(argument.Parameter.Type));
            }

            lowered.Add((argument.Parameter?.Ordinal ?? lowered.Count, new Argument(value, kind)));
        }

        return lowered.OrderBy(a => a.Ordinal).Select(a => a.Argument).ToEquatableArray();
    }

    /// <summary>The elements of a <c>params</c> argument in expanded form, or null when it is passed as one value.</summary>
    private static IEnumerable<IOperation>? ExpandedParams(IOperation value) => value switch
    {
        IArrayCreationOperation { Initializer: { } initializer } => initializer.ElementValues,
        ICollectionExpressionOperation collection => collection.Elements,
        IConversionOperation { IsImplicit: true } conversion => ExpandedParams(conversion.Operand),
        _ => null,
    };

    private Expr LowerInvocation(IInvocationOperation invocation, bool hoist)
    {
        var method = invocation.TargetMethod;
        if (method.MethodKind == MethodKind.LocalFunction)
        {
            return UnsupportedExpr(invocation, "Calling a local function", "; make it a method of the type (mark it [Differentiable] if a gradient must pass through it)");
        }

        var intrinsic = Intrinsics.Recognize(method);
        if (intrinsic is { } known)
        {
            var args = new List<Expr>();
            foreach (var argument in invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0))
            {
                args.Add(LowerExpression(argument.Value));
            }

            var type = TypeMapper.Map(invocation.Type!);
            if (known.Kind == IntrinsicKind.WithoutDerivative && !type.CanBeActive)
            {
                return args[0];
            }

            return new Intrinsic(known.Kind, known.Owner, args.ToEquatableArray(), type);
        }

        var callee = Callees.Describe(method);
        if (callee.Kind == CalleeKind.Inline)
        {
            return Inline(invocation);
        }

        var receiver = method.IsStatic || invocation.Instance is null ? null : LowerExpression(invocation.Instance);
        var arguments = LowerArguments(invocation.Arguments);
        string name = method.Name;
        if (method.IsGenericMethod)
        {
            name += "<" + string.Join(", ", method.TypeArguments.Select(TypeMapper.Name)) + ">";
        }

        if (method.ReducedFrom is not null)
        {
            // An extension method called as an instance method: call it as the static method it is.
            return UnsupportedExpr(invocation, "This extension-method call");
        }

        NoteFusedForms(method);
        var call = new Invoke(receiver, TypeMapper.Name(method.ContainingType), name, arguments, TypeMapper.Map(method.ReturnType), callee, Site(invocation));
        if (!hoist || call.Type.Kind == TypeKind.Void)
        {
            if (hoist)
            {
                Emit(new ExprStmt(call));
            }

            return call;
        }

        var temp = NewTemp(call.Type);
        Emit(new Assign(new VarRef(temp), call));
        return new VarRef(temp);
    }
}
