using System.Collections.Generic;
using System.Runtime.CompilerServices;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Analysis;

/// <summary>Compares IR nodes by reference: two equal statements in different places are different statements.</summary>
internal sealed class ByReference<T> : IEqualityComparer<T>
    where T : class
{
    public static readonly ByReference<T> Instance = new();

    public bool Equals(T? x, T? y) => ReferenceEquals(x, y);

    public int GetHashCode(T obj) => RuntimeHelpers.GetHashCode(obj);
}

/// <summary>Facts about jumps: which statements may leave early, and whether a block's end is reachable.</summary>
internal static class ControlFlow
{
    /// <summary>
    /// Whether executing <paramref name="statement"/> may leave it other than by finishing it: a <c>return</c>, or a
    /// <c>break</c>/<c>continue</c> of a loop outside it. (A <c>throw</c> leaves the method: nothing to reverse.)
    /// </summary>
    public static bool MayExit(Stmt statement) => MayExit(statement, new HashSet<int>());

    private static bool MayExit(Stmt statement, HashSet<int> innerLoops)
    {
        switch (statement)
        {
            case Return:
                return true;
            case Break b:
                return !innerLoops.Contains(b.LoopId);
            case Continue c:
                return !innerLoops.Contains(c.LoopId);
            case Block block:
                foreach (var s in block.Statements)
                {
                    if (MayExit(s, innerLoops))
                    {
                        return true;
                    }
                }

                return false;
            case If conditional:
                return MayExit(conditional.Then, innerLoops) || MayExit(conditional.Else, innerLoops);
            case Loop loop:
                innerLoops.Add(loop.Id);
                bool exits = MayExit(loop.Body, innerLoops) || MayExit(loop.Increment, innerLoops);
                innerLoops.Remove(loop.Id);
                return exits;
            default:
                return false;
        }
    }

    /// <summary>Whether <paramref name="statement"/> contains a <c>break</c> of loop <paramref name="loopId"/>.</summary>
    public static bool Breaks(Stmt statement, int loopId)
    {
        bool found = false;
        IrWalker.Statements(statement, (s, _) => found |= s is Break b && b.LoopId == loopId);
        return found;
    }

    public static bool ContainsReturn(Stmt statement)
    {
        bool found = false;
        IrWalker.Statements(statement, (s, _) => found |= s is Return);
        return found;
    }

    /// <summary>Whether control can reach the point after <paramref name="statement"/>, as C# judges it.</summary>
    public static bool EndReachable(Stmt statement)
    {
        switch (statement)
        {
            case Return or Break or Continue or Throw or GoTo or ReturnValue:
                return false;
            case Block block:
                return block.Statements.Count == 0 || EndReachable(block.Statements[block.Statements.Count - 1]);
            case If conditional:
                return conditional.Else.Statements.Count == 0 || EndReachable(conditional.Then) || EndReachable(conditional.Else);
            case Loop loop:
                return !IsAlwaysTrue(loop.Condition) || Breaks(loop.Body, loop.Id);
            default:
                return true;
        }
    }

    public static bool IsAlwaysTrue(Expr? condition) => condition is null || condition is Literal { Code: "true" };
}
