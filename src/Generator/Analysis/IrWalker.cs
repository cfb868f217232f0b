using System;
using System.Collections.Generic;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Analysis;

/// <summary>Enumerates the parts of IR trees: sub-expressions, statements, variable reads.</summary>
internal static class IrWalker
{
    /// <summary>The direct sub-expressions of <paramref name="expr"/>.</summary>
    public static IEnumerable<Expr> Children(Expr expr)
    {
        switch (expr)
        {
            case Unary u:
                yield return u.Operand;
                break;
            case Binary b:
                yield return b.Left;
                yield return b.Right;
                break;
            case Conditional c:
                yield return c.Condition;
                yield return c.WhenTrue;
                yield return c.WhenFalse;
                break;
            case Model.Convert c:
                yield return c.Operand;
                break;
            case Intrinsic i:
                foreach (var a in i.Args)
                {
                    yield return a;
                }

                break;
            case ElementAt e:
                yield return e.Collection;
                yield return e.Index;
                break;
            case LengthOf l:
                yield return l.Collection;
                break;
            case MemberRead m when m.Receiver is not null:
                yield return m.Receiver;
                break;
            case Invoke call:
                if (call.Receiver is not null)
                {
                    yield return call.Receiver;
                }

                foreach (var a in call.Args)
                {
                    yield return a.Value;
                }

                break;
            case DerivativeCall d:
                foreach (var child in Children(d.Call))
                {
                    yield return child;
                }

                foreach (var a in d.Outputs)
                {
                    yield return a.Value;
                }

                break;
            case ParameterValue pv:
                yield return pv.Parameter;
                break;
            case BackwardInvoke b:
                foreach (var a in b.Args)
                {
                    yield return a.Value;
                }

                break;
            case NewArray n:
                yield return n.Length;
                break;
            case StackAlloc s:
                yield return s.Length;
                break;
            case NewObject o:
                foreach (var a in o.Args)
                {
                    yield return a.Value;
                }

                break;
            case Interpolated s:
                foreach (var part in s.Parts)
                {
                    if (part.Value is not null)
                    {
                        yield return part.Value;
                    }
                }

                break;
            case TapeRent r:
                yield return r.Length;
                break;
            case TapePopSpan p:
                yield return p.Length;
                break;
        }
    }

    /// <summary>Every variable <paramref name="expr"/> reads (including through element reads and lengths).</summary>
    public static void Reads(Expr expr, Action<Var> visit)
    {
        if (expr is VarRef v)
        {
            visit(v.Var);
            return;
        }

        foreach (var child in Children(expr))
        {
            Reads(child, visit);
        }
    }

    /// <summary>Every variable a call in <paramref name="expr"/> writes through a <c>ref</c> or <c>out</c> argument.</summary>
    public static void WritesByReference(Expr expr, Action<Var> visit)
    {
        var arguments = expr switch
        {
            Invoke call => call.Args,
            DerivativeCall d => d.Outputs,
            BackwardInvoke b => b.Args,
            _ => EquatableArray<Argument>.Empty,
        };
        foreach (var a in arguments)
        {
            if (a.Kind is ArgKind.Ref or ArgKind.Out && a.Value is VarRef v)
            {
                visit(v.Var);
            }
        }

        foreach (var child in Children(expr))
        {
            WritesByReference(child, visit);
        }
    }

    public static bool ReadsVar(Expr expr, Var variable)
    {
        bool found = false;
        Reads(expr, v => found |= v.Id == variable.Id);
        return found;
    }

    /// <summary>Visits every statement in <paramref name="statement"/>, depth first, with the loop depth.</summary>
    public static void Statements(Stmt statement, Action<Stmt, int> visit, int loopDepth = 0)
    {
        visit(statement, loopDepth);
        switch (statement)
        {
            case Block block:
                foreach (var s in block.Statements)
                {
                    Statements(s, visit, loopDepth);
                }

                break;
            case If conditional:
                Statements(conditional.Then, visit, loopDepth);
                Statements(conditional.Else, visit, loopDepth);
                break;
            case Loop loop:
                Statements(loop.Body, visit, loopDepth + 1);
                Statements(loop.Increment, visit, loopDepth + 1);
                break;
            case Model.Range range:
                Statements(range.Body, visit, loopDepth + 1);
                break;
        }
    }

    /// <summary>The expressions a statement itself holds (not those of nested statements).</summary>
    public static IEnumerable<Expr> OwnExpressions(Stmt statement)
    {
        switch (statement)
        {
            case Assign a:
                yield return a.Target;
                yield return a.Value;
                break;
            case AddAssign a:
                yield return a.Target;
                yield return a.Value;
                break;
            case ExprStmt e:
                yield return e.Value;
                break;
            case If i:
                yield return i.Condition;
                break;
            case Loop l:
                if (l.Start is not null)
                {
                    yield return l.Start;
                }

                if (l.Condition is not null)
                {
                    yield return l.Condition;
                }

                if (l.Index is not null)
                {
                    yield return new VarRef(l.Index);
                }

                break;
            case Throw t:
                yield return t.Exception;
                break;
            case TapePush p:
                yield return p.Value;
                break;
            case TapePushSpan p:
                yield return p.Span;
                break;
            case ReturnValue r when r.Value is not null:
                yield return r.Value;
                break;
            case Model.Range r:
                yield return new VarRef(r.Counter);
                yield return r.First;
                yield return r.Last;
                break;
            case Declare d:
                yield return new VarRef(d.Var);
                if (d.Initial is not null)
                {
                    yield return d.Initial;
                }

                break;
            case ScratchMark m:
                yield return new VarRef(m.Mark);
                break;
            case ScratchRelease r:
                yield return new VarRef(r.Mark);
                break;
        }
    }
}
