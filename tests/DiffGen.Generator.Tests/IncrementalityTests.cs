using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using DiffGen.Generator.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DiffGen.Generator.Tests;

public class IncrementalityTests
{
    private const string Unrelated = """
        namespace Demo;
        public static class Other
        {
            public static int Count(int[] items) => items.Length;
        }
        """;

    private static readonly string[] StepNames = typeof(DiffGenerator).Assembly
        .GetType("DiffGen.Generator.TrackingNames")!
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (string)f.GetValue(null)!)
        .ToArray();

    private static GeneratorRunResult RunTwice(Func<CSharpCompilation, CSharpCompilation> edit)
    {
        var compilation = GeneratorHarness.Compilation(Sources.Objectives, Sources.Model, Unrelated);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        driver = driver.RunGenerators(edit(compilation));
        return driver.GetRunResult().Results.Single();
    }

    [Fact]
    public void An_unrelated_edit_leaves_every_step_cached_or_unchanged()
    {
        var result = RunTwice(c =>
        {
            var tree = c.SyntaxTrees.Last();
            var edited = CSharpSyntaxTree.ParseText(Unrelated + "\npublic static class Added { public static int Two() => 2; }\n", GeneratorHarness.ParseOptions, tree.FilePath);
            return c.ReplaceSyntaxTree(tree, edited);
        });

        Assert.NotEmpty(result.GeneratedSources);
        foreach (var name in StepNames)
        {
            if (!result.TrackedSteps.TryGetValue(name, out var steps))
            {
                continue;
            }

            foreach (var step in steps)
            {
                foreach (var (_, reason) in step.Outputs)
                {
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Step {name} was {reason}.");
                }
            }
        }

        foreach (var (_, reason) in result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs))
        {
            Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"An output step was {reason}.");
        }
    }

    [Fact]
    public void Moving_a_method_down_the_file_does_not_re_emit_it()
    {
        var result = RunTwice(c =>
        {
            var tree = c.SyntaxTrees.First();
            var moved = CSharpSyntaxTree.ParseText("\n\n// moved\n" + Sources.Objectives, GeneratorHarness.ParseOptions, tree.FilePath);
            return c.ReplaceSyntaxTree(tree, moved);
        });

        var sources = result.TrackedSteps[TrackingNames.Sources].SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(sources);
        Assert.All(sources, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Sources was {o.Reason}."));
    }

    [Fact]
    public void Cached_models_hold_no_compiler_objects()
    {
        var compilation = GeneratorHarness.Compilation(Sources.Objectives, Sources.Model);
        var result = GeneratorHarness.Driver().RunGenerators(compilation).GetRunResult().Results.Single();
        int walked = 0;
        foreach (var (name, steps) in result.TrackedSteps.Where(s => StepNames.Contains(s.Key)))
        {
            foreach (var (value, _) in steps.SelectMany(s => s.Outputs))
            {
                Walk(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance), ref walked);
            }
        }

        Assert.True(walked > 1000, $"Only {walked} objects were walked; the walk is not reaching the models.");
    }

    private static void Walk(object? value, string path, HashSet<object> seen, ref int walked)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return;
        }

        var type = value.GetType();
        Assert.False(
            type.Namespace?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true
                || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ImmutableArray<>)),
            $"{path} holds a {type.FullName}.");
        if (!type.IsValueType && !seen.Add(value))
        {
            return;
        }

        walked++;
        if (value is IEnumerable items and not string)
        {
            int i = 0;
            foreach (var item in items)
            {
                Walk(item, $"{path}[{i++}]", seen, ref walked);
            }
        }

        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                Walk(field.GetValue(value), path + "." + field.Name, seen, ref walked);
            }
        }
    }
}
