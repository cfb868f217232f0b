using System.Collections.Generic;
using DiffGen.Generator.Analysis;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Transforms;

/// <summary>
/// Brings active statements into the form the reverse sweep wants: every value a derivative rule needs (an operand
/// of <c>*</c> or <c>/</c>, an argument of a math function) is a variable or a cheap expression, and a math function
/// whose derivative reuses its result (<c>Exp</c>, <c>Sqrt</c>, <c>Tanh</c>...) has its result in a variable. The
/// reverse sweep then reads values instead of computing them again.
/// </summary>
internal sealed class Normalizer
{
    private readonly Activity _activity;
    private int _nextVar;
    private int _nextTemp;

    private Normalizer(Activity activity, int nextVar)
    {
        _activity = activity;
        _nextVar = nextVar;
    }

    public static MethodModel Run(MethodModel method)
    {
        var normalizer = new Normalizer(Activity.Analyze(method), method.NextVarId);
        var body = normalizer.NormalizeBlock(method.Body);
        return method with { Body = body, NextVarId = normalizer._nextVar };
    }

    private Block NormalizeBlock(Block block)
    {
        var output = new List<Stmt>();
        foreach (var statement in block.Statements)
        {
            switch (statement)
            {
                case Assign { Value: Invoke call } assign when IsActiveTarget(assign.Target):
                {
                    var args = new List<Argument>();
                    foreach (var arg in call.Args)
                    {
                        args.Add(arg.Kind == ArgKind.Value && arg.Value.Type.IsReal ? arg with { Value = Flatten(arg.Value, false, false, output) } : arg);
                    }

                    output.Add(assign with { Value = call with { Args = args.ToEquatableArray() } });
                    break;
                }

                case Assign assign when IsActiveTarget(assign.Target) && assign.Value.Type.IsReal:
                    output.Add(assign with { Value = Flatten(assign.Value, false, true, output) });
                    break;
                case If conditional:
                    output.Add(new If(conditional.Condition, NormalizeBlock(conditional.Then), NormalizeBlock(conditional.Else)));
                    break;
                case Loop loop:
                    output.Add(loop with { Body = NormalizeBlock(loop.Body), Increment = NormalizeBlock(loop.Increment) });
                    break;
                case Block nested:
                    output.Add(NormalizeBlock(nested));
                    break;
                default:
                    output.Add(statement);
                    break;
            }
        }

        return new Block(output.ToEquatableArray());
    }

    private bool IsActiveTarget(Expr target) => target switch
    {
        VarRef v => _activity.IsActive(v.Var),
        ElementAt { Collection: VarRef c } => _activity.IsActive(c.Var),
        _ => false,
    };

    private Expr Flatten(Expr e, bool valueNeeded, bool isRoot, List<Stmt> output)
    {
        if (valueNeeded && !IsCheap(e, 3))
        {
            return Hoist(e, output);
        }

        switch (e)
        {
            case Binary { Op: BinaryOp.Add or BinaryOp.Subtract } b when b.Type.IsReal:
                return b with { Left = Flatten(b.Left, false, false, output), Right = Flatten(b.Right, false, false, output) };
            case Binary { Op: BinaryOp.Multiply } b when b.Type.IsReal:
                // Each operand's value is needed only for the other operand's derivative.
                return b with { Left = Flatten(b.Left, _activity.IsActive(b.Right), false, output), Right = Flatten(b.Right, _activity.IsActive(b.Left), false, output) };
            case Binary { Op: BinaryOp.Divide or BinaryOp.Remainder } b when b.Type.IsReal:
                return b with { Left = Flatten(b.Left, _activity.IsActive(b.Right), false, output), Right = Flatten(b.Right, true, false, output) };
            case Unary { Op: UnaryOp.Negate or UnaryOp.Plus } u:
                return u with { Operand = Flatten(u.Operand, false, false, output) };
            case Convert c when c.Type.IsReal:
                return c with { Operand = Flatten(c.Operand, false, false, output) };
            case Intrinsic i when !Lowering.Intrinsics.HasZeroDerivative(i.Kind) && _activity.IsActive(i):
            {
                var args = new List<Expr>();
                foreach (var arg in i.Args)
                {
                    args.Add(arg.Type.IsReal ? Flatten(arg, true, false, output) : arg);
                }

                var flattened = i with { Args = args.ToEquatableArray() };
                return !isRoot && Derivatives.UsesResult(i, _activity.IsActive) ? Hoist(flattened, output) : flattened;
            }

            default:
                return e;
        }
    }

    private VarRef Hoist(Expr e, List<Stmt> output)
    {
        var temp = new Var(_nextVar++, "_r" + (++_nextTemp).ToString(System.Globalization.CultureInfo.InvariantCulture), e.Type, VarKind.Temp);
        var value = e.Type.IsReal ? Flatten(e, false, true, output) : e;
        output.Add(new Assign(new VarRef(temp), value));
        return new VarRef(temp);
    }

    /// <summary>Whether recomputing <paramref name="e"/> in the reverse sweep costs next to nothing.</summary>
    private static bool IsCheap(Expr e, int budget)
    {
        return Cost(e) <= budget;

        static int Cost(Expr e) => e switch
        {
            VarRef or Literal or ThisRef or DefaultOf => 0,
            LengthOf l => Cost(l.Collection),
            ElementAt a => 1 + Cost(a.Collection) + Cost(a.Index),
            MemberRead m => 1 + (m.Receiver is null ? 0 : Cost(m.Receiver)),
            Convert c => Cost(c.Operand),
            Unary u => 1 + Cost(u.Operand),
            Binary b => 1 + Cost(b.Left) + Cost(b.Right),
            _ => 100,
        };
    }
}
