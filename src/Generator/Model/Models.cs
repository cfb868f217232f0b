namespace DiffGen.Generator.Model;

/// <summary>What a member of a <c>[Model]</c> class holds.</summary>
internal enum ModelMemberKind
{
    /// <summary>A <c>Parameter</c>.</summary>
    Parameter,

    /// <summary>A sub-model (a type that is <c>[Model]</c> or implements <c>IModel</c>).</summary>
    Model,
}

/// <summary>
/// A member of a <c>[Model]</c> class that holds parameters: its C# name, the name it gets in dotted parameter names,
/// what it holds, and whether it is a collection of them (an array or a list).
/// </summary>
internal sealed record ModelMember(string Name, string PathName, ModelMemberKind Kind, CollectionKind Collection);

/// <summary>How a model member holds its values.</summary>
internal enum CollectionKind
{
    /// <summary>One value.</summary>
    None,

    /// <summary>An array: indexed with <c>Length</c>.</summary>
    Array,

    /// <summary>A list (<c>List&lt;T&gt;</c>, <c>IReadOnlyList&lt;T&gt;</c>, ...): indexed with <c>Count</c>.</summary>
    List,
}

/// <summary>A <c>[Model]</c> class as the emitter needs it.</summary>
internal sealed record ModelClass(
    string HintName,
    string? Namespace,
    EquatableArray<ContainingType> Containers,
    string Name,
    EquatableArray<ModelMember> Members);

/// <summary>What the front end made of one <c>[Model]</c> class.</summary>
internal sealed record ModelResult(ModelClass? Model, EquatableArray<DiagnosticInfo> Diagnostics);
