using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using DiffGen.Generator.Analysis;
using DiffGen.Generator.Diagnostics;
using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

using TypeKind = DiffGen.Generator.Model.TypeKind;

namespace DiffGen.Generator.Lowering;

/// <summary>
/// The front end for one <c>[Differentiable]</c> method: checks the declaration's shape, lowers the body to IR,
/// runs activity analysis and reports what cannot be differentiated. Never throws for user code.
/// </summary>
internal static class MethodFrontEnd
{
    public static MethodResult Run(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
    {
        var method = (IMethodSymbol)context.TargetSymbol;
        string key = Callees.Key(method);
        try
        {
            return Lower(method, (MethodDeclarationSyntax)context.TargetNode, context.SemanticModel, cancellation);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception exception)
        {
            // The safety net: a bug in DiffGen becomes a diagnostic, never a generator crash (CS8785).
            var diagnostic = DiagnosticInfo.Create(Descriptors.InternalError, context.TargetNode.GetLocation(), method.Name, exception.GetType().Name + ": " + exception.Message);
            return new MethodResult(key, null, EquatableArray.Create(diagnostic), EquatableArray<PendingCall>.Empty);
        }
    }

    private static MethodResult Lower(IMethodSymbol method, MethodDeclarationSyntax syntax, SemanticModel semanticModel, CancellationToken cancellation)
    {
        string key = Callees.Key(method);
        var diagnostics = new List<DiagnosticInfo>();
        if (Callees.FindRuleBeside(method, SignatureReader.Parameters(method)) is { } rule)
        {
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.DifferentiableAndRule, syntax.Identifier.GetLocation(), method.Name, rule.Name));
        }

        // A declaration of the wrong shape is the analyzers' to report (DG0001-DG0004); it is only not generated here.
        var containers = CheckShape(method, syntax, new List<DiagnosticInfo>());
        if (diagnostics.Count > 0 || containers is null)
        {
            return new MethodResult(key, null, diagnostics.ToEquatableArray(), EquatableArray<PendingCall>.Empty);
        }

        var body = LowerBody(method, syntax, containers, semanticModel, cancellation);
        if (body is null)
        {
            return new MethodResult(key, null, EquatableArray<DiagnosticInfo>.Empty, EquatableArray<PendingCall>.Empty);
        }

        var model = body.Model;
        var pending = body.Pending;
        if (body.Diagnostics.Count > 0)
        {
            return new MethodResult(key, null, body.Diagnostics.ToEquatableArray(), pending.ToEquatableArray());
        }

        model = model with { RequiredCallees = pending.Select(p => p.CalleeKey).Distinct().OrderBy(k => k, StringComparer.Ordinal).ToEquatableArray() };
        if (model.ReturnType.IsTensor)
        {
            // A tensor-valued method gets no ...WithGradient of its own: callers inline it into their reverse sweep.
            return new MethodResult(key, null, EquatableArray<DiagnosticInfo>.Empty, pending.ToEquatableArray());
        }

        var gradient = Transforms.ReverseMode.Transform(model);
        return new MethodResult(key, gradient, EquatableArray<DiagnosticInfo>.Empty, pending.ToEquatableArray());
    }

    /// <summary>
    /// Lowers the body of a method whose declaration has the right shape, and checks what is on the differentiable
    /// path. Shared by the generator and the analyzers. Null when the compiler gives no body to read.
    /// </summary>
    public static LoweredBody? LowerBody(IMethodSymbol method, MethodDeclarationSyntax syntax, List<ContainingType> containers, SemanticModel semanticModel, CancellationToken cancellation)
    {
        var body = semanticModel.GetOperation(syntax, cancellation);
        if (body is null)
        {
            return null;
        }

        var diagnostics = new List<DiagnosticInfo>();
        var lowering = new BodyLowering(method, semanticModel.Compilation, cancellation);
        var block = Transforms.OpFusion.Run(lowering.LowerBody(body), lowering.FusedForms);
        diagnostics.AddRange(lowering.Diagnostics);

        var parameters = SignatureReader.Parameters(method);
        var model = new MethodModel(
            Callees.Key(method),
            HintName(method),
            method.ContainingNamespace.IsGlobalNamespace ? null : method.ContainingNamespace.ToDisplayString(),
            containers.ToEquatableArray(),
            method.Name,
            TypeMapper.Accessibility(method.DeclaredAccessibility),
            method.IsStatic,
            TypeMapper.Map(method.ReturnType),
            parameters,
            lowering.ParameterVars.ToEquatableArray(),
            lowering.Result,
            lowering.This,
            block,
            lowering.NextVarId,
            lowering.NextLoopId,
            method.Name + SignatureReader.GradientSuffix,
            EquatableArray<string>.Empty);

        var pending = new List<PendingCall>();
        Activity? activity = null;
        if (diagnostics.Count == 0)
        {
            activity = Validate(model, lowering.Sites, diagnostics, pending);
        }

        return new LoweredBody(model, lowering, activity, diagnostics, pending);
    }

    /// <summary>
    /// Checks what the declaration must be (DG0001-DG0004, which the analyzers report); returns the containing types
    /// (outermost first) when it can be generated, or null.
    /// </summary>
    public static List<ContainingType>? CheckShape(IMethodSymbol method, MethodDeclarationSyntax syntax, List<DiagnosticInfo> diagnostics)
    {
        int before = diagnostics.Count;
        var location = syntax.Identifier.GetLocation();
        string? shape = method switch
        {
            { IsGenericMethod: true } => "generic",
            { IsAsync: true } => "async",
            { IsAbstract: true } or { IsExtern: true } => "without a body",
            _ when syntax.Body is null && syntax.ExpressionBody is null => "without a body",
            _ when syntax.Body is not null && ContainsYield(syntax.Body) => "an iterator",
            { ReturnsByRef: true } or { ReturnsByRefReadonly: true } => "returning by reference",
            _ => null,
        };
        if (shape is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.MethodShapeNotSupported, location, method.Name, shape));
        }

        var returnType = TypeMapper.Map(method.ReturnType);
        if (!returnType.IsReal && !returnType.IsTensor)
        {
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.ReturnTypeNotDifferentiable, syntax.ReturnType.GetLocation(), method.Name, method.ReturnType.ToDisplayString()));
        }

        for (int i = 0; i < method.Parameters.Length && i < syntax.ParameterList.Parameters.Count; i++)
        {
            var p = method.Parameters[i];
            var type = TypeMapper.Map(p.Type);
            string? problem = p.RefKind switch
            {
                RefKind.Ref => "passed by 'ref'",
                RefKind.Out => "an 'out' parameter",
                _ when p.IsParams && type.CanBeActive => "a 'params' array",
                _ => null,
            };
            if (problem is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.ParameterNotSupported, syntax.ParameterList.Parameters[i].GetLocation(), p.Name, problem));
            }
        }

        var containers = Containers.Read(method.ContainingType, method.Name + SignatureReader.GradientSuffix, location, diagnostics);
        return diagnostics.Count == before ? containers : null;
    }

    private static bool ContainsYield(SyntaxNode body) =>
        body.DescendantNodes(n => n is not (LambdaExpressionSyntax or LocalFunctionStatementSyntax or AnonymousMethodExpressionSyntax))
            .Any(n => n is YieldStatementSyntax);

    /// <summary>The checks that need activity: what is on the differentiable path must have a derivative.</summary>
    private static Activity Validate(MethodModel model, IReadOnlyList<LocationInfo?> sites, List<DiagnosticInfo> diagnostics, List<PendingCall> pending)
    {
        var activity = Activity.Analyze(model);
        var parameterIds = new HashSet<int>(model.ParameterVars.Select(v => v.Id));
        var assignmentCounts = new Dictionary<int, int>();
        IrWalker.Statements(model.Body, (statement, _) =>
        {
            if (statement is Assign { Target: VarRef target })
            {
                assignmentCounts[target.Var.Id] = assignmentCounts.TryGetValue(target.Var.Id, out int n) ? n + 1 : 1;
            }
        });

        IrWalker.Statements(model.Body, (statement, loopDepth) =>
        {
            switch (statement)
            {
                case Assign { Value: Invoke call } assign:
                    CheckCall(call, assign.Target is VarRef { Var: var result } && activity.IsActive(result));
                    break;
                case ExprStmt { Value: Invoke call }:
                    CheckCall(call, resultActive: false);
                    break;
            }

            if (statement is Assign { Target: ElementAt element } write)
            {
                if (element.Collection is VarRef { Var: var collection } && parameterIds.Contains(collection.Id)
                    && (IsDifferentiableParameter(collection) || activity.IsVaried(write.Value)))
                {
                    Report(Descriptors.WriteToParameter, write.Site, collection.Name, collection.Type.Element?.Name ?? "double");
                }
                else if (element.Collection is not VarRef && activity.IsVaried(write.Value))
                {
                    Report(Descriptors.UnsupportedConstruct, write.Site, "Storing a differentiable value into an array that is not a local variable", "; its gradient would be lost: write into a local array (new T[n]) instead");
                }
            }

            if (statement is Assign { Target: VarRef { Var: { Type.IsRealCollection: true } local } } arrayAssign
                && local.Kind is VarKind.Local or VarKind.Temp && activity.IsVaried(local))
            {
                if (arrayAssign.Value is not (NewArray or StackAlloc))
                {
                    Report(Descriptors.ArrayReassigned, arrayAssign.Site, local.Name, "assigned from another expression than 'new " + local.Type.Element!.Name + "[n]' or 'stackalloc'");
                }
                else if (assignmentCounts.TryGetValue(local.Id, out int count) && count > 1)
                {
                    Report(Descriptors.ArrayReassigned, arrayAssign.Site, local.Name, "assigned more than once");
                }
                else if (arrayAssign.Value is StackAlloc && loopDepth > 0)
                {
                    Report(Descriptors.StackAllocInLoop, arrayAssign.Site);
                }
            }
        });

        bool IsDifferentiableParameter(Var v)
        {
            for (int i = 0; i < model.ParameterVars.Count; i++)
            {
                if (model.ParameterVars[i].Id == v.Id)
                {
                    return model.Parameters[i].IsDifferentiable;
                }
            }

            return false;
        }

        void CheckCall(Invoke call, bool resultActive)
        {
            var callee = call.Callee;
            bool variedArgument = false;
            bool variedCollection = false;
            var inputs = CalleeInfo.Inputs(call);
            for (int i = 0; i < inputs.Count; i++)
            {
                var input = inputs[i];
                if (!activity.IsVaried(input))
                {
                    continue;
                }

                variedArgument = true;
                variedCollection |= input.Type.IsRealCollection;
                if (resultActive && callee.Kind != CalleeKind.None && i < callee.Parameters.Count && !callee.Parameters[i].IsDifferentiable)
                {
                    Report(Descriptors.UnsupportedConstruct, call.Site,
                        "Passing a differentiable value to parameter '" + callee.Parameters[i].Name + "' of '" + callee.DisplayName + "', which gets no gradient,",
                        "; wrap the argument in WithoutDerivative(...) if no gradient should pass, or remove [NoDiff] from that parameter");
                }
            }

            if (resultActive)
            {
                switch (callee.Kind)
                {
                    case CalleeKind.None:
                        Report(Descriptors.NoDerivative, call.Site, callee.DisplayName);
                        break;
                    case CalleeKind.Unresolved:
                        pending.Add(new PendingCall(callee.Key, callee.DisplayName, NeedsRule: true, Site(call.Site)));
                        break;
                    case CalleeKind.Differentiable when callee.IsInSource:
                        pending.Add(new PendingCall(callee.Key, callee.DisplayName, NeedsRule: false, Site(call.Site)));
                        break;
                }
            }
            else if (variedCollection && call.Type.Kind != TypeKind.Void)
            {
                // The value is not needed, but a differentiable array handed to a method may be changed by it.
                Report(Descriptors.NoDerivative, call.Site, callee.DisplayName);
            }
            else if (variedCollection || (variedArgument && call.Type.IsReal))
            {
                if (call.Type.Kind == TypeKind.Void || variedCollection)
                {
                    Report(Descriptors.NoDerivative, call.Site, callee.DisplayName);
                }
            }
        }

        return activity;

        LocationInfo? Site(int site) => site >= 0 && site < sites.Count ? sites[site] : null;

        void Report(DiagnosticDescriptor descriptor, int site, params string[] arguments) =>
            diagnostics.Add(new DiagnosticInfo(descriptor.Id, Site(site), new EquatableArray<string>(arguments)));
    }

    /// <summary>A stable, valid hint name that tells overloads apart: <c>Ns.Type.Method(double,double).g.cs</c>.</summary>
    private static string HintName(IMethodSymbol method)
    {
        var text = new System.Text.StringBuilder();
        text.Append(method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted)));
        text.Append('.').Append(method.Name).Append('(');
        text.Append(string.Join(",", method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted)))));
        text.Append(')');
        return SafeHintName(text.ToString(), ".g.cs");
    }

    /// <summary>A hint name made of <paramref name="text"/>'s characters that are valid in one (generics in brackets) and <paramref name="suffix"/>.</summary>
    internal static string SafeHintName(string text, string suffix)
    {
        var safe = new System.Text.StringBuilder();
        foreach (char c in text)
        {
            safe.Append(c switch
            {
                '<' => '[',
                '>' => ']',
                _ when char.IsLetterOrDigit(c) || c is '.' or ',' or '_' or '-' or '(' or ')' or '[' or ']' => c,
                _ => '_',
            });
        }

        return safe.Append(suffix).ToString();
    }
}
