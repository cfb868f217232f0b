using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace DiffGen.EndToEnd.Tests;

/// <summary>
/// The DiffGen package as a user gets it: packed from a copy of the sources into a local folder feed, then used by a
/// small project that references the package (not the projects) and computes a gradient.
/// </summary>
public class PackageTests
{
    private const string Consumer = """
        using System;
        using System.Globalization;
        using DiffGen;

        public static partial class Program
        {
            [Differentiable]
            public static double Rosenbrock(double x, double y) => Math.Pow(1 - x, 2) + 100 * Math.Pow(y - x * x, 2);

            public static void Main()
            {
                double value = RosenbrockWithGradient(1.5, 2.0, out double dx, out double dy);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{value:R} {dx:R} {dy:R}"));
            }
        }
        """;

    [Fact]
    public void A_project_that_references_the_package_gets_gradients()
    {
        string work = Path.Combine(Path.GetTempPath(), "diffgen-package-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Pack from a copy, so that the build under test is not disturbed.
            string source = Path.Combine(work, "source");
            foreach (var item in new[] { "src", "Directory.Build.props", "Directory.Packages.props", "global.json", "README.md", ".editorconfig" })
            {
                Copy(Path.Combine(Paths.Repository, item), Path.Combine(source, item));
            }

            string feed = Path.Combine(work, "feed");
            string version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
            Run(source, "dotnet", $"pack src/Runtime/DiffGen.Runtime.csproj -c Release -o \"{feed}\" -p:Version={version}");

            string package = Path.Combine(feed, $"DiffGen.{version}.nupkg");
            Assert.True(File.Exists(package), "No package at " + package);
            using (var zip = ZipFile.OpenRead(package))
            {
                var entries = zip.Entries.Select(e => e.FullName).ToList();
                Assert.Contains("lib/net10.0/DiffGen.dll", entries);
                Assert.Contains("analyzers/dotnet/cs/DiffGen.Generator.dll", entries);
                Assert.Contains("analyzers/dotnet/cs/DiffGen.Analyzers.dll", entries);
                Assert.Contains("analyzers/dotnet/cs/DiffGen.CodeFixes.dll", entries);
                var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
                Assert.DoesNotContain(nuspec.Descendants().Where(e => e.Name.LocalName == "dependency"), d => (string?)d.Attribute("id") is "DiffGen.Generator" or "DiffGen.Analyzers" or "DiffGen.CodeFixes");
            }

            string consumer = Path.Combine(work, "consumer");
            Directory.CreateDirectory(consumer);
            File.WriteAllText(Path.Combine(consumer, "Program.cs"), Consumer);
            File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                    <WarningsNotAsErrors>NU1603</WarningsNotAsErrors>
                    <GenerateDocumentationFile>true</GenerateDocumentationFile>
                    <NoWarn>CS1591</NoWarn>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="DiffGen" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            // An isolated package cache, so that this run cannot pick up a stale copy.
            var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(work, "packages") };
            string output = Run(consumer, "dotnet", "run -c Release", environment);

            var numbers = output.Trim().Split('\n').Last().Split(' ').Select(t => double.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(Math.Pow(-0.5, 2) + 100 * Math.Pow(-0.25, 2), numbers[0], 12);
            Assert.Equal(-2 * (1 - 1.5) - 400 * 1.5 * (2.0 - 2.25), numbers[1], 12);
            Assert.Equal(200 * (2.0 - 2.25), numbers[2], 12);
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary folder is harmless.
            }
        }
    }

    private static void Copy(string from, string to)
    {
        if (File.Exists(from))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to);
            return;
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            {
                continue;
            }

            Copy(file, Path.Combine(to, relative));
        }
    }

    private static string Run(string directory, string program, string arguments, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach (var (key, value) in environment ?? [])
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(10)), $"'{program} {arguments}' did not finish in 10 minutes.");
        Assert.True(process.ExitCode == 0, $"'{program} {arguments}' in {directory} failed ({process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }
}
