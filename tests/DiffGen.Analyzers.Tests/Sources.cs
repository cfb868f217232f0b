namespace DiffGen.Analyzers.Tests;

/// <summary>Test inputs: members inside a partial class, with the usings a DiffGen user writes.</summary>
internal static class Sources
{
    public static string Wrap(string members) => $$"""
        using System;
        using DiffGen;
        using static DiffGen.Differentiation;

        public static partial class Fit
        {
            {{members}}
        }
        """;
}
