using System.Security.Cryptography;

namespace RnnGen.IO;

/// <summary>
/// Writes a file as a temporary sibling, flushed to disk, then a move: a reader never sees half a file. A failure in
/// this process deletes the temporary file; a killed process may leave one (<c>.&lt;name prefix&gt;~&lt;random&gt;.tmp</c>)
/// beside the target, which keeps its previous content.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Characters of the target's name kept in the temporary name: enough to recognise it, short enough for any legal name.</summary>
    private const int NamePrefix = 16;

    public static void Write(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>Creates the temporary file, lets <paramref name="write"/> fill it, flushes it to disk and moves it into place.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, a folder or names no file.</exception>
    /// <exception cref="IOException">The file cannot be written; the message names <paramref name="path"/>, not the temporary file.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = FullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, TemporaryName(Path.GetFileName(full)));
        bool created = false;
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                created = true;
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            if (created)
            {
                try
                {
                    File.Delete(temp);
                }
                catch (Exception e2) when (e2 is IOException or UnauthorizedAccessException)
                {
                    // The original error matters more than a leftover temporary file.
                }
            }

            if (e is IOException or UnauthorizedAccessException)
            {
                throw Named(e, path, full, temp);
            }

            throw;
        }
    }

    /// <summary>A short temporary name in the target's folder: a dot, the first characters of the name, a random suffix.</summary>
    internal static string TemporaryName(string fileName)
    {
        int keep = Math.Min(fileName.Length, NamePrefix);
        if (keep > 0 && char.IsHighSurrogate(fileName[keep - 1]))
        {
            keep--;
        }

        return "." + fileName[..keep] + "~" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)) + ".tmp";
    }

    private static string FullPath(string path)
    {
        WeightFileSource.CheckFilePath(path, nameof(path));
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ArgumentException($"{nameof(path)}: '{path}' is not a valid file path: {e.Message}", nameof(path), e);
        }

        if (Path.GetFileName(full).Length == 0)
        {
            throw new ArgumentException($"{nameof(path)}: expected a file path but '{path}' names a folder.", nameof(path));
        }

        return full;
    }

    /// <summary>The same kind of exception, with a message about the user's path instead of the temporary file.</summary>
    private static Exception Named(Exception e, string path, string full, string temp)
    {
        string folder = Path.GetDirectoryName(full)!;
        return e switch
        {
            UnauthorizedAccessException => new UnauthorizedAccessException($"Cannot save '{path}': access to it or to its folder '{folder}' is denied.", e),
            DirectoryNotFoundException => new DirectoryNotFoundException($"Cannot save '{path}': its folder '{folder}' does not exist.", e),
            PathTooLongException => new PathTooLongException($"Cannot save '{path}': the path is longer than the file system allows.", e),
            _ => new IOException($"Cannot save '{path}': {e.Message.Replace(temp, full, StringComparison.Ordinal)}", e),
        };
    }
}
