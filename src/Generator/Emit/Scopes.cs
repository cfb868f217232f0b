using System.Collections.Generic;
using DiffGen.Generator.Analysis;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Emit;

/// <summary>
/// Decides where each local of a generated method is declared: in the innermost block (or loop header) that contains
/// every use, just before the first statement that uses it, folded into that statement when it is a plain assignment.
/// Also gives every local a name that no overlapping scope uses.
/// </summary>
internal sealed class Scopes
{
    private readonly Dictionary<Block, Scope> _blockScopes = new(ByReference<Block>.Instance);
    private readonly Dictionary<Stmt, Scope> _headerScopes = new(ByReference<Stmt>.Instance);
    private readonly Dictionary<int, Use> _uses = new();
    private readonly Dictionary<Block, List<int>[]> _declareBefore = new(ByReference<Block>.Instance);
    private readonly HashSet<Stmt> _folded = new(ByReference<Stmt>.Instance);
    private readonly Dictionary<int, string> _names = new();
    private readonly HashSet<int> _inHeader = new();
    private readonly List<Var> _order = new();
    private readonly Scope _root = new(null, null);
    private int _sequence;

    private Scopes()
    {
    }

    public IReadOnlyDictionary<int, string> Names => _names;

    /// <summary>The variables to declare with a default value before statement <paramref name="index"/> of <paramref name="block"/>.</summary>
    public IEnumerable<int> DeclaredBefore(Block block, int index) =>
        _declareBefore.TryGetValue(block, out var lists) && lists[index] is { } list ? list : (IEnumerable<int>)[];

    /// <summary>Whether <paramref name="statement"/> (an assignment) also declares its target.</summary>
    public bool Declares(Stmt statement) => _folded.Contains(statement);

    /// <summary>Whether the loop header declares <paramref name="v"/>.</summary>
    public bool DeclaredInHeader(Var v) => _inHeader.Contains(v.Id);

    public Var VariableOf(int id)
    {
        foreach (var v in _order)
        {
            if (v.Id == id)
            {
                return v;
            }
        }

        throw new KeyNotFoundException();
    }

    /// <summary>Analyses <paramref name="body"/>. <paramref name="external"/> are names already taken (parameters).</summary>
    /// <param name="body">The method body.</param>
    /// <param name="external">Variables that are not declared in the body (parameters), with their names.</param>
    /// <param name="reserved">Names the emitter uses itself.</param>
    /// <param name="hoistedToTop">Variables that must be declared at the top of the body (used across a jump).</param>
    public static Scopes Analyze(Block body, IReadOnlyList<Var> external, IEnumerable<string> reserved, ISet<int> hoistedToTop)
    {
        var scopes = new Scopes();
        var taken = new HashSet<string>(reserved);
        foreach (var v in external)
        {
            scopes._names[v.Id] = v.Name;
            taken.Add(v.Name);
        }

        scopes.VisitBlock(body, scopes._root, external);
        scopes.Place(body, hoistedToTop);
        scopes.Name(taken);
        return scopes;
    }

    private sealed class Scope
    {
        public Scope(Scope? parent, Stmt? header)
        {
            Parent = parent;
            Header = header;
            Depth = parent is null ? 0 : parent.Depth + 1;
        }

        public Scope? Parent { get; }

        /// <summary>The loop whose header this scope is, or null for a block.</summary>
        public Stmt? Header { get; }

        public int Depth { get; }

        public Block? Block { get; set; }

        public bool Encloses(Scope other)
        {
            for (var s = other; s is not null; s = s.Parent)
            {
                if (ReferenceEquals(s, this))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private sealed class Use
    {
        public Use(Var v, Scope scope, int first)
        {
            Var = v;
            Scope = scope;
            First = first;
        }

        public Var Var { get; }

        public Scope Scope { get; set; }

        public int First { get; }

        public Scope? Declared { get; set; }
    }

    private static Scope Common(Scope a, Scope b)
    {
        while (a.Depth > b.Depth)
        {
            a = a.Parent!;
        }

        while (b.Depth > a.Depth)
        {
            b = b.Parent!;
        }

        while (!ReferenceEquals(a, b))
        {
            a = a.Parent!;
            b = b.Parent!;
        }

        return a;
    }

    private IReadOnlyList<Var> _external = [];

    private void Note(Var v, Scope scope)
    {
        foreach (var e in _external)
        {
            if (e.Id == v.Id)
            {
                return;
            }
        }

        if (v.Kind == VarKind.This)
        {
            return;
        }

        if (_uses.TryGetValue(v.Id, out var use))
        {
            use.Scope = Common(use.Scope, scope);
        }
        else
        {
            _uses[v.Id] = new Use(v, scope, _sequence);
            _order.Add(v);
        }
    }

    private readonly Dictionary<Stmt, (int Start, int End)> _ranges = new(ByReference<Stmt>.Instance);

    private void VisitBlock(Block block, Scope parent, IReadOnlyList<Var> external)
    {
        _external = external;
        var scope = new Scope(parent, null) { Block = block };
        _blockScopes[block] = scope;
        foreach (var statement in block.Statements)
        {
            int start = _sequence;
            VisitStatement(statement, scope);
            _ranges[statement] = (start, _sequence);
        }
    }

    private void VisitExpressions(Stmt statement, Scope scope)
    {
        foreach (var e in IrWalker.OwnExpressions(statement))
        {
            IrWalker.Reads(e, v => Note(v, scope));
            _sequence++;
        }
    }

    private void VisitStatement(Stmt statement, Scope scope)
    {
        _sequence++;
        switch (statement)
        {
            case Block b:
                VisitBlock(b, scope, _external);
                break;
            case If i:
                VisitExpressions(i, scope);
                VisitBlock(i.Then, scope, _external);
                VisitBlock(i.Else, scope, _external);
                break;
            case Loop l:
            {
                var header = new Scope(scope, l);
                _headerScopes[l] = header;
                VisitExpressions(l, header);
                VisitBlock(l.Body, header, _external);
                VisitBlock(l.Increment, header, _external);
                break;
            }

            case Model.Range r:
            {
                var header = new Scope(scope, r);
                _headerScopes[r] = header;
                VisitExpressions(r, header);
                VisitBlock(r.Body, header, _external);
                break;
            }

            case CommentOf:
                // A comment mentions variables but does not use them.
                break;
            default:
                VisitExpressions(statement, scope);
                break;
        }

        _sequence++;
    }

    private void Place(Block body, ISet<int> hoistedToTop)
    {
        foreach (var use in _uses.Values)
        {
            var scope = hoistedToTop.Contains(use.Var.Id) ? _blockScopes[body] : use.Scope;

            if (scope.Header is { } header)
            {
                var index = header switch { Loop { Index: { } i } => i, Model.Range r => r.Counter, _ => null };
                if (index is not null && index.Id == use.Var.Id)
                {
                    use.Declared = scope;
                    _inHeader.Add(use.Var.Id);
                    continue;
                }

                scope = scope.Parent!;
            }

            use.Declared = scope;
            var block = scope.Block!;
            int at = 0;
            if (!hoistedToTop.Contains(use.Var.Id))
            {
                for (int k = 0; k < block.Statements.Count; k++)
                {
                    var (start, end) = _ranges[block.Statements[k]];
                    if (use.First >= start && use.First < end)
                    {
                        at = k;
                        break;
                    }
                }

                var first = block.Statements[at];
                if (first is Assign { Target: VarRef target } assign && target.Var.Id == use.Var.Id && !IrWalker.ReadsVar(assign.Value, use.Var)
                    && !_folded.Contains(first))
                {
                    _folded.Add(first);
                    continue;
                }

                if (first is ScratchMark mark && mark.Mark.Id == use.Var.Id)
                {
                    _folded.Add(first);
                    continue;
                }
            }

            if (!_declareBefore.TryGetValue(block, out var lists))
            {
                lists = new List<int>[block.Statements.Count];
                _declareBefore[block] = lists;
            }

            (lists[at] ??= new List<int>()).Add(use.Var.Id);
        }
    }

    private void Name(HashSet<string> taken)
    {
        var named = new List<Use>();
        foreach (var v in _order)
        {
            var use = _uses[v.Id];
            string baseName = v.Name;
            string name = baseName;
            for (int n = 2; Conflicts(name, use, named, taken); n++)
            {
                name = baseName + "_" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            _names[v.Id] = name;
            named.Add(use);
        }
    }

    private bool Conflicts(string name, Use use, List<Use> named, HashSet<string> taken)
    {
        if (taken.Contains(name))
        {
            return true;
        }

        foreach (var other in named)
        {
            if (_names[other.Var.Id] == name && (other.Declared!.Encloses(use.Declared!) || use.Declared!.Encloses(other.Declared!)))
            {
                return true;
            }
        }

        return false;
    }
}
