using System.Collections.Generic;
using DiffGen.Generator.Lowering;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Analysis;

/// <summary>
/// Activity analysis: a variable is <em>varied</em> if a derivative can flow into it from a differentiable
/// parameter, <em>useful</em> if its value can flow into the result, and <em>active</em> if both (and its type can
/// carry a derivative). Only active variables get adjoints. The analysis is flow-insensitive over the whole body,
/// which is conservative: it may call a variable active that is not, never the other way round.
/// </summary>
internal sealed class Activity
{
    private readonly HashSet<int> _varied = new();
    private readonly HashSet<int> _useful = new();

    private Activity()
    {
    }

    public static Activity Analyze(MethodModel method)
    {
        var activity = new Activity();
        var edges = new List<(Var Target, List<Var> Sources)>();
        IrWalker.Statements(method.Body, (statement, _) => CollectEdges(statement, edges));

        for (int i = 0; i < method.Parameters.Count; i++)
        {
            if (method.Parameters[i].IsDifferentiable)
            {
                activity._varied.Add(method.ParameterVars[i].Id);
            }
        }

        // A model parameter's value is a differentiable input too: its gradient goes to the parameter's Grad.
        IrWalker.Statements(method.Body, (statement, _) =>
        {
            if (statement is Assign { Target: VarRef target, Value: ParameterValue })
            {
                activity._varied.Add(target.Var.Id);
            }
        });

        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var (target, sources) in edges)
            {
                if (activity._varied.Contains(target.Id))
                {
                    continue;
                }

                foreach (var source in sources)
                {
                    if (activity._varied.Contains(source.Id))
                    {
                        changed |= activity._varied.Add(target.Id);
                        break;
                    }
                }
            }
        }

        activity._useful.Add(method.Result.Id);
        changed = true;
        while (changed)
        {
            changed = false;
            foreach (var (target, sources) in edges)
            {
                if (!activity._useful.Contains(target.Id))
                {
                    continue;
                }

                foreach (var source in sources)
                {
                    changed |= activity._useful.Add(source.Id);
                }
            }
        }

        return activity;
    }

    public bool IsActive(Var v) => v.Type.CanBeActive && _varied.Contains(v.Id) && _useful.Contains(v.Id);

    public bool IsVaried(Var v) => v.Type.CanBeActive && _varied.Contains(v.Id);

    /// <summary>Whether a derivative flows through <paramref name="expr"/> from an active variable.</summary>
    public bool IsActive(Expr expr)
    {
        bool active = false;
        DerivativeReads(expr, v => active |= IsActive(v));
        return active;
    }

    /// <summary>Whether a derivative from a varied variable reaches <paramref name="expr"/> (active or not).</summary>
    public bool IsVaried(Expr expr)
    {
        bool varied = false;
        DerivativeReads(expr, v => varied |= IsVaried(v));
        return varied;
    }

    /// <summary>
    /// The variables whose derivatives flow into the value of <paramref name="expr"/>: not those only used as
    /// indices, in conditions, in comparisons, or under a zero-derivative operation.
    /// </summary>
    public static void DerivativeReads(Expr expr, System.Action<Var> visit)
    {
        if (!expr.Type.CanBeActive)
        {
            return;
        }

        switch (expr)
        {
            case VarRef v:
                visit(v.Var);
                break;
            case Unary u when u.Op is UnaryOp.Negate or UnaryOp.Plus:
                DerivativeReads(u.Operand, visit);
                break;
            case Binary b when b.Op is BinaryOp.Add or BinaryOp.Subtract or BinaryOp.Multiply or BinaryOp.Divide or BinaryOp.Remainder:
                DerivativeReads(b.Left, visit);
                DerivativeReads(b.Right, visit);
                break;
            case Conditional c:
                DerivativeReads(c.WhenTrue, visit);
                DerivativeReads(c.WhenFalse, visit);
                break;
            case Convert c:
                DerivativeReads(c.Operand, visit);
                break;
            case Intrinsic i when !Intrinsics.HasZeroDerivative(i.Kind):
                foreach (var arg in i.Args)
                {
                    DerivativeReads(arg, visit);
                }

                break;
            case ElementAt e:
                DerivativeReads(e.Collection, visit);
                break;
            case Invoke call:
                if (call.Callee.Backward && call.Receiver is not null)
                {
                    DerivativeReads(call.Receiver, visit);
                }

                for (int a = 0; a < call.Args.Count; a++)
                {
                    // Arguments of parameters that get no gradient still count: passing a derivative there is an
                    // error the validation reports, and it must see the flow to report it.
                    if (call.Args[a].Kind is ArgKind.Value or ArgKind.In)
                    {
                        DerivativeReads(call.Args[a].Value, visit);
                    }
                }

                break;
        }
    }

    private static void CollectEdges(Stmt statement, List<(Var, List<Var>)> edges)
    {
        switch (statement)
        {
            case Assign { Target: VarRef target } assign:
                edges.Add((target.Var, Sources(assign.Value)));
                break;
            case Assign { Target: ElementAt { Collection: VarRef collection } } assign:
                edges.Add((collection.Var, Sources(assign.Value)));
                break;
            case Loop { Index: { } index, Start: { } start }:
                edges.Add((index, Sources(start)));
                break;
        }
    }

    private static List<Var> Sources(Expr value)
    {
        var sources = new List<Var>();
        DerivativeReads(value, sources.Add);
        return sources;
    }
}
