using System.Collections.Generic;
using DiffGen.Generator.Analysis;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Lowering;

/// <summary>
/// A method body lowered to IR and checked: what the generator transforms and the analyzers read. It holds the
/// <see cref="BodyLowering"/> (and so compiler objects), so it never flows down the incremental pipeline.
/// </summary>
/// <param name="Model">The method in IR.</param>
/// <param name="Lowering">The lowering, to map the source's variables to IR variables.</param>
/// <param name="Activity">Which variables carry derivatives to the result; null when lowering found errors.</param>
/// <param name="Diagnostics">What lowering and validation found (DG01xx).</param>
/// <param name="Pending">Calls that only the whole compilation can confirm.</param>
internal sealed record LoweredBody(MethodModel Model, BodyLowering Lowering, Activity? Activity, List<DiagnosticInfo> Diagnostics, List<PendingCall> Pending);
