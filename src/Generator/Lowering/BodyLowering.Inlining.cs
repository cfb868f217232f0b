using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.Diagnostics;
using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace DiffGen.Generator.Lowering;

internal sealed partial class BodyLowering
{
    private readonly Stack<InlineFrame> _inlining = new();

    /// <summary>A callee being inlined: where its returns go, and what <c>this</c> means in it.</summary>
    private sealed class InlineFrame
    {
        public InlineFrame(IMethodSymbol method, Var result, int exitLoop, Expr? receiver, SyntaxNode? finalReturn)
        {
            Method = method;
            Result = result;
            ExitLoop = exitLoop;
            Receiver = receiver;
            FinalReturn = finalReturn;
        }

        public IMethodSymbol Method { get; }

        public Var Result { get; }

        public int ExitLoop { get; }

        public Expr? Receiver { get; }

        public SyntaxNode? FinalReturn { get; }

        public bool HasEarlyReturn { get; set; }
    }

    /// <summary>
    /// Inlines a call to a <c>[Differentiable]</c> method that works on tensors: its body becomes part of this one
    /// (parameters assigned from the arguments, <c>this</c> replaced by the receiver, returns assigning the result), so
    /// that one reverse sweep covers the whole computation. The callee reports its own errors; here a callee that cannot
    /// be lowered is one error at the call.
    /// </summary>
    private Expr Inline(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var resultType = TypeMapper.Map(method.ReturnType);
        if (_inlining.Any(f => SymbolEqualityComparer.Default.Equals(f.Method, method)) || SymbolEqualityComparer.Default.Equals(method, _method))
        {
            return UnsupportedExpr(invocation, "Recursion through a method that works on tensors", "; write the recursion as a loop");
        }

        if (method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellation) is not MethodDeclarationSyntax syntax
            || _compilation.GetSemanticModel(syntax.SyntaxTree).GetOperation(syntax, _cancellation) is not IMethodBodyOperation body)
        {
            return UnsupportedExpr(invocation, "A call to '" + method.Name + "', whose body is not available");
        }

        if (InaccessibleMember(body) is { } hidden)
        {
            return UnsupportedExpr(
                invocation,
                "Reading '" + hidden.ContainingType.Name + "." + hidden.Name + "' (" + hidden.DeclaredAccessibility.ToString().ToLowerInvariant() + ") through '" + method.ContainingType.Name + "." + method.Name + "'",
                "; DiffGen inlines a [Differentiable] method that returns a Tensor into its callers, so what it reads must be accessible from '" + _method.ContainingType.Name + "': make '" + hidden.Name + "' internal");
        }

        Expr? receiver = null;
        if (!method.IsStatic)
        {
            receiver = invocation.Instance is null or IInstanceReferenceOperation
                ? (_inlining.Count > 0 ? _inlining.Peek().Receiver : null) ?? new ThisRef(TypeMapper.Map(method.ContainingType))
                : LowerExpression(invocation.Instance);
        }

        var arguments = LowerArguments(invocation.Arguments);
        for (int i = 0; i < method.Parameters.Length && i < arguments.Count; i++)
        {
            var parameter = method.Parameters[i];
            var v = NewVar(parameter.Name, TypeMapper.Map(parameter.Type), VarKind.Local);
            _variables[parameter] = v;
            Emit(new Assign(new VarRef(v), arguments[i].Value));
        }

        // The callee's locals are fresh variables in each inlined copy.
        foreach (var local in body.Descendants().OfType<ILocalReferenceOperation>().Select(l => l.Local).Distinct(SymbolEqualityComparer.Default))
        {
            _variables.Remove(local!);
        }

        var result = NewTemp(resultType, "_" + char.ToLowerInvariant(method.Name[0]) + method.Name.Substring(1));
        var frame = new InlineFrame(method, result, _nextLoop++, receiver, FinalReturn(syntax));
        int diagnostics = _diagnostics.Count;
        _inlining.Push(frame);
        var inlined = LowerBody(body);
        _inlining.Pop();
        if (_diagnostics.Count > diagnostics)
        {
            _diagnostics.RemoveRange(diagnostics, _diagnostics.Count - diagnostics);
            Report(Descriptors.CalleeNotDifferentiable, invocation, method.ToDisplayString(TypeMapper.Display));
            return new DefaultOf(resultType);
        }

        if (frame.HasEarlyReturn)
        {
            // 'return' in the middle: the body runs in a loop that runs once, and each return breaks out of it.
            Emit(new Loop(frame.ExitLoop, null, null, 0, Literals.Bool(false), inlined, Block.Empty, IsDoWhile: true));
        }
        else
        {
            foreach (var statement in inlined.Statements)
            {
                Emit(statement);
            }
        }

        return new VarRef(result);
    }

    /// <summary>The first member the body uses that the method being differentiated could not use itself.</summary>
    private ISymbol? InaccessibleMember(IOperation body)
    {
        foreach (var operation in body.Descendants())
        {
            ISymbol? member = operation switch
            {
                IMemberReferenceOperation reference => reference.Member,
                IInvocationOperation call when call.TargetMethod.MethodKind != MethodKind.LocalFunction => call.TargetMethod,
                IObjectCreationOperation creation => creation.Constructor,
                _ => null,
            };
            if (member is not null && !_compilation.IsSymbolAccessibleWithin(member, _method.ContainingType))
            {
                return member;
            }
        }

        return null;
    }

    /// <summary>The return that ends a method's body (an expression body counts), which needs no jump when inlined.</summary>
    private static SyntaxNode? FinalReturn(MethodDeclarationSyntax syntax) =>
        syntax.ExpressionBody is { } arrow ? arrow : syntax.Body?.Statements.LastOrDefault() as ReturnStatementSyntax;

    /// <summary>Lowers a return inside an inlined callee: assign its result, and leave the body unless it is the last statement.</summary>
    private bool LowerInlinedReturn(IReturnOperation ret)
    {
        if (_inlining.Count == 0)
        {
            return false;
        }

        var frame = _inlining.Peek();
        if (ret.ReturnedValue is not null)
        {
            var value = LowerExpression(ret.ReturnedValue);
            Emit(new Assign(new VarRef(frame.Result), ConvertTo(value, frame.Result.Type)));
        }

        bool final = frame.FinalReturn is not null
            && (ReferenceEquals(ret.Syntax, frame.FinalReturn) || ReferenceEquals(ret.Syntax.Parent, frame.FinalReturn) || frame.FinalReturn.Span.Contains(ret.Syntax.Span));
        if (!final)
        {
            frame.HasEarlyReturn = true;
            Emit(new Break(frame.ExitLoop));
        }

        return true;
    }
}
