using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DiffGen.Generator.Analysis;
using DiffGen.Generator.Lowering;
using DiffGen.Generator.Model;
using static DiffGen.Generator.Transforms.Build;

namespace DiffGen.Generator.Transforms;

/// <summary>
/// The reverse-mode transform: turns a lowered method into one IR body that runs the forward sweep (the original
/// computation, recording what it overwrites and which way control went) and then the reverse sweep (adjoints,
/// statement by statement in reverse order, restoring recorded values as it goes).
/// </summary>
/// <remarks>
/// <para>
/// Values. The reverse sweep reads primal variables (operands of non-linear operations, indices). For such a
/// variable, every assignment that may overwrite a value still needed records the old value before it and the reverse
/// sweep restores it after undoing the assignment, so at each point of the reverse sweep every variable holds the value
/// it had at the mirror point of the forward sweep. An assignment that runs at most once keeps its record in a local;
/// inside a loop, on the tape.
/// </para>
/// <para>
/// Control. Each <c>if</c> with something to reverse records its branch; each loop records its trip count (a counted
/// <c>for</c> recomputes its index from it); a block with an early exit (<c>break</c>, <c>continue</c>,
/// <c>return</c>) before its last statement records where it stopped. Records are pushed at the end of the construct,
/// and an exit pushes the records of every construct it leaves, innermost first, so the reverse sweep always finds on
/// top of the tape the record of the construct it is about to undo.
/// </para>
/// </remarks>
internal sealed class ReverseMode
{
    private const string ReverseLabel = "_reverse";
    private static readonly TypeRef TapeObject = new(TypeKind.Other, "object");

    /// <summary>The adjoint of a tensor: null until something flows into it.</summary>
    private static readonly TypeRef TensorAdjoint = new(TypeKind.Other, "global::DiffGen.Tensor?");
    private static readonly Literal NoTensor = new(TensorAdjoint, "null");

    private readonly MethodModel _method;
    private readonly Activity _activity;
    private readonly int _primalLimit;
    private readonly HashSet<int> _needed;
    private readonly HashSet<int> _neededElements;
    private readonly Dictionary<int, int> _assignments = new();
    private readonly HashSet<int> _assignedInLoop = new();
    private readonly HashSet<int> _countedIndices = new();
    private readonly HashSet<int> _createdInLoop = new();
    private readonly HashSet<Stmt> _firstReferences = new(ByReference<Stmt>.Instance);
    private readonly Dictionary<int, Assign> _recomputed = new();
    private readonly Dictionary<Block, List<Assign>> _recomputedIn = new(ByReference<Block>.Instance);
    private readonly Dictionary<int, Var> _adjoints = new();
    private readonly List<Var> _scalarAdjoints = new();
    private readonly List<Var> _tensorAdjoints = new();
    private readonly Dictionary<int, Expr> _parameterValues = new();
    private readonly Dictionary<int, Var> _gradientParameters = new();
    private readonly List<Frame> _frames = new();
    private readonly Fusion? _fusion;
    private readonly HashSet<int> _reads = new();
    private readonly HashSet<int> _elementReads = new();
    private int _nextVar;
    private int _nextName;
    private int _loopDepth;
    private bool _usesTape;

    private ReverseMode(MethodModel method, HashSet<int> needed, HashSet<int> neededElements, Fusion? fusion = null)
    {
        _method = method;
        _fusion = fusion;
        if (fusion is not null)
        {
            foreach (var pair in fusion.ScalarAccumulators)
            {
                _adjoints[pair.Key] = pair.Value;
            }

            foreach (var pair in fusion.ArrayAccumulators)
            {
                _gradientParameters[pair.Key] = pair.Value;
            }
        }

        _activity = Activity.Analyze(method);
        _primalLimit = method.NextVarId;
        _nextVar = method.NextVarId;
        _needed = needed;
        _neededElements = neededElements;
        var referenced = new HashSet<int>();
        IrWalker.Statements(method.Body, (statement, depth) =>
        {
            if (statement is Assign { Target: VarRef first } firstAssign && depth == 0 && !referenced.Contains(first.Var.Id)
                && !IrWalker.ReadsVar(firstAssign.Value, first.Var))
            {
                _firstReferences.Add(statement);
            }

            foreach (var e in IrWalker.OwnExpressions(statement))
            {
                IrWalker.Reads(e, v => referenced.Add(v.Id));
            }

            foreach (var v in AssignedVariables(statement))
            {
                _assignments[v.Id] = _assignments.TryGetValue(v.Id, out int n) ? n + 1 : 1;
                if (depth > 0)
                {
                    _assignedInLoop.Add(v.Id);
                }
            }

            if (statement is Loop { Index: { } index })
            {
                _countedIndices.Add(index.Id);
            }

            if (depth > 0 && statement is Assign { Target: VarRef { Var: var created }, Value: NewArray or StackAlloc })
            {
                _createdInLoop.Add(created.Id);
            }

            if (statement is Assign { Target: VarRef { Var: var parameterValue }, Value: ParameterValue read })
            {
                _parameterValues[parameterValue.Id] = read.Parameter;
            }
        });

        FindRecomputable(method.Body, null);
    }

    private enum FrameKind
    {
        Block,
        If,
        Loop,
    }

    /// <summary>Transforms <paramref name="method"/> (as lowered by the front end) into its gradient method.</summary>
    public static GradientMethod Transform(MethodModel method) =>
        FixedPoint(Normalizer.Run(method), null, pass => pass.Run()).Result;

    /// <summary>
    /// Which primal values the reverse sweep reads decides which assignments must record; reading more can only add
    /// records (and so more reverse code, which may read more), so the transform runs to the fixed point.
    /// </summary>
    private static (T Result, ReverseMode Pass) FixedPoint<T>(MethodModel method, Fusion? fusion, Func<ReverseMode, T> run)
    {
        var needed = new HashSet<int>();
        var neededElements = new HashSet<int>();
        for (int round = 0; ; round++)
        {
            var pass = new ReverseMode(method, needed, neededElements, fusion);
            var result = run(pass);
            bool stable = pass._reads.IsSubsetOf(needed) && pass._elementReads.IsSubsetOf(neededElements);
            if (stable || round > 8)
            {
                return (result, pass);
            }

            needed.UnionWith(pass._reads);
            neededElements.UnionWith(pass._elementReads);
        }
    }

    private GradientMethod Run()
    {
        var gradients = new List<Var>();
        for (int i = 0; i < _method.Parameters.Count; i++)
        {
            var p = _method.Parameters[i];
            if (p.Gradient == GradientKind.None)
            {
                continue;
            }

            var type = p.Gradient switch
            {
                GradientKind.Scalar => p.Type,
                GradientKind.Tensor => TypeRef.Tensor,
                _ => TypeRef.SpanOf(p.Type.Element!),
            };
            var output = new Var(_nextVar++, p.GradientName, type, VarKind.Parameter);
            gradients.Add(output);
            _gradientParameters[_method.ParameterVars[i].Id] = output;
        }

        var forward = new List<Stmt>();
        for (int i = 0; i < _method.Parameters.Count; i++)
        {
            var p = _method.Parameters[i];
            if (p.Gradient is GradientKind.Buffer or GradientKind.Tensor)
            {
                var input = _method.ParameterVars[i];
                forward.Add(new ExprStmt(RuntimeCall("PrepareGradient", TypeRef.Void,
                    new VarRef(_gradientParameters[input.Id]), new VarRef(input),
                    new Literal(Str, Quote(p.GradientName)), new Literal(Str, Quote(p.Name)))));
            }
        }

        forward.Add(new Comment("Forward sweep: the original computation, recording what the reverse sweep needs."));
        var reverse = BlockOf(_method.Body, forward, isTop: true);
        bool usesGoto = ContainsGoto(forward);

        var body = new List<Stmt>(forward);
        if (usesGoto)
        {
            body.Add(new LabelStmt(ReverseLabel));
        }

        var reverseSection = new List<Stmt>();
        if (_activity.IsActive(_method.Result) && !IsSingleAssignment(_method.Result))
        {
            reverseSection.Add(new Assign(new VarRef(Adjoint(_method.Result)), Real(_method.Result.Type, 1)));
        }

        var resets = new List<Stmt>();
        foreach (var adjoint in _scalarAdjoints)
        {
            if (adjoint.Id != (_adjoints.TryGetValue(_method.Result.Id, out var r) ? r.Id : -1))
            {
                resets.Add(new Assign(new VarRef(adjoint), Real(adjoint.Type, 0)));
            }
        }

        foreach (var adjoint in _tensorAdjoints)
        {
            resets.Add(new Assign(new VarRef(adjoint), NoTensor));
        }

        reverseSection.InsertRange(0, resets);

        if (reverse.Count > 0 || reverseSection.Count > 0)
        {
            body.Add(new Comment("Reverse sweep: adjoints, from the result back to the inputs."));
            body.AddRange(reverseSection);
            body.AddRange(reverse);
        }

        for (int i = 0; i < _method.Parameters.Count; i++)
        {
            var p = _method.Parameters[i];
            if (p.Gradient == GradientKind.Scalar)
            {
                var input = _method.ParameterVars[i];
                Expr value = _activity.IsActive(input) ? new VarRef(Adjoint(input)) : Real(p.Type, 0);
                body.Add(new Assign(new VarRef(_gradientParameters[input.Id]), value));
            }
            else if (p.Gradient == GradientKind.Tensor)
            {
                var input = _method.ParameterVars[i];
                Expr value = _activity.IsActive(input) ? new VarRef(Adjoint(input)) : NoTensor;
                body.Add(new ExprStmt(RuntimeCall("CopyGradient", TypeRef.Void, new VarRef(_gradientParameters[input.Id]), value)));
            }
        }

        body.Add(new ReturnValue(new VarRef(_method.Result)));
        var cleaned = Peephole.Run(DeadStores.Remove(new Block(body.ToEquatableArray()), _primalLimit), _primalLimit);
        return new GradientMethod(_method, cleaned, gradients.ToEquatableArray(), _usesTape, usesGoto ? ReverseLabel : string.Empty, UsesTensors(), _parameterValues.Count > 0);
    }

    private static readonly TypeRef Str = new(TypeKind.Other, "string");

    private static string Quote(string text) => "\"" + text + "\"";

    private const string AdjointsType = "global::DiffGen.CompilerServices.Adjoints";

    private static Invoke RuntimeCall(string name, TypeRef type, params Expr[] args) =>
        new(null, AdjointsType, name, args.Select(a => new Argument(a, ArgKind.Value)).ToEquatableArray(), type,
            CalleeInfo.NotDifferentiable(name, name), -1);

    // ---------------------------------------------------------------- analysis helpers

    private static IEnumerable<Var> AssignedVariables(Stmt statement)
    {
        switch (statement)
        {
            case Assign { Target: VarRef target } assign:
                yield return target.Var;
                if (assign.Value is Invoke assigned)
                {
                    foreach (var v in OutArguments(assigned))
                    {
                        yield return v;
                    }
                }

                break;
            case ExprStmt { Value: Invoke call }:
                foreach (var v in OutArguments(call))
                {
                    yield return v;
                }

                break;
        }
    }

    private static IEnumerable<Var> OutArguments(Invoke call)
    {
        foreach (var arg in call.Args)
        {
            if (arg.Kind is ArgKind.Out or ArgKind.Ref && arg.Value is VarRef v)
            {
                yield return v.Var;
            }
        }
    }

    private bool IsPrimal(Var v) => v.Id < _primalLimit;

    /// <summary>
    /// Finds locals the reverse sweep can compute again rather than record: assigned once, at the top of a loop body
    /// before anything can leave it, from an expression without calls whose inputs the body never changes
    /// (<c>double a = x[i + 1] - x[i] * x[i];</c>), and used only after that assignment in the same body. Recomputing
    /// them at the start of each trip's reverse costs a few operations; recording them costs a push and a pop.
    /// </summary>
    private void FindRecomputable(Stmt statement, Loop? loop)
    {
        switch (statement)
        {
            case Block block:
                foreach (var s in block.Statements)
                {
                    FindRecomputable(s, loop);
                }

                break;
            case If conditional:
                FindRecomputable(conditional.Then, loop);
                FindRecomputable(conditional.Else, loop);
                break;
            case Loop inner:
                FindRecomputableInBody(inner);
                FindRecomputable(inner.Body, inner);
                FindRecomputable(inner.Increment, inner);
                break;
        }
    }

    private void FindRecomputableInBody(Loop loop)
    {
        var body = loop.Body;
        var assignedInLoop = new HashSet<int>();
        var writtenArrays = new HashSet<int>();
        foreach (var part in new Stmt[] { loop.Body, loop.Increment })
        {
            IrWalker.Statements(part, (s, _) =>
            {
                foreach (var v in AssignedVariables(s))
                {
                    assignedInLoop.Add(v.Id);
                }

                if (s is Assign { Target: ElementAt { Collection: VarRef array } })
                {
                    writtenArrays.Add(array.Var.Id);
                }
            });
        }

        for (int k = 0; k < body.Statements.Count; k++)
        {
            if (body.Statements[k] is Assign { Target: VarRef { Var: var v } } assign && v.Type.IsReal
                && v.Kind is VarKind.Local or VarKind.Temp && _assignments.TryGetValue(v.Id, out int n) && n == 1
                && assign.Value is not (Invoke or DerivativeCall)
                && IsRecomputable(assign.Value, loop, assignedInLoop, writtenArrays)
                && UsedOnlyAfter(v, body, k))
            {
                _recomputed[v.Id] = assign;
                if (!_recomputedIn.TryGetValue(body, out var list))
                {
                    list = new List<Assign>();
                    _recomputedIn[body] = list;
                }

                list.Add(assign);
            }

            if (ControlFlow.MayExit(body.Statements[k]))
            {
                break;
            }
        }
    }

    private static bool IsRecomputable(Expr e, Loop loop, HashSet<int> assignedInLoop, HashSet<int> writtenArrays) => e switch
    {
        Literal or ThisRef or DefaultOf => true,
        VarRef v => !assignedInLoop.Contains(v.Var.Id) || (loop.Index is { } index && index.Id == v.Var.Id),
        ElementAt { Collection: VarRef array } a => !writtenArrays.Contains(array.Var.Id) && !assignedInLoop.Contains(array.Var.Id)
            && IsRecomputable(a.Index, loop, assignedInLoop, writtenArrays),
        LengthOf { Collection: VarRef c } => !assignedInLoop.Contains(c.Var.Id),
        MemberRead m => m.Receiver is null or ThisRef,
        Unary u => IsRecomputable(u.Operand, loop, assignedInLoop, writtenArrays),
        Binary b => IsRecomputable(b.Left, loop, assignedInLoop, writtenArrays) && IsRecomputable(b.Right, loop, assignedInLoop, writtenArrays),
        Model.Convert c => IsRecomputable(c.Operand, loop, assignedInLoop, writtenArrays),
        Intrinsic i => i.Args.All(a => IsRecomputable(a, loop, assignedInLoop, writtenArrays)),
        _ => false,
    };

    /// <summary>Whether every use of <paramref name="v"/> lies in the statements after <paramref name="index"/> of <paramref name="body"/>.</summary>
    private bool UsedOnlyAfter(Var v, Block body, int index)
    {
        int inside = 0;
        for (int k = index + 1; k < body.Statements.Count; k++)
        {
            IrWalker.Statements(body.Statements[k], (s, _) =>
            {
                foreach (var e in IrWalker.OwnExpressions(s))
                {
                    IrWalker.Reads(e, r => inside += r.Id == v.Id ? 1 : 0);
                }
            });
        }

        int everywhere = 0;
        IrWalker.Statements(_method.Body, (s, _) =>
        {
            foreach (var e in IrWalker.OwnExpressions(s))
            {
                IrWalker.Reads(e, r => everywhere += r.Id == v.Id ? 1 : 0);
            }
        });

        // Every read of v, except the target of its own assignment, is after it in this body.
        return everywhere - 1 == inside;
    }

    private bool IsActive(Var v) => _activity.IsActive(v);

    private bool IsActive(Expr e) => _activity.IsActive(e);

    /// <summary>Assigned exactly once, outside any loop: its adjoint needs no reset and its old value no record.</summary>
    private bool IsSingleAssignment(Var v) =>
        v.Kind != VarKind.Parameter && !(_fusion?.LiveIn.Contains(v.Id) ?? false)
        && _assignments.TryGetValue(v.Id, out int n) && n == 1 && !_assignedInLoop.Contains(v.Id);

    /// <summary>Whether an assignment to <paramref name="v"/> must record the value it overwrites.</summary>
    private bool NeedsRecord(Var v) =>
        // The result is assigned once per run (only one 'return' executes), and is returned after the reverse sweep.
        _needed.Contains(v.Id) && !_countedIndices.Contains(v.Id) && !_recomputed.ContainsKey(v.Id) && v.Kind != VarKind.This
        && v.Id != _method.Result.Id && !IsSingleAssignment(v);

    /// <summary>Whether undoing <paramref name="statement"/> takes any code.</summary>
    private bool HasReverse(Stmt statement)
    {
        switch (statement)
        {
            case Assign { Target: VarRef { Var: var v } } assign:
                if (IsActive(v) || (NeedsRecord(v) && !_firstReferences.Contains(assign)))
                {
                    return true;
                }

                return assign.Value is Invoke assigned && OutArguments(assigned).Any(NeedsRecord);
            case Assign { Target: ElementAt { Collection: VarRef { Var: var a } } }:
                return IsActive(a) || _neededElements.Contains(a.Id);
            case ExprStmt { Value: Invoke effect }:
                return OutArguments(effect).Any(NeedsRecord);
            case Block block:
                return block.Statements.Any(HasReverse);
            case If conditional:
                return HasReverse(conditional.Then) || HasReverse(conditional.Else);
            case Loop loop:
                return HasReverse(loop.Body) || HasReverse(loop.Increment);
            default:
                return false;
        }
    }

    // ---------------------------------------------------------------- variables

    private Var NewVar(string name, TypeRef type) => new(_nextVar++, name, type, VarKind.Temp);

    private string NextName(string prefix) => prefix + (++_nextName).ToString(CultureInfo.InvariantCulture);

    private Var Adjoint(Var v)
    {
        if (_gradientParameters.TryGetValue(v.Id, out var output) && output.Type.IsCollection)
        {
            return output;
        }

        if (!_adjoints.TryGetValue(v.Id, out var adjoint))
        {
            if (_parameterValues.ContainsKey(v.Id))
            {
                throw new InvalidOperationException("The adjoint of a parameter's value is its Grad.");
            }

            string name = "_d" + (v.Name.StartsWith("_", StringComparison.Ordinal) ? v.Name : "_" + v.Name);
            TypeRef type = v.Type.IsReal ? v.Type
                : v.Type.IsTensor ? TensorAdjoint
                : _createdInLoop.Contains(v.Id) ? TypeRef.ArrayOf(v.Type.Element!) : TypeRef.SpanOf(v.Type.Element!);
            adjoint = NewVar(name, type);
            _adjoints[v.Id] = adjoint;
            if (type.IsReal)
            {
                _scalarAdjoints.Add(adjoint);
            }
            else if (v.Type.IsTensor)
            {
                _tensorAdjoints.Add(adjoint);
            }
        }

        return adjoint;
    }

    /// <summary>Notes every primal variable that code of the reverse sweep reads.</summary>
    private void NoteReads(Stmt statement)
    {
        foreach (var e in IrWalker.OwnExpressions(statement))
        {
            NoteReads(e);
        }

        switch (statement)
        {
            case Block b:
                b.Statements.ToList().ForEach(NoteReads);
                break;
            case If i:
                NoteReads(i.Then);
                NoteReads(i.Else);
                break;
            case Model.Range r:
                NoteReads(r.Body);
                break;
        }
    }

    private void NoteReads(Expr expr)
    {
        IrWalker.Reads(expr, v =>
        {
            if (IsPrimal(v))
            {
                _reads.Add(v.Id);
            }
        });
        NoteElementReads(expr);
    }

    /// <summary>Notes every primal array whose elements the reverse sweep reads, at any depth.</summary>
    private void NoteElementReads(Expr expr)
    {
        if (expr is ElementAt { Collection: VarRef array } && IsPrimal(array.Var))
        {
            _elementReads.Add(array.Var.Id);
        }

        foreach (var child in IrWalker.Children(expr))
        {
            NoteElementReads(child);
        }
    }

    // ---------------------------------------------------------------- records

    /// <summary>Records <paramref name="place"/>'s current value before it is overwritten; returns how to restore it.</summary>
    private Stmt Record(Expr place, List<Stmt> forward)
    {
        if (_loopDepth > 0)
        {
            _usesTape = true;
            forward.Add(new TapePush(place));
            var type = place.Type.Kind is TypeKind.Other or TypeKind.Array ? place.Type : place.Type;
            return new Assign(place, new TapePop(type));
        }

        var saved = NewVar(NextName("_old"), place.Type);
        forward.Add(new Assign(new VarRef(saved), place));
        return new Assign(place, new VarRef(saved));
    }

    private Expr PopOrRead(Var local, TypeRef type, bool inLoop, List<Stmt> reverse)
    {
        if (!inLoop)
        {
            return new VarRef(local);
        }

        _usesTape = true;
        var popped = NewVar(NextName("_rec"), type);
        reverse.Add(new Assign(new VarRef(popped), new TapePop(type)));
        return new VarRef(popped);
    }

    // ---------------------------------------------------------------- statements

    private sealed class Frame
    {
        public FrameKind Kind;
        public bool Records;
        public bool InLoop;
        public Var? Record;
        public Var? Broke;
        public int LoopId = -1;
        public int Current;
        public int Count;
        public bool IsTop;
    }

    /// <summary>Appends the forward sweep of <paramref name="block"/> to <paramref name="forward"/>; returns its reverse sweep.</summary>
    private List<Stmt> BlockOf(Block block, List<Stmt> forward, bool isTop = false)
    {
        int count = block.Statements.Count;
        var exits = new List<int>();
        for (int k = 0; k < count - 1; k++)
        {
            if (ControlFlow.MayExit(block.Statements[k]))
            {
                exits.Add(k);
            }
        }

        var frame = new Frame
        {
            Kind = FrameKind.Block,
            InLoop = _loopDepth > 0,
            // Only needed if something after an exit point has to be undone.
            Records = exits.Count > 0 && block.Statements.Skip(exits[0] + 1).Any(HasReverse),
            Count = count,
            IsTop = isTop,
        };
        if (frame.Records && !frame.InLoop)
        {
            frame.Record = NewVar(NextName("_exit"), TypeRef.Int);
            forward.Add(new Assign(new VarRef(frame.Record), Int(count - 1)));
        }

        _frames.Add(frame);
        var parts = new List<Stmt>[count];
        for (int k = 0; k < count; k++)
        {
            frame.Current = k;
            parts[k] = Statement(block.Statements[k], forward);
        }

        _frames.RemoveAt(_frames.Count - 1);
        if (frame.Records && frame.InLoop && ControlFlow.EndReachable(block))
        {
            PushRecord(Int(count - 1), forward);
        }

        var reverse = new List<Stmt>();
        if (_recomputedIn.TryGetValue(block, out var recomputes) && parts.Any(p => p.Count > 0))
        {
            // Values this iteration computed from what it does not change: computed again instead of recorded.
            foreach (var assign in recomputes)
            {
                reverse.Add(assign);
                NoteReads(assign.Value);
            }
        }

        if (!frame.Records)
        {
            for (int k = count - 1; k >= 0; k--)
            {
                reverse.AddRange(parts[k]);
            }

            return reverse;
        }

        // Undo only what ran: statement k ran if the block stopped at k or later.
        var code = PopOrRead(frame.Record!, TypeRef.Int, frame.InLoop, reverse);
        int end = count - 1;
        for (int e = exits.Count - 1; e >= -1; e--)
        {
            int start = e >= 0 ? exits[e] + 1 : 0;
            var segment = new List<Stmt>();
            for (int k = end; k >= start; k--)
            {
                segment.AddRange(parts[k]);
            }

            if (segment.Count > 0)
            {
                if (e >= 0)
                {
                    reverse.Add(new If(Compare(BinaryOp.Greater, code, Int(exits[e])), new Block(segment.ToEquatableArray()), Block.Empty));
                }
                else
                {
                    reverse.AddRange(segment);
                }
            }

            end = start - 1;
        }

        return reverse;
    }

    private void PushRecord(Expr value, List<Stmt> forward)
    {
        _usesTape = true;
        forward.Add(new TapePush(value));
    }

    private List<Stmt> Statement(Stmt statement, List<Stmt> forward)
    {
        switch (statement)
        {
            case Assign { Value: Invoke { Callee.Backward: true } call } assign when assign.Target is VarRef target && IsActive(target.Var):
                return BackwardCall(assign, target.Var, call, forward);
            case Assign { Value: Invoke call } assign when assign.Target is VarRef target && IsActive(target.Var) && call.Callee.Kind != CalleeKind.None:
                return DifferentiableCall(assign, target.Var, call, forward);
            case Assign assign:
                return Assignment(assign, forward);
            case ExprStmt expression:
                return Effect(expression, forward);
            case If conditional:
                return Branch(conditional, forward);
            case Loop loop:
                return Repeat(loop, forward);
            case Block block:
            {
                var inner = new List<Stmt>();
                var reverse = BlockOf(block, inner);
                forward.Add(new Block(inner.ToEquatableArray()));
                return reverse;
            }

            case Break or Continue or Return:
                Exit(statement, forward);
                return new List<Stmt>();
            default:
                forward.Add(statement);
                return new List<Stmt>();
        }
    }

    private List<Stmt> Effect(ExprStmt statement, List<Stmt> forward)
    {
        var restores = new List<Stmt>();
        if (statement.Value is Invoke call)
        {
            foreach (var v in OutArguments(call))
            {
                if (NeedsRecord(v))
                {
                    restores.Add(Record(new VarRef(v), forward));
                }
            }
        }

        forward.Add(statement);
        restores.Reverse();
        return restores;
    }

    private List<Stmt> Assignment(Assign assign, List<Stmt> forward)
    {
        var restores = new List<Stmt>();
        Var? created = null;
        switch (assign.Target)
        {
            case VarRef { Var: var v }:
                // The first assignment (outside loops) overwrites nothing anyone needs.
                if (NeedsRecord(v) && !_firstReferences.Contains(assign))
                {
                    restores.Add(Record(assign.Target, forward));
                }

                if (assign.Value is Invoke call)
                {
                    foreach (var o in OutArguments(call))
                    {
                        if (NeedsRecord(o))
                        {
                            restores.Add(Record(new VarRef(o), forward));
                        }
                    }
                }

                if (assign.Value is NewArray or StackAlloc && IsActive(v))
                {
                    created = v;
                    if (_createdInLoop.Contains(v.Id))
                    {
                        restores.Add(Record(new VarRef(Adjoint(v)), forward));
                    }
                }

                break;
            case ElementAt { Collection: VarRef { Var: var array } } element when _neededElements.Contains(array.Id):
                restores.Add(Record(element, forward));
                break;
        }

        forward.Add(assign);
        if (created is not null)
        {
            // The adjoint of an array created here: scratch from the tape when it is created once, an array of the
            // same length when it is created anew in every iteration of a loop (the reverse sweep needs each one).
            var adjoint = Adjoint(created);
            var length = new LengthOf(new VarRef(created));
            if (_createdInLoop.Contains(created.Id))
            {
                forward.Add(new Assign(new VarRef(adjoint), new NewArray(created.Type.Element!, length)));
            }
            else
            {
                _usesTape = true;
                forward.Add(new Assign(new VarRef(adjoint), new TapeRent(created.Type.Element!, length)));
            }
        }

        restores.Reverse();
        var reverse = new List<Stmt>();
        switch (assign.Target)
        {
            case VarRef { Var: var v } when IsActive(v) && v.Type.IsTensor && assign.Value is not ParameterValue:
            {
                // t = u (or a tensor that carries no derivative): t's adjoint goes to u.
                var seed = Seed(v, reverse, _firstReferences.Contains(assign));
                reverse.AddRange(restores);
                Propagate(assign.Value, seed, null, reverse);
                break;
            }

            case VarRef { Var: var v } when IsActive(v) && created is null && assign.Value.Type.IsReal && !IsActive(assign.Value):
                // A value that carries no derivative: the adjoint of v stops here (unless nothing came before).
                if (!_firstReferences.Contains(assign) && !IsSingleAssignment(v))
                {
                    reverse.Add(new Assign(new VarRef(Adjoint(v)), Real(v.Type, 0)));
                }

                reverse.AddRange(restores);
                break;
            case VarRef { Var: var v } when IsActive(v) && created is null && IsAccumulation(v, assign.Value, out var increment, out bool subtract):
                // v = v + e (or v - e): v's adjoint passes through unchanged; e gets it. In a fused trip the
                // accumulator's adjoint is the constant seed 1.
                reverse.AddRange(restores);
                Expr passed = _fusion is not null && v.Id == _method.Result.Id ? Real(v.Type, 1) : new VarRef(Adjoint(v));
                Propagate(increment, subtract ? Neg(passed) : passed, null, reverse);
                break;
            case VarRef { Var: var v } when IsActive(v) && created is null && assign.Value.Type.IsReal:
            {
                var seed = Seed(v, reverse, _firstReferences.Contains(assign));
                Expr? result = null;
                if (assign.Value is Intrinsic intrinsic && Derivatives.UsesResult(intrinsic, IsActive))
                {
                    result = new VarRef(v);
                    if (restores.Count > 0)
                    {
                        var captured = NewVar(NextName("_y"), v.Type);
                        reverse.Add(new Assign(new VarRef(captured), new VarRef(v)));
                        result = new VarRef(captured);
                    }
                }

                reverse.AddRange(restores);
                Propagate(assign.Value, seed, result, reverse);
                break;
            }

            case ElementAt { Collection: VarRef { Var: var array } } element when IsActive(array) && IsElementAccumulation(element, assign.Value, out var increment, out bool subtract):
            {
                // a[i] = a[i] + e: the element's adjoint passes through unchanged; e gets it.
                reverse.AddRange(restores);
                Expr elementAdjoint = new ElementAt(new VarRef(Adjoint(array)), element.Index, element.Type);
                Propagate(increment, subtract ? Neg(elementAdjoint) : elementAdjoint, null, reverse);
                break;
            }

            case ElementAt { Collection: VarRef { Var: var array } } element when IsActive(array):
            {
                var seed = NewVar(NextName("_s"), element.Type);
                var adjointElement = new ElementAt(new VarRef(Adjoint(array)), element.Index, element.Type);
                reverse.Add(new Assign(new VarRef(seed), adjointElement));
                reverse.Add(new Assign(adjointElement, Real(element.Type, 0)));
                Expr? result = null;
                if (assign.Value is Intrinsic intrinsic && Derivatives.UsesResult(intrinsic, IsActive))
                {
                    // The element holds the function's value until it is restored: read it instead of recomputing.
                    var captured = NewVar(NextName("_y"), element.Type);
                    reverse.Add(new Assign(new VarRef(captured), element));
                    result = new VarRef(captured);
                }

                reverse.AddRange(restores);
                Propagate(assign.Value, new VarRef(seed), result, reverse);
                break;
            }

            default:
                reverse.AddRange(restores);
                break;
        }

        if (reverse.Count > 0)
        {
            reverse.Insert(0, new CommentOf(assign));
        }

        reverse.ForEach(NoteReads);
        return reverse;
    }

    /// <summary>Whether <paramref name="value"/> is <c>v + e</c>, <c>e + v</c> or <c>v - e</c> with <c>e</c> not reading <c>v</c>.</summary>
    private static bool IsAccumulation(Var v, Expr value, out Expr increment, out bool subtract)
    {
        increment = value;
        subtract = false;
        if (value is not Binary { Op: BinaryOp.Add or BinaryOp.Subtract } b || !b.Type.IsReal)
        {
            return false;
        }

        if (b.Left is VarRef left && left.Var.Id == v.Id && !IrWalker.ReadsVar(b.Right, v))
        {
            increment = b.Right;
            subtract = b.Op == BinaryOp.Subtract;
            return true;
        }

        if (b.Op == BinaryOp.Add && b.Right is VarRef right && right.Var.Id == v.Id && !IrWalker.ReadsVar(b.Left, v))
        {
            increment = b.Left;
            return true;
        }

        return false;
    }

    /// <summary>Whether <paramref name="value"/> is <c>a[i] + e</c> or <c>a[i] - e</c> for the element assigned, with <c>e</c> not reading <c>a</c>.</summary>
    private static bool IsElementAccumulation(ElementAt element, Expr value, out Expr increment, out bool subtract)
    {
        increment = value;
        subtract = false;
        var array = ((VarRef)element.Collection).Var;
        if (value is not Binary { Op: BinaryOp.Add or BinaryOp.Subtract } b || !b.Type.IsReal)
        {
            return false;
        }

        if (b.Left == element && !IrWalker.ReadsVar(b.Right, array))
        {
            increment = b.Right;
            subtract = b.Op == BinaryOp.Subtract;
            return true;
        }

        if (b.Op == BinaryOp.Add && b.Right == element && !IrWalker.ReadsVar(b.Left, array))
        {
            increment = b.Left;
            return true;
        }

        return false;
    }

    /// <summary>The adjoint flowing into an assignment to <paramref name="v"/>, taken (and reset) from its adjoint variable.</summary>
    private Expr Seed(Var v, List<Stmt> reverse, bool firstReference = false)
    {
        if (v.Id == _method.Result.Id && IsSingleAssignment(v))
        {
            return Real(v.Type, 1);
        }

        var adjoint = Adjoint(v);
        if (IsSingleAssignment(v) || firstReference)
        {
            return new VarRef(adjoint);
        }

        var seed = NewVar(NextName("_s"), adjoint.Type);
        reverse.Add(new Assign(new VarRef(seed), new VarRef(adjoint)));
        reverse.Add(new Assign(new VarRef(adjoint), v.Type.IsTensor ? NoTensor : Real(v.Type, 0)));
        return new VarRef(seed);
    }

    /// <summary><c>t = F(args)</c> where <c>F</c> has a derivative: call it, keep the partials, and use them in reverse.</summary>
    private List<Stmt> DifferentiableCall(Assign assign, Var target, Invoke call, List<Stmt> forward)
    {
        var parameters = call.Callee.Parameters;
        var outputs = new List<Argument>();
        var scalarPartials = new List<(int Index, Var Partial)>();
        var bufferPartials = new List<(int Index, Var Buffer, Expr Collection)>();
        var restores = new List<Stmt>();
        var after = new List<Stmt>();
        bool inLoop = _loopDepth > 0;

        if (NeedsRecord(target))
        {
            restores.Add(Record(assign.Target, forward));
        }

        for (int j = 0; j < parameters.Count && j < call.Args.Count; j++)
        {
            var p = parameters[j];
            var arg = call.Args[j].Value;
            if (p.Gradient == GradientKind.Scalar)
            {
                var partial = NewVar(NextName("_g"), p.Type);
                if (inLoop && IsActive(arg))
                {
                    restores.Add(Record(new VarRef(partial), forward));
                }

                outputs.Add(new Argument(new VarRef(partial), ArgKind.Out));
                if (IsActive(arg))
                {
                    scalarPartials.Add((j, partial));
                }
            }
            else if (p.Gradient == GradientKind.Buffer)
            {
                var element = p.Type.Element!;
                var buffer = NewVar(NextName("_gb"), TypeRef.SpanOf(element));
                _usesTape = true;
                if (inLoop)
                {
                    var mark = NewVar(NextName("_mark"), TypeRef.Int);
                    forward.Add(new ScratchMark(mark, element));
                    if (IsActive(arg))
                    {
                        after.Add(new TapePushSpan(new VarRef(buffer)));
                    }

                    after.Add(new ScratchRelease(mark, element));
                }

                forward.Add(new Assign(new VarRef(buffer), new TapeRent(element, new LengthOf(arg), Uncleared: true)));
                outputs.Add(new Argument(new VarRef(buffer), ArgKind.Value));
                if (IsActive(arg))
                {
                    bufferPartials.Add((j, buffer, arg));
                }
            }
        }

        forward.Add(new Assign(assign.Target, new DerivativeCall(call, outputs.ToEquatableArray()), assign.Site));
        forward.AddRange(after);

        var reverse = new List<Stmt> { new CommentOf(assign) };
        var buffers = new Dictionary<int, Expr>();
        for (int b = bufferPartials.Count - 1; b >= 0; b--)
        {
            var (index, buffer, collection) = bufferPartials[b];
            if (inLoop)
            {
                var popped = NewVar(NextName("_gr"), TypeRef.ReadOnlySpanOf(buffer.Type.Element!));
                reverse.Add(new Assign(new VarRef(popped), new TapePopSpan(buffer.Type.Element!, new LengthOf(collection))));
                buffers[index] = new VarRef(popped);
            }
            else
            {
                buffers[index] = new VarRef(buffer);
            }
        }

        var seed = Seed(target, reverse);
        foreach (var (index, partial) in scalarPartials)
        {
            Propagate(call.Args[index].Value, Mul(seed, new VarRef(partial)), null, reverse);
        }

        foreach (var (index, _, collection) in bufferPartials)
        {
            var adjoint = CollectionAdjoint(collection);
            reverse.Add(new ExprStmt(RuntimeCall("AddScaled", TypeRef.Void, adjoint, buffers[index], seed)));
        }

        restores.Reverse();
        reverse.AddRange(restores);
        reverse.ForEach(NoteReads);
        return reverse;
    }

    /// <summary>
    /// <c>t = F(args)</c> where <c>F</c> works on tensors: call it, and in reverse call its backward rule with the
    /// upstream gradient, the result, the operands and a gradient for each differentiable operand (see docs/tensors.md).
    /// </summary>
    private List<Stmt> BackwardCall(Assign assign, Var target, Invoke call, List<Stmt> forward)
    {
        if (call.Callee.Kind == CalleeKind.Inline)
        {
            throw new InvalidOperationException("A call to '" + call.Callee.DisplayName + "' was not inlined.");
        }

        var restores = new List<Stmt>();
        bool first = _firstReferences.Contains(assign);
        if (NeedsRecord(target) && !first)
        {
            restores.Add(Record(assign.Target, forward));
        }

        forward.Add(assign);
        var reverse = new List<Stmt> { new CommentOf(assign) };
        var seed = Seed(target, reverse, first);
        Expr result = new VarRef(target);
        if (restores.Count > 0)
        {
            // The result is overwritten in the forward sweep: keep it before restoring what it overwrote.
            var captured = NewVar(NextName("_y"), target.Type);
            reverse.Add(new Assign(new VarRef(captured), new VarRef(target)));
            result = new VarRef(captured);
        }

        reverse.AddRange(restores);
        var inputs = CalleeInfo.Inputs(call);
        var args = new List<Argument> { new(seed, ArgKind.Value), new(result, ArgKind.Value) };
        args.AddRange(inputs.Select(input => new Argument(input, ArgKind.Value)));
        var prepare = new List<Stmt>();
        var after = new List<Stmt>();
        var parameters = call.Callee.Parameters;
        for (int j = 0; j < parameters.Count && j < inputs.Count; j++)
        {
            var p = parameters[j];
            var input = inputs[j];
            switch (p.Gradient)
            {
                case GradientKind.Tensor:
                    args.Add(new Argument(TensorGradient(input), ArgKind.Value));
                    break;
                case GradientKind.Scalar:
                {
                    // ref double dName: the rule adds into a local, which then flows on like any partial.
                    var partial = NewVar(NextName("_g"), p.Type);
                    prepare.Add(new Assign(new VarRef(partial), Real(p.Type, 0)));
                    args.Add(new Argument(new VarRef(partial), ArgKind.Ref));
                    Propagate(input, new VarRef(partial), null, after);
                    break;
                }

                case GradientKind.Buffer:
                    args.Add(new Argument(IsActive(input) ? CollectionAdjoint(input) : new DefaultOf(TypeRef.SpanOf(p.Type.Element!)), ArgKind.Value));
                    break;
            }
        }

        var rule = new List<Stmt>(prepare) { new ExprStmt(new BackwardInvoke(call, args.ToEquatableArray())) };
        rule.AddRange(after);
        if (seed.Type == TensorAdjoint)
        {
            // Nothing flowed into the result (it fed only what carries no derivative): nothing to do.
            reverse.Add(new If(new Binary(BinaryOp.NotEqual, seed, NoTensor, TypeRef.Bool), new Block(rule.ToEquatableArray()), Block.Empty));
        }
        else
        {
            reverse.AddRange(rule);
        }

        reverse.ForEach(NoteReads);
        return reverse;
    }

    /// <summary>The gradient a backward rule adds an operand's share into: its adjoint (created on first use), the parameter's Grad, or null.</summary>
    private Expr TensorGradient(Expr input)
    {
        if (!IsActive(input))
        {
            return NoTensor;
        }

        if (input is not VarRef v)
        {
            throw new InvalidOperationException("A differentiable tensor operand must be a variable.");
        }

        if (_parameterValues.TryGetValue(v.Var.Id, out var parameter))
        {
            return Grad(parameter);
        }

        return new Invoke(null, AdjointsType, "GradientFor",
            EquatableArray.Create(new Argument(new VarRef(Adjoint(v.Var)), ArgKind.Ref), new Argument(input, ArgKind.Value)),
            TypeRef.Tensor, CalleeInfo.NotDifferentiable("GradientFor", "GradientFor"), -1);
    }

    private static Expr Grad(Expr parameter) => new MemberRead(parameter, "global::DiffGen.Parameter", "Grad", TypeRef.Tensor);

    private bool UsesTensors()
    {
        if (_method.Parameters.Any(p => p.Type.IsTensor))
        {
            return true;
        }

        bool found = false;
        IrWalker.Statements(_method.Body, (statement, _) => found |= statement is Assign { Target.Type.IsTensor: true });
        return found;
    }

    private Expr CollectionAdjoint(Expr collection) => collection switch
    {
        VarRef v => new VarRef(Adjoint(v.Var)),
        Model.Convert c => CollectionAdjoint(c.Operand),
        _ => throw new InvalidOperationException("A differentiable collection argument must be a variable."),
    };

    private List<Stmt> Branch(If conditional, List<Stmt> forward)
    {
        bool records = HasReverse(conditional);
        var frame = new Frame { Kind = FrameKind.If, InLoop = _loopDepth > 0, Records = records };
        Expr condition = conditional.Condition;
        if (records)
        {
            frame.Record = NewVar(NextName("_branch"), TypeRef.Bool);
            forward.Add(new Assign(new VarRef(frame.Record), conditional.Condition));
            condition = new VarRef(frame.Record);
        }

        _frames.Add(frame);
        var thenForward = new List<Stmt>();
        var thenReverse = BlockOf(conditional.Then, thenForward);
        var elseForward = new List<Stmt>();
        var elseReverse = BlockOf(conditional.Else, elseForward);
        _frames.RemoveAt(_frames.Count - 1);

        var forwardIf = new If(condition, new Block(thenForward.ToEquatableArray()), new Block(elseForward.ToEquatableArray()));
        forward.Add(forwardIf);
        if (!records)
        {
            return new List<Stmt>();
        }

        if (frame.InLoop && ControlFlow.EndReachable(forwardIf))
        {
            PushRecord(new VarRef(frame.Record!), forward);
        }

        var reverse = new List<Stmt>();
        var taken = PopOrRead(frame.Record!, TypeRef.Bool, frame.InLoop, reverse);
        if (thenReverse.Count == 0)
        {
            reverse.Add(new If(new Unary(UnaryOp.Not, taken, TypeRef.Bool), new Block(elseReverse.ToEquatableArray()), Block.Empty));
        }
        else
        {
            reverse.Add(new If(taken, new Block(thenReverse.ToEquatableArray()), new Block(elseReverse.ToEquatableArray())));
        }

        return reverse;
    }

    private List<Stmt> Repeat(Loop loop, List<Stmt> forward)
    {
        if (HasReverse(loop) && TryFuse(loop, forward) is { } fused)
        {
            return fused;
        }

        bool records = HasReverse(loop);
        bool inLoop = _loopDepth > 0;
        var range = records ? RecomputableRange(loop) : null;
        var frame = new Frame { Kind = FrameKind.Loop, InLoop = inLoop, Records = records && range is null, LoopId = loop.Id };
        bool needsBroke = frame.Records && loop.Index is null && HasReverse(loop.Increment)
            && (ControlFlow.Breaks(loop.Body, loop.Id) || ControlFlow.ContainsReturn(loop.Body));
        if (frame.Records)
        {
            frame.Record = NewVar(NextName("_trips"), TypeRef.Int);
            forward.Add(new Assign(new VarRef(frame.Record), Int(0)));
            if (needsBroke)
            {
                frame.Broke = NewVar(NextName("_left"), TypeRef.Bool);
                forward.Add(new Assign(new VarRef(frame.Broke), Literals.Bool(false)));
            }
        }

        _frames.Add(frame);
        _loopDepth++;
        var bodyForward = new List<Stmt>();
        if (frame.Records)
        {
            bodyForward.Add(new Assign(new VarRef(frame.Record!), AddInt(new VarRef(frame.Record!), 1)));
        }

        var bodyReverse = BlockOf(loop.Body, bodyForward);
        var incrementForward = new List<Stmt>();
        var incrementReverse = BlockOf(loop.Increment, incrementForward);
        _loopDepth--;
        _frames.RemoveAt(_frames.Count - 1);

        var forwardLoop = loop with { Body = new Block(bodyForward.ToEquatableArray()), Increment = new Block(incrementForward.ToEquatableArray()) };
        forward.Add(forwardLoop);
        if (!records)
        {
            return new List<Stmt>();
        }

        var reverse = new List<Stmt>();
        if (range is { } known)
        {
            // The indices the loop ran through follow from its start and bound, which it does not change.
            var reverseIndex = new Var(_nextVar++, loop.Index!.Name, loop.Index.Type, VarKind.Local);
            var body = bodyReverse.Select(s => Rewriter.Substitute(s, v => v.Id == loop.Index.Id ? reverseIndex : v)).ToList();
            NoteReads(new ExprStmt(known.First));
            NoteReads(new ExprStmt(known.Last));
            reverse.Add(new Model.Range(reverseIndex, known.First, known.Last, known.Step, new Block(body.ToEquatableArray())));
            return reverse;
        }

        if (inLoop && ControlFlow.EndReachable(forwardLoop))
        {
            PushRecord(new VarRef(frame.Record!), forward);
            if (frame.Broke is not null)
            {
                PushRecord(new VarRef(frame.Broke), forward);
            }
        }

        Expr? broke = frame.Broke is null ? null : PopOrRead(frame.Broke, TypeRef.Bool, inLoop, reverse);
        var trips = PopOrRead(frame.Record!, TypeRef.Int, inLoop, reverse);

        if (loop.Index is { } index && loop.Start is { } start)
        {
            // A counted loop: recompute the index of each trip instead of recording it.
            var reverseIndex = new Var(_nextVar++, index.Name, index.Type, VarKind.Local);
            var body = bodyReverse.Select(s => Rewriter.Substitute(s, v => v.Id == index.Id ? reverseIndex : v)).ToList();
            NoteReads(new ExprStmt(start));
            if (loop.Step is 1 or -1)
            {
                // From the last index it reached back to the start.
                var last = AddInts(start, loop.Step == 1 ? AddInt(trips, -1) : new Unary(UnaryOp.Negate, AddInt(trips, -1), TypeRef.Int));
                reverse.Add(new Model.Range(reverseIndex, Fold(last), start, -loop.Step, new Block(body.ToEquatableArray())));
            }
            else
            {
                var trip = NewVar(NextName("_trip"), TypeRef.Int);
                body.Insert(0, new Assign(new VarRef(reverseIndex),
                    AddInts(start, new Binary(BinaryOp.Multiply, AddInt(new VarRef(trip), -1), Int(loop.Step), TypeRef.Int))));
                reverse.Add(new Model.Range(trip, trips, Int(1), -1, new Block(body.ToEquatableArray())));
            }

            return reverse;
        }

        var counter = NewVar(NextName("_trip"), TypeRef.Int);
        var iteration = new List<Stmt>();
        if (incrementReverse.Count > 0)
        {
            // The increment ran after every trip except a last one that left by 'break' or 'return'.
            if (broke is null)
            {
                iteration.AddRange(incrementReverse);
            }
            else
            {
                var ranIncrement = new Binary(BinaryOp.OrElse, Compare(BinaryOp.NotEqual, new VarRef(counter), trips), new Unary(UnaryOp.Not, broke, TypeRef.Bool), TypeRef.Bool);
                iteration.Add(new If(ranIncrement, new Block(incrementReverse.ToEquatableArray()), Block.Empty));
            }
        }

        iteration.AddRange(bodyReverse);
        reverse.Add(new Model.Range(counter, trips, Int(1), -1, new Block(iteration.ToEquatableArray())));
        return reverse;
    }

    private static Expr Fold(Expr e) =>
        e is Binary { Op: BinaryOp.Add, Right: Unary { Op: UnaryOp.Negate } negated } sum
            ? new Binary(BinaryOp.Subtract, sum.Left, negated.Operand, TypeRef.Int)
            : e;

    /// <summary>The index range a counted loop ran through, in reverse order, when it can be known without a record.</summary>
    private readonly record struct ReverseRange(Expr First, Expr Last, int Step);

    /// <summary>
    /// For <c>for (int i = s; i &lt; b; i++)</c> (or <c>&lt;=</c>, or counting down with <c>&gt;</c>, <c>&gt;=</c>)
    /// where nothing in the loop changes <c>b</c> and nothing leaves it early, the reverse sweep can walk the same
    /// indices backwards without recording how many trips there were.
    /// </summary>
    private static ReverseRange? RecomputableRange(Loop loop)
    {
        if (loop.Index is not { } index || loop.Start is not { } start || loop.Step is not (1 or -1)
            || loop.Condition is not Binary { Op: BinaryOp.Less or BinaryOp.LessOrEqual or BinaryOp.Greater or BinaryOp.GreaterOrEqual } condition
            || ControlFlow.Breaks(loop.Body, loop.Id) || ControlFlow.ContainsReturn(loop.Body))
        {
            return null;
        }

        BinaryOp op = condition.Op;
        Expr bound;
        if (condition.Left is VarRef l && l.Var.Id == index.Id)
        {
            bound = condition.Right;
        }
        else if (condition.Right is VarRef r && r.Var.Id == index.Id)
        {
            bound = condition.Left;
            op = op switch { BinaryOp.Less => BinaryOp.Greater, BinaryOp.LessOrEqual => BinaryOp.GreaterOrEqual, BinaryOp.Greater => BinaryOp.Less, _ => BinaryOp.LessOrEqual };
        }
        else
        {
            return null;
        }

        var assigned = new HashSet<int> { index.Id };
        foreach (var part in new Stmt[] { loop.Body, loop.Increment })
        {
            IrWalker.Statements(part, (s, _) =>
            {
                foreach (var v in AssignedVariables(s))
                {
                    assigned.Add(v.Id);
                }
            });
        }

        if (!IsStable(bound, assigned) || !IsStable(start, assigned))
        {
            return null;
        }

        return (loop.Step, op) switch
        {
            (1, BinaryOp.Less) => new ReverseRange(AddInt(bound, -1), start, -1),
            (1, BinaryOp.LessOrEqual) => new ReverseRange(bound, start, -1),
            (-1, BinaryOp.Greater) => new ReverseRange(AddInt(bound, 1), start, 1),
            (-1, BinaryOp.GreaterOrEqual) => new ReverseRange(bound, start, 1),
            _ => null,
        };
    }

    /// <summary>An integer expression whose value the loop cannot change (no variable it assigns, no element).</summary>
    private static bool IsStable(Expr e, HashSet<int> assigned) => e switch
    {
        Literal => true,
        VarRef v => !assigned.Contains(v.Var.Id) && v.Type.Kind is TypeKind.Int or TypeKind.Long,
        LengthOf { Collection: VarRef c } => !assigned.Contains(c.Var.Id),
        MemberRead m => m.Receiver is null or ThisRef,
        Binary { Op: BinaryOp.Add or BinaryOp.Subtract or BinaryOp.Multiply or BinaryOp.Divide } b => IsStable(b.Left, assigned) && IsStable(b.Right, assigned),
        Unary { Op: UnaryOp.Negate } u => IsStable(u.Operand, assigned),
        Model.Convert c => IsStable(c.Operand, assigned),
        _ => false,
    };

    /// <summary>
    /// What a fused loop body's own reverse sweep accumulates into, and which variables carry values between its
    /// iterations (they are recorded like parameters, since the body's first assignment to them overwrites a value).
    /// </summary>
    private sealed record Fusion(Dictionary<int, Var> ScalarAccumulators, Dictionary<int, Var> ArrayAccumulators, HashSet<int> LiveIn, int LoopId, bool HasContinue);

    /// <summary>
    /// A loop whose only differentiable state carried from one trip to the next is an accumulator, <c>s += term</c>
    /// (the shape of every "sum over the data" objective), needs no reverse trips at all: d(Σ termᵢ)/d(input) is
    /// Σ dtermᵢ/d(input), and each trip's term depends only on inputs the loop does not change. So each trip runs its
    /// own reverse sweep right after its forward sweep, with a seed of 1, adding into accumulators of the inputs'
    /// gradients; after the loop, the reverse sweep scales those sums by the adjoint of <c>s</c>. No trip count, no
    /// records across trips, and the data is walked once, as a hand-written gradient would.
    /// </summary>
    private List<Stmt>? TryFuse(Loop loop, List<Stmt> forward)
    {
        if (_loopDepth > 0 || _fusion is not null || loop.Increment.Statements.Count > 0
            || ControlFlow.Breaks(loop.Body, loop.Id) || ControlFlow.ContainsReturn(loop.Body))
        {
            return null;
        }

        var inBody = new HashSet<int>();
        var assignedInBody = new HashSet<int>();
        bool writesActiveArray = false;
        IrWalker.Statements(loop.Body, (statement, _) =>
        {
            foreach (var e in IrWalker.OwnExpressions(statement))
            {
                IrWalker.Reads(e, v => inBody.Add(v.Id));
            }

            foreach (var v in AssignedVariables(statement))
            {
                assignedInBody.Add(v.Id);
            }

            // Element writes could carry values from trip to trip, which the trip's own reverse would undo.
            // Tensors are left to the ordinary sweeps.
            writesActiveArray |= statement is Assign { Target: ElementAt } or Assign { Target: VarRef { Var.Type.IsTensor: true } };
        });
        if (writesActiveArray)
        {
            return null;
        }

        var outside = new HashSet<int>();
        CollectReadsOutside(_method.Body, loop, outside);
        var carried = assignedInBody.Where(outside.Contains).ToList();
        var activeCarried = carried.Where(id => IsActive(VariableById(id))).ToList();
        if (activeCarried.Count != 1)
        {
            return null;
        }

        var accumulator = VariableById(activeCarried[0]);
        bool onlyAccumulated = true;
        int readsOfAccumulator = 0;
        int accumulations = 0;
        IrWalker.Statements(loop.Body, (statement, depth) =>
        {
            foreach (var e in IrWalker.OwnExpressions(statement))
            {
                IrWalker.Reads(e, v => readsOfAccumulator += v.Id == accumulator.Id ? 1 : 0);
            }

            if (statement is Assign { Target: VarRef target } assign && target.Var.Id == accumulator.Id)
            {
                accumulations++;
                onlyAccumulated &= IsAccumulation(accumulator, assign.Value, out _, out _);
            }
        });

        // Each accumulation reads it twice (target and left operand); nothing else may read it.
        if (!onlyAccumulated || readsOfAccumulator != 2 * accumulations)
        {
            return null;
        }

        // The inputs: differentiable values the body reads and does not change.
        var inputs = inBody.Where(id => !assignedInBody.Contains(id)).Select(VariableById).Where(v => v is not null && IsActive(v)).OrderBy(v => v!.Id).ToList();
        var scalars = new Dictionary<int, Var>();
        var arrays = new Dictionary<int, Var>();
        var scaledInPlace = new HashSet<int>();
        var parameters = new List<ParamInfo>();
        foreach (var input in inputs)
        {
            var v = input!;
            if (v.Type.IsReal)
            {
                var sum = NewVar("_sum_d_" + v.Name.TrimStart('_'), v.Type);
                scalars[v.Id] = sum;
                forward.Add(new Assign(new VarRef(sum), Real(v.Type, 0)));
                parameters.Add(new ParamInfo(v.Name, v.Type, ArgKind.Value, GradientKind.Scalar, sum.Name));
            }
            else if (_gradientParameters.TryGetValue(v.Id, out var output) && output.Type.IsCollection && !HasDifferentiableUseOutside(v, loop))
            {
                // Only this loop sends a gradient to this parameter: sum straight into the caller's buffer, then scale it.
                arrays[v.Id] = output;
                scaledInPlace.Add(v.Id);
                parameters.Add(new ParamInfo(v.Name, v.Type, ArgKind.Value, GradientKind.Buffer, output.Name));
            }
            else
            {
                var sum = NewVar("_sum_d_" + v.Name.TrimStart('_'), TypeRef.SpanOf(v.Type.Element!));
                arrays[v.Id] = sum;
                _usesTape = true;
                forward.Add(new Assign(new VarRef(sum), new TapeRent(v.Type.Element!, new LengthOf(new VarRef(v)))));
                parameters.Add(new ParamInfo(v.Name, v.Type, ArgKind.Value, GradientKind.Buffer, sum.Name));
            }
        }

        // Variables the loop changes that the rest of the reverse sweep reads keep their value from before the loop.
        var restores = new List<Stmt>();
        foreach (var id in carried)
        {
            var v = VariableById(id);
            if (NeedsRecord(v))
            {
                restores.Add(Record(new VarRef(v), forward));
            }
        }

        var body = new MethodModel(
            _method.Key, _method.HintName, _method.Namespace, _method.Containers, _method.Name, _method.Accessibility, _method.IsStatic,
            accumulator.Type, parameters.ToEquatableArray(), inputs.Select(v => v!).ToEquatableArray(), accumulator, _method.This,
            loop.Body, _nextVar, _method.NextLoopId, _method.GeneratedName, EquatableArray<string>.Empty);
        bool hasContinue = false;
        IrWalker.Statements(loop.Body, (statement, _) => hasContinue |= statement is Continue c && c.LoopId == loop.Id);
        var fusion = new Fusion(scalars, arrays, new HashSet<int>(carried), loop.Id, hasContinue);
        var (trip, pass) = FixedPoint(body, fusion, nested => nested.RunFused());
        _nextVar = pass._nextVar;
        _usesTape |= pass._usesTape;

        forward.Add(loop with { Body = new Block(trip.ToEquatableArray()) });

        var reverse = new List<Stmt> { new Comment("The loop, fused: each trip added its share of the gradient during the forward sweep.") };
        Expr seed = new VarRef(Adjoint(accumulator));
        foreach (var input in inputs)
        {
            var v = input!;
            if (scalars.TryGetValue(v.Id, out var sum))
            {
                reverse.Add(new AddAssign(new VarRef(Adjoint(v)), Mul(seed, new VarRef(sum))));
            }
            else if (scaledInPlace.Contains(v.Id))
            {
                reverse.Add(new ExprStmt(RuntimeCall("Scale", TypeRef.Void, new VarRef(arrays[v.Id]), seed)));
            }
            else
            {
                reverse.Add(new ExprStmt(RuntimeCall("AddScaled", TypeRef.Void, CollectionAdjoint(new VarRef(v)), new VarRef(arrays[v.Id]), seed)));
            }
        }

        restores.Reverse();
        reverse.AddRange(restores);
        return reverse;
    }

    /// <summary>Whether anything outside <paramref name="loop"/>'s body reads the elements of <paramref name="array"/> or passes it on.</summary>
    private bool HasDifferentiableUseOutside(Var array, Loop loop)
    {
        bool used = false;
        void Visit(Stmt statement)
        {
            if (ReferenceEquals(statement, loop))
            {
                return;
            }

            foreach (var e in IrWalker.OwnExpressions(statement))
            {
                used |= UsesElements(e, array);
            }

            switch (statement)
            {
                case Block b:
                    b.Statements.ToList().ForEach(Visit);
                    break;
                case If i:
                    Visit(i.Then);
                    Visit(i.Else);
                    break;
                case Loop l:
                    Visit(l.Body);
                    Visit(l.Increment);
                    break;
            }
        }

        Visit(_method.Body);
        return used;
    }

    private static bool UsesElements(Expr e, Var array) => e switch
    {
        ElementAt { Collection: VarRef c } when c.Var.Id == array.Id => true,
        Invoke call => call.Args.Any(a => a.Value is VarRef r && r.Var.Id == array.Id || a.Value is Model.Convert { Operand: VarRef cr } && cr.Var.Id == array.Id)
            || IrWalker.Children(e).Any(c => UsesElements(c, array)),
        _ => IrWalker.Children(e).Any(c => UsesElements(c, array)),
    };

    /// <summary>The forward and reverse sweeps of one trip of a fused loop (see <see cref="TryFuse"/>).</summary>
    private List<Stmt> RunFused()
    {
        var fusion = _fusion!;
        _frames.Add(new Frame { Kind = FrameKind.Loop, LoopId = fusion.LoopId });
        var forward = new List<Stmt>();
        var reverse = BlockOf(_method.Body, forward);
        _frames.RemoveAt(_frames.Count - 1);

        var trip = new List<Stmt>();
        bool rents = ContainsRent(forward) || ContainsRent(reverse);
        var mark = rents ? NewVar(NextName("_mark"), TypeRef.Int) : null;
        if (mark is not null)
        {
            trip.Add(new ScratchMark(mark, TypeRef.Double));
        }

        if (fusion.HasContinue)
        {
            // 'continue' leaves the forward part of the trip; the trip's reverse part still runs after it.
            trip.Add(new Loop(fusion.LoopId, null, null, 0, Literals.Bool(false), new Block(forward.ToEquatableArray()), Block.Empty, IsDoWhile: true));
        }
        else
        {
            trip.AddRange(forward);
        }

        if (reverse.Count > 0)
        {
            // The trip's reverse restores what it overwrote; values carried to the next trip are put back after it.
            var carriedBack = new List<(Var Variable, Var Saved)>();
            foreach (var id in fusion.LiveIn)
            {
                var v = VariableById(id);
                if (NeedsRecord(v))
                {
                    var saved = NewVar(NextName("_end"), v.Type);
                    trip.Add(new Assign(new VarRef(saved), new VarRef(v)));
                    carriedBack.Add((v, saved));
                }
            }

            trip.Add(new Comment("This trip's share of the gradient."));
            trip.Add(new Assign(new VarRef(Adjoint(_method.Result)), Real(_method.Result.Type, 1)));
            foreach (var adjoint in _scalarAdjoints)
            {
                if (adjoint.Id != Adjoint(_method.Result).Id)
                {
                    trip.Add(new Assign(new VarRef(adjoint), Real(adjoint.Type, 0)));
                }
            }

            trip.AddRange(reverse);
            foreach (var (v, saved) in carriedBack)
            {
                trip.Add(new Assign(new VarRef(v), new VarRef(saved)));
            }
        }

        if (mark is not null)
        {
            trip.Add(new ScratchRelease(mark, TypeRef.Double));
        }

        return trip;
    }

    private static bool ContainsRent(List<Stmt> statements)
    {
        bool found = false;
        foreach (var statement in statements)
        {
            IrWalker.Statements(statement, (s, _) =>
            {
                foreach (var e in IrWalker.OwnExpressions(s))
                {
                    found |= ContainsRent(e);
                }
            });
        }

        return found;
    }

    private static bool ContainsRent(Expr e) => e is TapeRent || IrWalker.Children(e).Any(ContainsRent);

    /// <summary>Every variable the method reads or writes outside <paramref name="loop"/>'s body (its header included).</summary>
    private static void CollectReadsOutside(Stmt statement, Loop loop, HashSet<int> outside)
    {
        if (ReferenceEquals(statement, loop))
        {
            foreach (var e in IrWalker.OwnExpressions(loop))
            {
                IrWalker.Reads(e, v => outside.Add(v.Id));
            }

            return;
        }

        foreach (var e in IrWalker.OwnExpressions(statement))
        {
            IrWalker.Reads(e, v => outside.Add(v.Id));
        }

        switch (statement)
        {
            case Block b:
                foreach (var s in b.Statements)
                {
                    CollectReadsOutside(s, loop, outside);
                }

                break;
            case If i:
                CollectReadsOutside(i.Then, loop, outside);
                CollectReadsOutside(i.Else, loop, outside);
                break;
            case Loop l:
                CollectReadsOutside(l.Body, loop, outside);
                CollectReadsOutside(l.Increment, loop, outside);
                break;
        }
    }

    private readonly Dictionary<int, Var> _variablesById = new();

    private Var VariableById(int id)
    {
        if (_variablesById.Count == 0)
        {
            foreach (var p in _method.ParameterVars)
            {
                _variablesById[p.Id] = p;
            }

            _variablesById[_method.Result.Id] = _method.Result;
            IrWalker.Statements(_method.Body, (s, _) =>
            {
                foreach (var e in IrWalker.OwnExpressions(s))
                {
                    IrWalker.Reads(e, v => _variablesById[v.Id] = v);
                }
            });
        }

        return _variablesById[id];
    }

    /// <summary>
    /// A <c>break</c>, <c>continue</c> or <c>return</c>: first record, for every construct it leaves (innermost first),
    /// what that construct would have recorded at its end, then jump.
    /// </summary>
    private void Exit(Stmt exit, List<Stmt> forward)
    {
        int targetLoop = exit switch { Break b => b.LoopId, Continue c => c.LoopId, _ => -1 };
        for (int f = _frames.Count - 1; f >= 0; f--)
        {
            var frame = _frames[f];
            if (frame.Kind == FrameKind.Loop && frame.LoopId == targetLoop)
            {
                if (exit is Break && frame.Broke is not null)
                {
                    forward.Add(new Assign(new VarRef(frame.Broke), Literals.Bool(true)));
                }

                break;
            }

            if (!frame.Records)
            {
                continue;
            }

            switch (frame.Kind)
            {
                case FrameKind.Block:
                    if (frame.InLoop)
                    {
                        PushRecord(Int(frame.Current), forward);
                    }
                    else
                    {
                        forward.Add(new Assign(new VarRef(frame.Record!), Int(frame.Current)));
                    }

                    break;
                case FrameKind.If:
                    if (frame.InLoop)
                    {
                        PushRecord(new VarRef(frame.Record!), forward);
                    }

                    break;
                case FrameKind.Loop:
                    if (frame.Broke is not null)
                    {
                        forward.Add(new Assign(new VarRef(frame.Broke), Literals.Bool(true)));
                    }

                    if (frame.InLoop)
                    {
                        PushRecord(new VarRef(frame.Record!), forward);
                        if (frame.Broke is not null)
                        {
                            PushRecord(new VarRef(frame.Broke), forward);
                        }
                    }

                    break;
            }
        }

        if (exit is Return)
        {
            var innermost = _frames[_frames.Count - 1];
            bool fallsThrough = _frames.Count == 1 && innermost.IsTop && innermost.Current == innermost.Count - 1;
            if (!fallsThrough)
            {
                forward.Add(new GoTo(ReverseLabel));
            }

            return;
        }

        forward.Add(exit);
    }

    private static bool ContainsGoto(List<Stmt> statements)
    {
        bool found = false;
        foreach (var s in statements)
        {
            IrWalker.Statements(s, (inner, _) => found |= inner is GoTo);
        }

        return found;
    }

    // ---------------------------------------------------------------- adjoints of expressions

    /// <summary>Adds to the adjoints of the active variables in <paramref name="e"/> their share of <paramref name="seed"/>.</summary>
    private void Propagate(Expr e, Expr seed, Expr? result, List<Stmt> reverse)
    {
        if (!IsActive(e))
        {
            return;
        }

        switch (e)
        {
            case VarRef v when v.Type.IsTensor:
                reverse.Add(new ExprStmt(_parameterValues.TryGetValue(v.Var.Id, out var parameter)
                    ? RuntimeCall("Accumulate", TypeRef.Void, Grad(parameter), seed)
                    : new Invoke(null, AdjointsType, "Accumulate",
                        EquatableArray.Create(new Argument(new VarRef(Adjoint(v.Var)), ArgKind.Ref), new Argument(seed, ArgKind.Value)),
                        TypeRef.Void, CalleeInfo.NotDifferentiable("Accumulate", "Accumulate"), -1)));
                break;
            case VarRef v:
                reverse.Add(new AddAssign(new VarRef(Adjoint(v.Var)), seed));
                break;
            case ElementAt { Collection: VarRef array } element:
                reverse.Add(new AddAssign(new ElementAt(new VarRef(Adjoint(array.Var)), element.Index, element.Type), seed));
                break;
            case Unary { Op: UnaryOp.Negate } u:
                Propagate(u.Operand, Neg(seed), null, reverse);
                break;
            case Unary { Op: UnaryOp.Plus } u:
                Propagate(u.Operand, seed, null, reverse);
                break;
            case Binary { Op: BinaryOp.Add } b:
                seed = Shared(seed, b.Left, b.Right, reverse);
                Propagate(b.Left, seed, null, reverse);
                Propagate(b.Right, seed, null, reverse);
                break;
            case Binary { Op: BinaryOp.Subtract } b:
                seed = Shared(seed, b.Left, b.Right, reverse);
                Propagate(b.Left, seed, null, reverse);
                Propagate(b.Right, Neg(seed), null, reverse);
                break;
            case Binary { Op: BinaryOp.Multiply } b when b.Left == b.Right:
                // x * x
                Propagate(b.Left, Mul(Mul(Real(b.Type, 2), seed), b.Left), null, reverse);
                break;
            case Binary { Op: BinaryOp.Multiply } b:
                seed = Shared(seed, b.Left, b.Right, reverse);
                Propagate(b.Left, Mul(seed, b.Right), null, reverse);
                Propagate(b.Right, Mul(seed, b.Left), null, reverse);
                break;
            case Binary { Op: BinaryOp.Divide } b:
                // d(l/r) = dl / r - l dr / r²
                seed = Shared(seed, b.Left, b.Right, reverse);
                Propagate(b.Left, Div(seed, b.Right), null, reverse);
                Propagate(b.Right, Neg(Div(Mul(seed, b.Left), Square(b.Right))), null, reverse);
                break;
            case Binary { Op: BinaryOp.Remainder } b:
                // l % r = l - trunc(l / r)·r, with trunc constant almost everywhere.
                Propagate(b.Left, seed, null, reverse);
                Propagate(b.Right, Neg(Mul(seed, Call(IntrinsicKind.Truncate, b.Type.Kind == TypeKind.Float ? "global::System.MathF" : "global::System.Math", b.Type, Div(b.Left, b.Right)))), null, reverse);
                break;
            case Model.Convert c when c.Operand.Type.IsReal:
                Propagate(c.Operand, c.Operand.Type == seed.Type ? seed : new Model.Convert(seed, c.Operand.Type, false), null, reverse);
                break;
            case Intrinsic { Kind: IntrinsicKind.Min or IntrinsicKind.Max } i:
            {
                // The derivative goes to the argument that was returned (the first one on a tie).
                var pick = Compare(i.Kind == IntrinsicKind.Min ? BinaryOp.LessOrEqual : BinaryOp.GreaterOrEqual, i.Args[0], i.Args[1]);
                var first = new List<Stmt>();
                Propagate(i.Args[0], seed, null, first);
                var second = new List<Stmt>();
                Propagate(i.Args[1], seed, null, second);
                AddBranch(pick, first, second, reverse);
                break;
            }

            case Intrinsic { Kind: IntrinsicKind.Clamp } i:
            {
                // clamp(x, lo, hi): to x inside [lo, hi] (bounds included, as PyTorch), else to the bound returned.
                var x = i.Args[0];
                var toLow = new List<Stmt>();
                Propagate(i.Args[1], seed, null, toLow);
                var toHigh = new List<Stmt>();
                Propagate(i.Args[2], seed, null, toHigh);
                var toValue = new List<Stmt>();
                Propagate(x, seed, null, toValue);
                var high = new List<Stmt>();
                AddBranch(Compare(BinaryOp.Greater, x, i.Args[2]), toHigh, toValue, high);
                AddBranch(Compare(BinaryOp.Less, x, i.Args[1]), toLow, high, reverse);
                break;
            }

            case Intrinsic i:
            {
                var partials = Derivatives.Partials(i, result ?? i);
                for (int k = 0; k < i.Args.Count && k < partials.Length; k++)
                {
                    if (partials[k] is { } partial)
                    {
                        Propagate(i.Args[k], Mul(seed, partial), null, reverse);
                    }
                }

                break;
            }

            default:
                throw new InvalidOperationException("No derivative rule for " + e.GetType().Name + ".");
        }
    }

    /// <summary>A seed that both operands use, computed once into a local unless it is already a variable or a constant.</summary>
    private Expr Shared(Expr seed, Expr left, Expr right, List<Stmt> reverse)
    {
        if (!IsActive(left) || !IsActive(right) || seed is VarRef or Literal || seed is Unary { Operand: VarRef or Literal })
        {
            return seed;
        }

        var shared = NewVar(NextName("_a"), seed.Type);
        reverse.Add(new Assign(new VarRef(shared), seed));
        return new VarRef(shared);
    }

    private static void AddBranch(Expr condition, List<Stmt> whenTrue, List<Stmt> whenFalse, List<Stmt> reverse)
    {
        if (whenTrue.Count == 0 && whenFalse.Count == 0)
        {
            return;
        }

        if (condition is Literal { Code: "true" or "false" } constant)
        {
            reverse.AddRange(constant.Code == "true" ? whenTrue : whenFalse);
            return;
        }

        if (whenTrue.Count == 0)
        {
            reverse.Add(new If(new Unary(UnaryOp.Not, condition, TypeRef.Bool), new Block(whenFalse.ToEquatableArray()), Block.Empty));
            return;
        }

        reverse.Add(new If(condition, new Block(whenTrue.ToEquatableArray()), new Block(whenFalse.ToEquatableArray())));
    }
}
