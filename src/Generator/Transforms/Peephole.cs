using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.Analysis;
using DiffGen.Generator.Lowering;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Transforms;

/// <summary>
/// Local rewrites of the reverse sweep that the JIT cannot do itself, because they are not exact in IEEE arithmetic
/// for every input (<c>0.0 + x</c> is not <c>x</c> when x is -0.0) but are for derivatives:
/// <list type="bullet">
/// <item>an adjoint reset to zero and then added to becomes an assignment (<c>_d_a = 0; ...; _d_a += t</c> → <c>_d_a = t</c>);</item>
/// <item>additions to the same target merge when nothing between them reads or writes it
/// (<c>dx[i] -= p; dx[i + 1] += q; dx[i] -= r</c> → <c>dx[i] -= p + r; dx[i + 1] += q</c>).</item>
/// </list>
/// Both run within one block: nothing moves into or out of a branch or a loop.
/// </summary>
internal static class Peephole
{
    public static Block Run(Block block, int firstGenerated = int.MaxValue)
    {
        var statements = block.Statements.Select(s => Recurse(s)).ToList();
        FoldZeroThenAdd(statements);
        MergeAdditions(statements);
        return PropagateConstants(new Block(statements.ToEquatableArray()), firstGenerated);
    }

    /// <summary>
    /// A generated variable assigned a constant once, and read only after that assignment in the same block (a seed
    /// of 1, say), is replaced by the constant, so that <c>1.0 * x</c> and friends fold away.
    /// </summary>
    private static Block PropagateConstants(Block body, int firstGenerated)
    {
        var writes = new Dictionary<int, int>();
        var reads = new Dictionary<int, int>();
        IrWalker.Statements(body, (s, _) =>
        {
            var target = s switch { Assign { Target: VarRef v } => v.Var, AddAssign { Target: VarRef v } => v.Var, _ => null };
            if (target is not null)
            {
                writes[target.Id] = writes.TryGetValue(target.Id, out int n) ? n + 1 : 1;
            }

            foreach (var e in IrWalker.OwnExpressions(s))
            {
                IrWalker.WritesByReference(e, w => writes[w.Id] = writes.TryGetValue(w.Id, out int n) ? n + 1 : 2);
            }

            foreach (var e in IrWalker.OwnExpressions(s))
            {
                if (s is Assign { Target: VarRef assigned } && ReferenceEquals(e, assigned))
                {
                    continue;
                }

                IrWalker.Reads(e, v => reads[v.Id] = reads.TryGetValue(v.Id, out int n) ? n + 1 : 1);
            }
        });

        var constants = new Dictionary<int, Literal>();
        var removed = new HashSet<Stmt>(ByReference<Stmt>.Instance);
        IrWalker.Statements(body, (s, _) =>
        {
            if (s is not Block block)
            {
                return;
            }

            for (int i = 0; i < block.Statements.Count; i++)
            {
                if (block.Statements[i] is Assign { Target: VarRef { Var: var v }, Value: Literal literal } assign
                    && v.Id >= firstGenerated && v.Kind != VarKind.Parameter && v.Type.IsReal && writes[v.Id] == 1)
                {
                    int after = 0;
                    for (int j = i + 1; j < block.Statements.Count; j++)
                    {
                        IrWalker.Statements(block.Statements[j], (inner, _) =>
                        {
                            foreach (var e in IrWalker.OwnExpressions(inner))
                            {
                                IrWalker.Reads(e, r => after += r.Id == v.Id ? 1 : 0);
                            }
                        });
                    }

                    if (after == (reads.TryGetValue(v.Id, out int total) ? total : 0))
                    {
                        constants[v.Id] = literal;
                        removed.Add(assign);
                    }
                }
            }
        });

        return constants.Count == 0 ? body : (Block)Substitute(body, constants, removed);
    }

    private static Stmt Substitute(Stmt statement, Dictionary<int, Literal> constants, HashSet<Stmt> removed) => statement switch
    {
        Assign a => a with { Value = Fold(a.Value, constants), Target = a.Target is ElementAt e ? e with { Index = Fold(e.Index, constants) } : a.Target },
        AddAssign a => a with { Value = Fold(a.Value, constants), Target = a.Target is ElementAt e ? e with { Index = Fold(e.Index, constants) } : a.Target },
        ExprStmt e => new ExprStmt(Fold(e.Value, constants)),
        Block b => new Block(b.Statements.Where(s => !removed.Contains(s)).Select(s => Substitute(s, constants, removed)).ToEquatableArray()),
        If i => new If(Fold(i.Condition, constants), (Block)Substitute(i.Then, constants, removed), (Block)Substitute(i.Else, constants, removed)),
        Loop l => l with { Body = (Block)Substitute(l.Body, constants, removed), Increment = (Block)Substitute(l.Increment, constants, removed) },
        Model.Range r => r with { Body = (Block)Substitute(r.Body, constants, removed) },
        _ => statement,
    };

    /// <summary>Replaces constant variables and re-simplifies the products and sums they were part of.</summary>
    private static Expr Fold(Expr e, Dictionary<int, Literal> constants) => e switch
    {
        VarRef v when constants.TryGetValue(v.Var.Id, out var c) => c,
        Binary { Op: BinaryOp.Multiply } b => Build.Mul(Fold(b.Left, constants), Fold(b.Right, constants)),
        Binary { Op: BinaryOp.Divide } b => Build.Div(Fold(b.Left, constants), Fold(b.Right, constants)),
        Binary b => b with { Left = Fold(b.Left, constants), Right = Fold(b.Right, constants) },
        Unary { Op: UnaryOp.Negate } u => Build.Neg(Fold(u.Operand, constants)),
        Unary u => u with { Operand = Fold(u.Operand, constants) },
        Conditional c => c with { Condition = Fold(c.Condition, constants), WhenTrue = Fold(c.WhenTrue, constants), WhenFalse = Fold(c.WhenFalse, constants) },
        Model.Convert c => c with { Operand = Fold(c.Operand, constants) },
        Intrinsic i => i with { Args = i.Args.Select(a => Fold(a, constants)).ToEquatableArray() },
        ElementAt a => a with { Collection = Fold(a.Collection, constants), Index = Fold(a.Index, constants) },
        Invoke call => call with { Args = call.Args.Select(a => a with { Value = Fold(a.Value, constants) }).ToEquatableArray() },
        DerivativeCall d => new DerivativeCall((Invoke)Fold(d.Call, constants), d.Outputs.Select(a => a with { Value = Fold(a.Value, constants) }).ToEquatableArray()),
        BackwardInvoke b => b with { Args = b.Args.Select(a => a with { Value = Fold(a.Value, constants) }).ToEquatableArray() },
        _ => e,
    };

    private static Stmt Recurse(Stmt statement) => statement switch
    {
        Block b => Run(b),
        If i => new If(i.Condition, Run(i.Then), Run(i.Else)),
        Loop l => l with { Body = Run(l.Body), Increment = l.Increment },
        Model.Range r => r with { Body = Run(r.Body) },
        _ => statement,
    };

    private static void FoldZeroThenAdd(List<Stmt> statements)
    {
        for (int i = 0; i < statements.Count; i++)
        {
            if (statements[i] is not Assign { Target: VarRef target, Value: Literal zero } || Literals.Value(zero) is not 0.0 || !target.Type.IsReal)
            {
                continue;
            }

            for (int j = i + 1; j < statements.Count; j++)
            {
                if (statements[j] is AddAssign { Target: VarRef added } add && added.Var.Id == target.Var.Id && !IrWalker.ReadsVar(add.Value, target.Var))
                {
                    statements[j] = new Assign(add.Target, add.Value);
                    statements.RemoveAt(i);
                    i--;
                    break;
                }

                if (Touches(statements[j], target))
                {
                    break;
                }
            }
        }
    }

    private static void MergeAdditions(List<Stmt> statements)
    {
        for (int j = 1; j < statements.Count; j++)
        {
            if (statements[j] is not AddAssign later)
            {
                continue;
            }

            for (int i = j - 1; i >= 0; i--)
            {
                var earlier = statements[i];
                if (earlier is Assign or AddAssign && Target(earlier) == later.Target && !ReadsTarget(later.Value, later.Target))
                {
                    // Evaluate the later value earlier: fine, since nothing in between wrote what it reads.
                    var merged = Combine(Value(earlier), later.Value);
                    statements[i] = earlier is Assign ? new Assign(later.Target, merged) : new AddAssign(later.Target, merged);
                    statements.RemoveAt(j);
                    j--;
                    break;
                }

                if (Touches(earlier, later.Target) || WritesAnythingRead(earlier, later.Value))
                {
                    break;
                }
            }
        }
    }

    private static Expr Target(Stmt s) => s is Assign a ? a.Target : ((AddAssign)s).Target;

    private static Expr Value(Stmt s) => s is Assign a ? a.Value : ((AddAssign)s).Value;

    private static Expr Combine(Expr a, Expr b)
    {
        if (Literals.Value(a) is 0.0)
        {
            return b;
        }

        if (a is Unary { Op: UnaryOp.Negate } na && b is Unary { Op: UnaryOp.Negate } nb)
        {
            return Build.Neg(Build.Add(na.Operand, nb.Operand));
        }

        if (b is Unary { Op: UnaryOp.Negate } negated)
        {
            return Build.Sub(a, negated.Operand);
        }

        return Build.Add(a, b);
    }

    private static bool ReadsTarget(Expr value, Expr target) => target switch
    {
        VarRef v => IrWalker.ReadsVar(value, v.Var),
        ElementAt e => Contains(value, e.Collection),
        _ => true,
    };

    private static bool Contains(Expr e, Expr part) => e == part || IrWalker.Children(e).Any(c => Contains(c, part));

    /// <summary>Whether <paramref name="statement"/> reads or writes <paramref name="target"/> (or might, through another index).</summary>
    private static bool Touches(Stmt statement, Expr target)
    {
        bool touched = false;
        IrWalker.Statements(statement, (s, _) =>
        {
            foreach (var e in IrWalker.OwnExpressions(s))
            {
                touched |= Overlaps(e, target);
            }

            touched |= s is not (Assign or AddAssign or Comment or CommentOf or ExprStmt or Block);
        });
        return touched;
    }

    private static bool Overlaps(Expr e, Expr target)
    {
        switch (target)
        {
            case VarRef v:
                return IrWalker.ReadsVar(e, v.Var);
            case ElementAt t:
                if (e is ElementAt other && other.Collection == t.Collection)
                {
                    return !ProvablyDifferent(other.Index, t.Index) || Overlaps(other.Index, target);
                }

                if (e is Invoke or DerivativeCall or BackwardInvoke)
                {
                    return true;
                }

                return IrWalker.Children(e).Any(c => Overlaps(c, target))
                    || (t.Collection is VarRef array && e is VarRef r && r.Var.Id == array.Var.Id && e != t.Collection);
            default:
                return true;
        }
    }

    /// <summary><c>i + a</c> and <c>i + b</c> with constants a ≠ b never name the same element.</summary>
    private static bool ProvablyDifferent(Expr a, Expr b)
    {
        var (baseA, offsetA) = Split(a);
        var (baseB, offsetB) = Split(b);
        return offsetA != offsetB && baseA == baseB;

        static (Expr? Base, int Offset) Split(Expr e) => e switch
        {
            Binary { Op: BinaryOp.Add, Right: Literal } b when Literals.Value(b.Right) is double c => (b.Left, (int)c),
            Binary { Op: BinaryOp.Subtract, Right: Literal } b when Literals.Value(b.Right) is double c => (b.Left, -(int)c),
            Literal when Literals.Value(e) is double c => (null, (int)c),
            _ => (e, 0),
        };
    }

    private static bool WritesAnythingRead(Stmt statement, Expr value)
    {
        bool writes = false;
        IrWalker.Statements(statement, (s, _) =>
        {
            var target = s switch { Assign a => a.Target, AddAssign a => a.Target, _ => null };
            if (target is VarRef v)
            {
                writes |= IrWalker.ReadsVar(value, v.Var);
            }
            else if (target is ElementAt element)
            {
                writes |= Overlaps(value, element);
            }
            else if (s is not (Comment or CommentOf or Block))
            {
                writes = true;
            }
        });
        return writes;
    }
}
