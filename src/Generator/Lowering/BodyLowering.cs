using System.Collections.Generic;
using System.Threading;
using DiffGen.Generator.Diagnostics;
using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

using TypeKind = DiffGen.Generator.Model.TypeKind;

namespace DiffGen.Generator.Lowering;

/// <summary>
/// Lowers a method body's <see cref="IOperation"/> tree into DiffGen's IR. What it cannot lower is reported as a
/// DG01xx diagnostic at the operation's syntax, and lowering goes on so that one pass reports every problem.
/// Side effects are hoisted out of expressions into statements in evaluation order (see <c>Model/Ir.cs</c>).
/// </summary>
internal sealed partial class BodyLowering
{
    private readonly CancellationToken _cancellation;
    private readonly Dictionary<ISymbol, Var> _variables = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ILabelSymbol, Jump> _jumps = new(SymbolEqualityComparer.Default);
    private readonly List<DiagnosticInfo> _diagnostics = new();
    private readonly List<LocationInfo?> _sites = new();
    private readonly HashSet<ILocalSymbol> _reportedRefLocals = new(SymbolEqualityComparer.Default);
    private List<Stmt> _sink = new();
    private int _nextVar;
    private int _nextLoop;
    private int _nextTemp;
    private int _loopDepth;

    private readonly Compilation _compilation;
    private readonly IMethodSymbol _method;

    public BodyLowering(IMethodSymbol method, Compilation compilation, CancellationToken cancellation)
    {
        _cancellation = cancellation;
        _compilation = compilation;
        _method = method;
        var parameters = new List<Var>();
        foreach (var p in method.Parameters)
        {
            var v = NewVar(p.Name, TypeMapper.Map(p.Type), VarKind.Parameter);
            _variables[p] = v;
            parameters.Add(v);
        }

        ParameterVars = parameters;
        Result = NewVar("_value", TypeMapper.Map(method.ReturnType), VarKind.Result);
        if (!method.IsStatic)
        {
            This = NewVar("this", TypeMapper.Map(method.ContainingType), VarKind.This);
        }
    }

    private enum JumpKind
    {
        Break,
        Continue,
        SwitchExit,
    }

    public IReadOnlyList<Var> ParameterVars { get; }

    public Var Result { get; }

    public Var? This { get; }

    public List<DiagnosticInfo> Diagnostics => _diagnostics;

    /// <summary>The source location of each call site id used in <see cref="Invoke.Site"/>.</summary>
    public IReadOnlyList<LocationInfo?> Sites => _sites;

    public int NextVarId => _nextVar;

    /// <summary>The IR variable of a parameter or local of the lowered method, if it has one.</summary>
    public Var? VariableOf(ISymbol symbol) => _variables.TryGetValue(symbol, out var v) ? v : null;

    public int NextLoopId => _nextLoop;

    public Block LowerBody(IOperation body)
    {
        var statements = new List<Stmt>();
        var saved = _sink;
        _sink = statements;
        switch (body)
        {
            case IMethodBodyOperation { BlockBody: { } block }:
                LowerStatement(block);
                break;
            case IMethodBodyOperation { ExpressionBody: { } expression }:
                LowerStatement(expression);
                break;
            default:
                LowerStatement(body);
                break;
        }

        _sink = saved;
        return new Block(statements.ToEquatableArray());
    }

    private Var NewVar(string name, TypeRef type, VarKind kind) => new(_nextVar++, name, type, kind);

    private Var NewTemp(TypeRef type, string? hint = null) => NewVar(hint ?? "_t" + (++_nextTemp).ToString(System.Globalization.CultureInfo.InvariantCulture), type, VarKind.Temp);

    private Var VariableFor(ILocalSymbol local)
    {
        if (!_variables.TryGetValue(local, out var v))
        {
            v = NewVar(local.Name, TypeMapper.Map(local.Type), VarKind.Local);
            _variables[local] = v;
        }

        return v;
    }

    private void Emit(Stmt statement) => _sink.Add(statement);

    private int Site(IOperation operation)
    {
        _sites.Add(LocationInfo.From(operation.Syntax));
        return _sites.Count - 1;
    }

    private void Report(DiagnosticDescriptor descriptor, IOperation operation, params string[] arguments) =>
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, operation.Syntax, arguments));

    private void Unsupported(IOperation operation, string what, string wayOut = "") =>
        Report(Descriptors.UnsupportedConstruct, operation, what, wayOut);

    /// <summary>Lowers statements into a fresh block.</summary>
    private Block LowerBlock(IOperation? operation)
    {
        var statements = new List<Stmt>();
        var saved = _sink;
        _sink = statements;
        if (operation is not null)
        {
            LowerStatement(operation);
        }

        _sink = saved;
        return new Block(statements.ToEquatableArray());
    }

    private Block LowerBlock(IEnumerable<IOperation> operations)
    {
        var statements = new List<Stmt>();
        var saved = _sink;
        _sink = statements;
        foreach (var operation in operations)
        {
            LowerStatement(operation);
        }

        _sink = saved;
        return new Block(statements.ToEquatableArray());
    }

    /// <summary>Lowers an expression whose hoisted statements go into <paramref name="statements"/>.</summary>
    private Expr LowerInto(List<Stmt> statements, IOperation operation)
    {
        var saved = _sink;
        _sink = statements;
        var result = LowerExpression(operation);
        _sink = saved;
        return result;
    }

    private sealed record Jump(JumpKind Kind, int LoopId);
}
