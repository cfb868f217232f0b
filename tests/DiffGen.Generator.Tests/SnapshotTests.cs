using DiffGen.Generator.Tests.Support;

namespace DiffGen.Generator.Tests;

/// <summary>The generated code of representative methods, reviewed and kept in <c>Snapshots/</c>.</summary>
public class SnapshotTests
{
    private static string Generated(string method)
    {
        var (result, _) = GeneratorHarness.Run(GeneratorHarness.Compilation(Sources.Objectives));
        Assert.Empty(result.Diagnostics);
        return GeneratorHarness.GeneratedText(result, "Demo.Fit." + method + "(");
    }

    [Fact]
    public void Rosenbrock() => Snapshot.Verify(Generated("Rosenbrock"), "Rosenbrock");

    [Fact]
    public void Mean_squared_error_over_spans() => Snapshot.Verify(Generated("Mse"), "Mse");

    [Fact]
    public void Loop_with_continue_and_early_return() => Snapshot.Verify(Generated("Search"), "Search");

    [Fact]
    public void Float_with_a_branch() => Snapshot.Verify(Generated("Logistic"), "Logistic");

    [Fact]
    public void Stackalloc_overwrites_and_calls() => Snapshot.Verify(Generated("Smooth"), "Smooth");

    [Fact]
    public void Model_parameters() => Snapshot.Verify(GeneratedModel("Demo.Net.Model.g.cs"), "NetModel");

    [Fact]
    public void Model_loss_over_layers() => Snapshot.Verify(GeneratedModel("Demo.Net.Loss("), "NetLoss");

    [Fact]
    public void All_generated_code_compiles_without_warnings() => GeneratorHarness.Build(Sources.Objectives);

    [Fact]
    public void All_generated_model_code_compiles_without_warnings() => GeneratorHarness.Build(Sources.Model);

    private static string GeneratedModel(string hintStart)
    {
        var (result, _) = GeneratorHarness.Run(GeneratorHarness.Compilation(Sources.Model));
        Assert.Empty(result.Diagnostics);
        return GeneratorHarness.GeneratedText(result, hintStart);
    }
}
