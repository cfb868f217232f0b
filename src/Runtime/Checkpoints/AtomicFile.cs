using System;
using System.IO;

namespace DiffGen;

/// <summary>Replaces a file atomically: write a temporary file in the same folder, flush it to disk, rename it over the target.</summary>
internal static class AtomicFile
{
    /// <summary>The pattern of the temporary files, for documentation and tests: <c>.{name}.{random}.tmp</c> next to the target.</summary>
    public const string TemporarySuffix = ".tmp";

    /// <summary>
    /// Writes <paramref name="path"/> through <paramref name="write"/>. The previous file stays intact until the new one
    /// is complete and on disk; if <paramref name="write"/> (or anything else) fails, the temporary file is deleted and
    /// the exception propagates.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the whole content.</param>
    /// <param name="wrap">Wraps the file stream before writing (tests use it to fail midway); <see langword="null"/> for none.</param>
    public static void Write(string path, Action<Stream> write, Func<Stream, Stream>? wrap)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"{path} has no folder.", nameof(path));
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Cannot save {path}: the folder {folder} does not exist.");
        }

        string temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Path.GetRandomFileName()}{TemporarySuffix}");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                Stream target = wrap is null ? file : wrap(file);
                write(target);
                target.Flush();
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
            // Best effort: the failure being reported matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
