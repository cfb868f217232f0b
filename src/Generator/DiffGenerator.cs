using Microsoft.CodeAnalysis;

namespace DiffGen.Generator;

/// <summary>The DiffGen source generator: emits <c>...WithGradient</c> for every <c>[Differentiable]</c> method.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class DiffGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
    }
}
