using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.Diagnostics;
using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

using TypeKind = DiffGen.Generator.Model.TypeKind;

namespace DiffGen.Generator.Lowering;

internal sealed partial class BodyLowering
{
    private void LowerStatement(IOperation operation)
    {
        _cancellation.ThrowIfCancellationRequested();
        switch (operation)
        {
            case IBlockOperation block:
                foreach (var statement in block.Operations)
                {
                    LowerStatement(statement);
                }

                break;

            case IVariableDeclarationGroupOperation group:
                foreach (var declaration in group.Declarations)
                {
                    foreach (var declarator in declaration.Declarators)
                    {
                        LowerDeclarator(declarator);
                    }
                }

                break;

            case IExpressionStatementOperation expressionStatement:
                LowerEffect(expressionStatement.Operation);
                break;

            case IReturnOperation ret when LowerInlinedReturn(ret):
                break;

            case IReturnOperation ret:
                if (ret.ReturnedValue is not null)
                {
                    var value = LowerExpression(ret.ReturnedValue);
                    Emit(new Assign(new VarRef(Result), ConvertTo(value, Result.Type)));
                }

                Emit(new Return());
                break;

            case IConditionalOperation conditional:
            {
                var condition = LowerExpression(conditional.Condition);
                var then = LowerBlock(conditional.WhenTrue);
                var otherwise = LowerBlock(conditional.WhenFalse);
                Emit(new If(condition, then, otherwise));
                break;
            }

            case IForLoopOperation forLoop:
                LowerFor(forLoop);
                break;

            case IWhileLoopOperation whileLoop:
                LowerWhile(whileLoop);
                break;

            case IForEachLoopOperation forEach:
                LowerForEach(forEach);
                break;

            case IBranchOperation branch:
                LowerBranch(branch);
                break;

            case ISwitchOperation switchStatement:
                LowerSwitch(switchStatement);
                break;

            case IThrowOperation thrown:
                Emit(new Throw(thrown.Exception is null ? new Verbatim(string.Empty, TypeRef.Void) : LowerExpression(thrown.Exception)));
                break;

            case IEmptyOperation:
                break;

            case ILocalFunctionOperation:
                Unsupported(operation, "A local function", "; make it a method of the type (mark it [Differentiable] if a gradient must pass through it)");
                break;

            case ITryOperation:
                Unsupported(operation, "'try'/'catch'/'finally'", "; validate inputs before the computation instead, or move the guarded code out of the [Differentiable] method");
                break;

            case IUsingOperation or IUsingDeclarationOperation:
                Unsupported(operation, "'using'", "; acquire and release resources outside the [Differentiable] method");
                break;

            case ILockOperation:
                Unsupported(operation, "'lock'", "; take the lock around the call instead");
                break;

            case ILabeledOperation labeled:
                // The label itself is harmless; the 'goto' that targets it is what gets reported.
                if (labeled.Operation is not null)
                {
                    LowerStatement(labeled.Operation);
                }

                break;

            default:
                if (operation.Kind == OperationKind.None && operation.Syntax is FixedStatementSyntax or UnsafeStatementSyntax)
                {
                    Unsupported(operation, "Unsafe code", "; use spans instead of pointers");
                }
                else if (operation.Syntax is FixedStatementSyntax || operation.Syntax is UnsafeStatementSyntax || operation.Kind == OperationKind.None)
                {
                    Unsupported(operation, "'" + FirstLine(operation.Syntax) + "'");
                }
                else
                {
                    Unsupported(operation, "The statement '" + FirstLine(operation.Syntax) + "'");
                }

                break;
        }
    }

    private void LowerDeclarator(IVariableDeclaratorOperation declarator)
    {
        var local = declarator.Symbol;
        if (local.IsRef)
        {
            var aliased = declarator.Initializer?.Value.Syntax.ToString() ?? local.Name;
            Report(Descriptors.RefAliasing, declarator, "The ref local '" + local.Name + "'", aliased.StartsWith("ref ", System.StringComparison.Ordinal) ? aliased.Substring(4) : aliased);
            _reportedRefLocals.Add(local);
            return;
        }

        var v = VariableFor(local);
        var initializer = declarator.Initializer?.Value ?? declarator.GetVariableInitializer()?.Value;
        if (initializer is null)
        {
            return;
        }

        var value = LowerExpression(initializer);
        Emit(new Assign(new VarRef(v), ConvertTo(value, v.Type), Site(declarator)));
    }

    private void LowerFor(IForLoopOperation loop)
    {
        int id = _nextLoop++;
        _jumps[loop.ExitLabel] = new Jump(JumpKind.Break, id);
        _jumps[loop.ContinueLabel] = new Jump(JumpKind.Continue, id);

        var counted = CountedLoopShape(loop);
        if (counted is { } shape)
        {
            var index = VariableFor(shape.Index);
            var start = LowerExpression(shape.Start);
            _loopDepth++;
            var (condition, body) = LowerConditionAndBody(loop.Condition, loop.Body);
            _loopDepth--;
            Emit(new Loop(id, index, start, shape.Step, condition, body, Block.Empty, IsDoWhile: false));
            return;
        }

        foreach (var before in loop.Before)
        {
            LowerStatement(before);
        }

        _loopDepth++;
        var (cond, loopBody) = LowerConditionAndBody(loop.Condition, loop.Body);
        var increment = LowerBlock(loop.AtLoopBottom);
        _loopDepth--;
        Emit(new Loop(id, null, null, 0, cond, loopBody, increment, IsDoWhile: false));
    }

    private void LowerWhile(IWhileLoopOperation loop)
    {
        int id = _nextLoop++;
        _jumps[loop.ExitLabel] = new Jump(JumpKind.Break, id);
        _jumps[loop.ContinueLabel] = new Jump(JumpKind.Continue, id);
        _loopDepth++;
        if (!loop.ConditionIsTop)
        {
            // do { body } while (condition): a condition with side effects cannot be hoisted into the body's end
            // because 'continue' jumps to it, so it must be pure.
            var body = LowerBlock(loop.Body);
            var statements = new List<Stmt>();
            var condition = loop.Condition is null ? null : LowerInto(statements, loop.Condition);
            if (statements.Count > 0)
            {
                Unsupported(loop.Condition!, "A call in the condition of a 'do' loop", "; compute it into a local at the end of the body");
            }

            _loopDepth--;
            Emit(new Loop(id, null, null, 0, condition, body, Block.Empty, IsDoWhile: true));
            return;
        }

        var (cond, loopBody) = LowerConditionAndBody(loop.Condition, loop.Body);
        _loopDepth--;
        Emit(new Loop(id, null, null, 0, cond, loopBody, Block.Empty, IsDoWhile: false));
    }

    /// <summary>
    /// Lowers a top-tested loop's condition and body. A condition with side effects (a call) becomes
    /// <c>if (!condition) break;</c> at the top of the body, which evaluates it at the same moments.
    /// </summary>
    private (Expr? Condition, Block Body) LowerConditionAndBody(IOperation? conditionOperation, IOperation body)
    {
        if (conditionOperation is null)
        {
            return (null, LowerBlock(body));
        }

        var hoisted = new List<Stmt>();
        var condition = LowerInto(hoisted, conditionOperation);
        if (hoisted.Count == 0)
        {
            return (condition, LowerBlock(body));
        }

        int id = _nextLoop - 1;
        hoisted.Add(new If(new Unary(UnaryOp.Not, condition, TypeRef.Bool), new Block(EquatableArray.Create<Stmt>(new Break(id))), Block.Empty));
        var lowered = LowerBlock(body);
        hoisted.AddRange(lowered.Statements);
        return (null, new Block(hoisted.ToEquatableArray()));
    }

    private readonly record struct CountedShape(ILocalSymbol Index, IOperation Start, int Step);

    /// <summary>
    /// Recognises <c>for (int i = start; ...; i++)</c> (or <c>i--</c>, <c>i += c</c>, <c>i -= c</c> with a constant
    /// <c>c</c>) where <c>i</c> is assigned nowhere else: the reverse sweep recomputes <c>i</c> instead of recording it.
    /// </summary>
    private static CountedShape? CountedLoopShape(IForLoopOperation loop)
    {
        if (loop.Before.Length != 1 || loop.AtLoopBottom.Length != 1
            || loop.Before[0] is not IVariableDeclarationGroupOperation { Declarations.Length: 1 } group
            || group.Declarations[0].Declarators.Length != 1)
        {
            return null;
        }

        var declarator = group.Declarations[0].Declarators[0];
        var index = declarator.Symbol;
        var start = declarator.Initializer?.Value;
        if (index.Type.SpecialType != SpecialType.System_Int32 || start is null)
        {
            return null;
        }

        var bottom = loop.AtLoopBottom[0] is IExpressionStatementOperation e ? e.Operation : loop.AtLoopBottom[0];
        int step;
        switch (bottom)
        {
            case IIncrementOrDecrementOperation { Target: ILocalReferenceOperation target } inc when SymbolEqualityComparer.Default.Equals(target.Local, index):
                step = inc.Kind == OperationKind.Increment ? 1 : -1;
                break;
            case ICompoundAssignmentOperation { Target: ILocalReferenceOperation target, Value.ConstantValue: { HasValue: true, Value: int c } } compound
                when SymbolEqualityComparer.Default.Equals(target.Local, index) && c != 0
                    && compound.OperatorKind is BinaryOperatorKind.Add or BinaryOperatorKind.Subtract:
                step = compound.OperatorKind == BinaryOperatorKind.Add ? c : -c;
                break;
            default:
                return null;
        }

        if (WritesTo(loop.Body, index) || (loop.Condition is not null && WritesTo(loop.Condition, index)))
        {
            return null;
        }

        return new CountedShape(index, start, step);
    }

    private static bool WritesTo(IOperation root, ILocalSymbol local)
    {
        foreach (var operation in root.DescendantsAndSelf())
        {
            IOperation? target = operation switch
            {
                ISimpleAssignmentOperation a => a.Target,
                ICompoundAssignmentOperation c => c.Target,
                IIncrementOrDecrementOperation i => i.Target,
                IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } arg => arg.Value,
                _ => null,
            };
            if (target is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                return true;
            }
        }

        return false;
    }

    private void LowerForEach(IForEachLoopOperation loop)
    {
        int id = _nextLoop++;
        _jumps[loop.ExitLabel] = new Jump(JumpKind.Break, id);
        _jumps[loop.ContinueLabel] = new Jump(JumpKind.Continue, id);

        var collectionOperation = loop.Collection;
        while (collectionOperation is IConversionOperation { IsImplicit: true } conversion
            && (conversion.Conversion.IsIdentity || conversion.Conversion.IsReference || conversion.Type?.SpecialType == SpecialType.System_Collections_IEnumerable))
        {
            collectionOperation = conversion.Operand;
        }

        var collectionType = collectionOperation.Type is null ? null : TypeMapper.Map(collectionOperation.Type);
        if (collectionType is null || !collectionType.IsCollection
            || loop.LoopControlVariable is not IVariableDeclaratorOperation { Symbol: { } element } || loop.NextVariables.Length > 0)
        {
            Unsupported(loop, "'foreach' over '" + (collectionOperation.Type?.ToDisplayString() ?? "?") + "'", "; 'foreach' works over arrays and spans; for other collections use a 'for' loop over an index");
            return;
        }

        var collection = LowerExpression(collectionOperation);
        if (collection is not VarRef)
        {
            var temp = NewTemp(collectionType, "_items");
            Emit(new Assign(new VarRef(temp), collection));
            collection = new VarRef(temp);
        }

        var index = NewTemp(TypeRef.Int, "_i" + id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var elementVar = VariableFor(element);
        _loopDepth++;
        var body = new List<Stmt>
        {
            new Assign(new VarRef(elementVar), ConvertTo(new ElementAt(collection, new VarRef(index), collectionType.Element!), elementVar.Type)),
        };
        body.AddRange(LowerBlock(loop.Body).Statements);
        _loopDepth--;
        var condition = new Binary(BinaryOp.Less, new VarRef(index), new LengthOf(collection), TypeRef.Bool);
        Emit(new Loop(id, index, Literals.Int(0), 1, condition, new Block(body.ToEquatableArray()), Block.Empty, IsDoWhile: false));
    }

    private void LowerBranch(IBranchOperation branch)
    {
        if (branch.BranchKind is BranchKind.Break or BranchKind.Continue && _jumps.TryGetValue(branch.Target, out var jump))
        {
            switch (jump.Kind)
            {
                case JumpKind.Break:
                    Emit(new Break(jump.LoopId));
                    return;
                case JumpKind.Continue:
                    Emit(new Continue(jump.LoopId));
                    return;
                case JumpKind.SwitchExit:
                    // A 'break' that ends a switch section is dropped by LowerSwitch; one anywhere else would need a jump.
                    Unsupported(branch, "A 'break' out of the middle of a switch section", "; restructure the section with if/else so that it ends with its only 'break'");
                    return;
            }
        }

        Unsupported(branch, branch.BranchKind == BranchKind.GoTo ? "'goto'" : "This jump", "; use structured loops with 'break' and 'continue'");
    }

    /// <summary>Lowers a switch statement to an if/else chain on its (never differentiable) value.</summary>
    private void LowerSwitch(ISwitchOperation switchStatement)
    {
        _jumps[switchStatement.ExitLabel] = new Jump(JumpKind.SwitchExit, -1);
        var value = Stable(LowerExpression(switchStatement.Value), "_switch");

        Block? defaultBody = null;
        var arms = new List<(Expr Condition, Block Body)>();
        foreach (var section in switchStatement.Cases)
        {
            var body = LowerSwitchSection(section);
            Expr? condition = null;
            bool isDefault = false;
            foreach (var clause in section.Clauses)
            {
                Expr? test = clause switch
                {
                    IDefaultCaseClauseOperation => null,
                    ISingleValueCaseClauseOperation single => Equality(value, LowerExpression(single.Value)),
                    IPatternCaseClauseOperation pattern => PatternTest(value, pattern.Pattern, pattern.Guard),
                    IRelationalCaseClauseOperation relational => Relational(value, relational.Relation, LowerExpression(relational.Value)),
                    _ => UnsupportedExpr(clause, "This case label"),
                };
                if (test is null)
                {
                    isDefault = true;
                    continue;
                }

                condition = condition is null ? test : new Binary(BinaryOp.OrElse, condition, test, TypeRef.Bool);
            }

            if (isDefault)
            {
                defaultBody = body;
            }
            else if (condition is not null)
            {
                arms.Add((condition, body));
            }
        }

        var chain = defaultBody ?? Block.Empty;
        for (int i = arms.Count - 1; i >= 0; i--)
        {
            var ifStatement = new If(arms[i].Condition, arms[i].Body, chain);
            chain = new Block(EquatableArray.Create<Stmt>(ifStatement));
        }

        foreach (var statement in chain.Statements)
        {
            Emit(statement);
        }
    }

    private Block LowerSwitchSection(ISwitchCaseOperation section)
    {
        var operations = section.Body.ToList();
        if (operations.Count > 0 && operations[operations.Count - 1] is IBranchOperation { BranchKind: BranchKind.Break } last
            && _jumps.TryGetValue(last.Target, out var jump) && jump.Kind == JumpKind.SwitchExit)
        {
            operations.RemoveAt(operations.Count - 1);
        }

        return LowerBlock(operations);
    }

    private static string FirstLine(SyntaxNode syntax)
    {
        string text = syntax.ToString();
        int newline = text.IndexOf('\n');
        text = newline >= 0 ? text.Substring(0, newline).TrimEnd() + " ..." : text;
        return text.Length > 60 ? text.Substring(0, 57) + "..." : text;
    }
}
