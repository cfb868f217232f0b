using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.Analysis;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Transforms;

/// <summary>
/// A fused form declared with <c>[FusedForm]</c>: a call to <see cref="OuterKey"/> whose first argument is the result of
/// <see cref="InnerKey"/> can be one call to <see cref="Owner"/>.<see cref="Name"/>.
/// </summary>
internal sealed record FusedForm(string OuterKey, string InnerKey, string Owner, string Name, TypeRef Type, CalleeInfo Callee);

/// <summary>
/// Replaces <c>t = inner(a, b); ... u = outer(t, c)</c> by <c>u = fused(a, b, c)</c> where <c>t</c> (and any plain
/// copies of it on the way, such as an inlined layer's result) is used for nothing else, so the fused operation and its
/// own backward rule run instead of two passes and two buffers. Runs on the lowered body, before differentiation; the
/// operations it knows come only from <c>[FusedForm]</c> attributes.
/// </summary>
internal static class OpFusion
{
    public static Block Run(Block body, IReadOnlyList<FusedForm> forms)
    {
        if (forms.Count == 0)
        {
            return body;
        }

        var reads = new Dictionary<int, int>();
        var writes = new Dictionary<int, int>();
        IrWalker.Statements(body, (statement, _) =>
        {
            Written(statement, v => Count(writes, v.Id));
            foreach (var expression in IrWalker.OwnExpressions(statement))
            {
                if (statement is Assign { Target: VarRef } assign && ReferenceEquals(expression, assign.Target))
                {
                    continue;
                }

                if (statement is Declare declare && expression is VarRef declared && declared.Var.Id == declare.Var.Id)
                {
                    continue;
                }

                IrWalker.Reads(expression, v => Count(reads, v.Id));
            }
        });

        return new Fuser(forms, reads, writes).Block(body);
    }

    private static void Count(Dictionary<int, int> counts, int id) => counts[id] = counts.TryGetValue(id, out int n) ? n + 1 : 1;

    /// <summary>The variables a statement itself writes (not those of nested statements).</summary>
    private static void Written(Stmt statement, System.Action<Var> visit)
    {
        switch (statement)
        {
            case Assign { Target: VarRef target }:
                visit(target.Var);
                break;
            case AddAssign { Target: VarRef target }:
                visit(target.Var);
                break;
            case Declare { Initial: not null } declare:
                visit(declare.Var);
                break;
        }

        foreach (var expression in IrWalker.OwnExpressions(statement))
        {
            IrWalker.WritesByReference(expression, visit);
        }
    }

    private sealed class Fuser(IReadOnlyList<FusedForm> forms, Dictionary<int, int> reads, Dictionary<int, int> writes)
    {
        public Block Block(Block block)
        {
            var statements = block.Statements.Select(Nested).ToList();
            var removed = new HashSet<int>();
            for (int j = 0; j < statements.Count; j++)
            {
                if (statements[j] is Assign { Target: VarRef, Value: Invoke outer } assign
                    && outer.Args.Count > 0 && outer.Args[0] is { Kind: ArgKind.Value, Value: VarRef first }
                    && forms.Any(f => f.OuterKey == outer.Callee.Key)
                    && Fuse(statements, j, outer, first.Var, removed) is { } fused)
                {
                    statements[j] = assign with { Value = fused };
                }
            }

            return new Block(statements.Where((_, i) => !removed.Contains(i)).ToEquatableArray());
        }

        private Stmt Nested(Stmt statement) => statement switch
        {
            Block b => Block(b),
            If i => i with { Then = Block(i.Then), Else = Block(i.Else) },
            Loop l => l with { Body = Block(l.Body) },
            Model.Range r => r with { Body = Block(r.Body) },
            _ => statement,
        };

        /// <summary>Follows <paramref name="value"/> back through plain copies to an inner call that a fused form covers.</summary>
        private Invoke? Fuse(List<Stmt> statements, int at, Invoke outer, Var value, HashSet<int> removed)
        {
            var chain = new List<int>();
            var current = value;
            for (int i = at - 1; i >= 0; i--)
            {
                if (statements[i] is not Assign { Target: VarRef target } assign || target.Var.Id != current.Id)
                {
                    continue;
                }

                if (Uses(reads, current) != 1 || Uses(writes, current) != 1 || removed.Contains(i))
                {
                    return null;
                }

                chain.Add(i);
                if (assign.Value is VarRef copy)
                {
                    current = copy.Var;
                    continue;
                }

                if (assign.Value is not Invoke inner
                    || forms.FirstOrDefault(f => f.OuterKey == outer.Callee.Key && f.InnerKey == inner.Callee.Key) is not { } form
                    || inner.Args.Any(a => a.Kind != ArgKind.Value)
                    || WrittenBetween(statements, i, at, chain, inner))
                {
                    return null;
                }

                removed.UnionWith(chain);
                return new Invoke(null, form.Owner, form.Name, inner.Args.Concat(outer.Args.Skip(1)).ToEquatableArray(), form.Type, form.Callee, outer.Site);
            }

            return null;
        }

        private static int Uses(Dictionary<int, int> counts, Var v) => counts.TryGetValue(v.Id, out int n) ? n : 0;

        /// <summary>Whether a statement between the inner call and the outer one changes what the inner call reads.</summary>
        private static bool WrittenBetween(List<Stmt> statements, int from, int to, List<int> chain, Invoke inner)
        {
            var operands = new HashSet<int>();
            foreach (var argument in inner.Args)
            {
                IrWalker.Reads(argument.Value, v => operands.Add(v.Id));
            }

            bool written = false;
            for (int i = from + 1; i < to && !written; i++)
            {
                if (!chain.Contains(i))
                {
                    IrWalker.Statements(statements[i], (s, _) => Written(s, v => written |= operands.Contains(v.Id)));
                }
            }

            return written;
        }
    }
}
