using System;
using System.Linq;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Transforms;

/// <summary>Rebuilds IR with every variable reference mapped (to give a reverse loop its own index variable).</summary>
internal static class Rewriter
{
    public static Stmt Substitute(Stmt statement, Func<Var, Var> map) => statement switch
    {
        Assign a => a with { Target = Substitute(a.Target, map), Value = Substitute(a.Value, map) },
        AddAssign a => a with { Target = Substitute(a.Target, map), Value = Substitute(a.Value, map) },
        ExprStmt e => e with { Value = Substitute(e.Value, map) },
        Block b => SubstituteBlock(b, map),
        If i => new If(Substitute(i.Condition, map), SubstituteBlock(i.Then, map), SubstituteBlock(i.Else, map)),
        Loop l => l with
        {
            Index = l.Index is null ? null : map(l.Index),
            Start = l.Start is null ? null : Substitute(l.Start, map),
            Condition = l.Condition is null ? null : Substitute(l.Condition, map),
            Body = SubstituteBlock(l.Body, map),
            Increment = SubstituteBlock(l.Increment, map),
        },
        Model.Range r => new Model.Range(map(r.Counter), Substitute(r.First, map), Substitute(r.Last, map), r.Step, SubstituteBlock(r.Body, map)),
        Throw t => new Throw(Substitute(t.Exception, map)),
        TapePush p => new TapePush(Substitute(p.Value, map)),
        TapePushSpan p => new TapePushSpan(Substitute(p.Span, map)),
        ReturnValue r => new ReturnValue(r.Value is null ? null : Substitute(r.Value, map)),
        Declare d => new Declare(map(d.Var), d.Initial is null ? null : Substitute(d.Initial, map)),
        ScratchMark m => new ScratchMark(map(m.Mark), m.Element),
        ScratchRelease r => new ScratchRelease(map(r.Mark), r.Element),
        CommentOf c => new CommentOf(Substitute(c.Statement, map)),
        _ => statement,
    };

    public static Block SubstituteBlock(Block block, Func<Var, Var> map) =>
        new(block.Statements.Select(s => Substitute(s, map)).ToEquatableArray());

    public static Expr Substitute(Expr expr, Func<Var, Var> map) => expr switch
    {
        VarRef v => new VarRef(map(v.Var)),
        Unary u => u with { Operand = Substitute(u.Operand, map) },
        Binary b => b with { Left = Substitute(b.Left, map), Right = Substitute(b.Right, map) },
        Conditional c => c with { Condition = Substitute(c.Condition, map), WhenTrue = Substitute(c.WhenTrue, map), WhenFalse = Substitute(c.WhenFalse, map) },
        Model.Convert c => c with { Operand = Substitute(c.Operand, map) },
        Intrinsic i => i with { Args = i.Args.Select(a => Substitute(a, map)).ToEquatableArray() },
        ElementAt e => e with { Collection = Substitute(e.Collection, map), Index = Substitute(e.Index, map) },
        LengthOf l => new LengthOf(Substitute(l.Collection, map)),
        MemberRead m => m with { Receiver = m.Receiver is null ? null : Substitute(m.Receiver, map) },
        Invoke call => call with
        {
            Receiver = call.Receiver is null ? null : Substitute(call.Receiver, map),
            Args = call.Args.Select(a => a with { Value = Substitute(a.Value, map) }).ToEquatableArray(),
        },
        DerivativeCall d => new DerivativeCall(
            (Invoke)Substitute(d.Call, map),
            d.Outputs.Select(a => a with { Value = Substitute(a.Value, map) }).ToEquatableArray()),
        ParameterValue pv => new ParameterValue(Substitute(pv.Parameter, map)),
        BackwardInvoke b => new BackwardInvoke(b.Call, b.Args.Select(a => a with { Value = Substitute(a.Value, map) }).ToEquatableArray()),
        NewArray n => new NewArray(n.Element, Substitute(n.Length, map)),
        StackAlloc s => new StackAlloc(s.Element, Substitute(s.Length, map)),
        NewObject o => o with { Args = o.Args.Select(a => a with { Value = Substitute(a.Value, map) }).ToEquatableArray() },
        Interpolated s => new Interpolated(s.Parts.Select(p => p with { Value = p.Value is null ? null : Substitute(p.Value, map) }).ToEquatableArray()),
        TapeRent r => r with { Length = Substitute(r.Length, map) },
        TapePopSpan p => new TapePopSpan(p.Element, Substitute(p.Length, map)),
        _ => expr,
    };
}
