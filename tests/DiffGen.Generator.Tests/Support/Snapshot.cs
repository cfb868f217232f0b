using System.Runtime.CompilerServices;

namespace DiffGen.Generator.Tests.Support;

/// <summary>
/// Snapshot testing of generated code: compares text with <c>Snapshots/&lt;Class&gt;.&lt;Test&gt;#&lt;hint&gt;.verified.cs</c>.
/// On a mismatch it writes a <c>.received.cs</c> next to it and fails with the first differing lines. Set
/// <c>DIFFGEN_ACCEPT_SNAPSHOTS=1</c> to accept the received text; that switch is ignored when <c>CI=true</c>, so CI
/// can only compare.
/// </summary>
internal static class Snapshot
{
    public static void Verify(string text, string hint, [CallerFilePath] string callerFile = "", [CallerMemberName] string test = "")
    {
        string testClass = Path.GetFileNameWithoutExtension(callerFile);
        string folder = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
        string stem = Path.Combine(folder, $"{testClass}.{test}#{hint}");
        string verified = stem + ".verified.cs";
        string received = stem + ".received.cs";
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);

        string? expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n", StringComparison.Ordinal) : null;
        if (expected == text)
        {
            File.Delete(received);
            return;
        }

        bool ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (!ci && Environment.GetEnvironmentVariable("DIFFGEN_ACCEPT_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(verified, text);
            File.Delete(received);
            return;
        }

        Directory.CreateDirectory(folder);
        File.WriteAllText(received, text);
        Assert.Fail(expected is null
            ? $"No snapshot {verified} yet; the received text is in {received}. Review it and accept with DIFFGEN_ACCEPT_SNAPSHOTS=1."
            : $"The generated code differs from {verified} (received: {received}).\n{FirstDifference(expected, text)}");
    }

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string left = i < e.Length ? e[i] : "<end>";
            string right = i < a.Length ? a[i] : "<end>";
            if (left != right)
            {
                return $"line {i + 1}:\n- {left}\n+ {right}";
            }
        }

        return "(only line endings differ)";
    }
}
