using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace DiffGen;

/// <summary>
/// The checks of optimizer and schedule options. An option of the optimizer itself fails with an
/// <see cref="ArgumentOutOfRangeException"/> named after the option; an override in a <see cref="ParameterGroup"/>
/// fails with an <see cref="ArgumentException"/> on <c>groups</c> whose message names the group.
/// </summary>
[SuppressMessage("Usage", "CA2208:Instantiate argument exceptions correctly", Justification = "These checks throw on behalf of the public constructor or LoadState whose parameter they name.")]
internal static class OptionRules
{
    /// <summary>A double as invariant, round-trippable text.</summary>
    public static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A Boolean as lower-case text, as in PyTorch's state.</summary>
    public static string Text(bool value) => value ? "true" : "false";

    /// <summary>Requires a finite value of at least zero.</summary>
    public static void AtLeastZero(double value, string name, int? group)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            Fail($"{name} must be a finite number >= 0; got {Text(value)}.", name, group);
        }
    }

    /// <summary>Requires a value in [0, 1).</summary>
    public static void ZeroToBelowOne(double value, string name, int? group)
    {
        if (!(value >= 0 && value < 1))
        {
            Fail($"{name} must be in [0, 1); got {Text(value)}.", name, group);
        }
    }

    /// <summary>Requires a value in [0, 1].</summary>
    public static void ZeroToOne(double value, string name, int? group)
    {
        if (!(value >= 0 && value <= 1))
        {
            Fail($"{name} must be in [0, 1]; got {Text(value)}.", name, group);
        }
    }

    /// <summary>Throws for an invalid option.</summary>
    public static void Fail(string message, string name, int? group)
    {
        if (group is int index)
        {
            throw new ArgumentException($"Parameter group {index.ToString(CultureInfo.InvariantCulture)}: {message}", "groups");
        }

        throw new ArgumentOutOfRangeException(name, message);
    }

    /// <summary>Reads a required value of a saved state.</summary>
    public static string Required(IReadOnlyDictionary<string, string> values, string key, string what)
    {
        if (!values.TryGetValue(key, out string? text) || text is null)
        {
            throw new ArgumentException($"Cannot load the {what} state: it has no '{key}' value.", "state");
        }

        return text;
    }

    /// <summary>Parses a double of a saved state.</summary>
    public static double ParseDouble(string text, string key, string what)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            throw new ArgumentException($"Cannot load the {what} state: '{key}' is '{text}', not a number.", "state");
        }

        return value;
    }

    /// <summary>Parses a non-negative integer of a saved state.</summary>
    public static long ParseCount(string text, string key, string what)
    {
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
        {
            throw new ArgumentException($"Cannot load the {what} state: '{key}' is '{text}', not a count >= 0.", "state");
        }

        return value;
    }
}
