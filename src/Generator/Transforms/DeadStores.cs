using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.Analysis;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Transforms;

/// <summary>
/// Removes assignments of side-effect-free values to variables the transform introduced and nothing reads (a record
/// whose reverse turned out empty, say). The user's own variables are never touched, and tape operations stay, so the
/// tape keeps its balance.
/// </summary>
internal static class DeadStores
{
    public static Block Remove(Block body, int firstGenerated)
    {
        while (true)
        {
            var read = new HashSet<int>();
            IrWalker.Statements(body, (statement, _) =>
            {
                foreach (var e in IrWalker.OwnExpressions(statement))
                {
                    if (statement is Assign { Target: VarRef target } && ReferenceEquals(e, target))
                    {
                        continue;
                    }

                    IrWalker.Reads(e, v => read.Add(v.Id));
                }
            });

            bool removed = false;
            var result = Filter(body, s =>
            {
                bool dead = s is Assign { Target: VarRef { Var: var v } } assign && v.Id >= firstGenerated && v.Kind != VarKind.Parameter && !read.Contains(v.Id) && IsPure(assign.Value);
                removed |= dead;
                return !dead;
            });
            if (!removed)
            {
                return body;
            }

            body = result;
        }
    }

    private static bool IsPure(Expr e) => e is not (TapePop or TapePopSpan or TapeRent or Invoke or DerivativeCall or BackwardInvoke or ParameterValue or NewObject or NewArray or StackAlloc)
        && IrWalker.Children(e).All(IsPure);

    private static Block Filter(Block block, System.Func<Stmt, bool> keep) =>
        new(block.Statements.Where(keep).Select(s => Filter(s, keep)).ToEquatableArray());

    private static Stmt Filter(Stmt statement, System.Func<Stmt, bool> keep) => statement switch
    {
        Block b => Filter(b, keep),
        If i => new If(i.Condition, Filter(i.Then, keep), Filter(i.Else, keep)),
        Loop l => l with { Body = Filter(l.Body, keep), Increment = Filter(l.Increment, keep) },
        Model.Range r => r with { Body = Filter(r.Body, keep) },
        _ => statement,
    };
}
