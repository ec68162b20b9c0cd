namespace RnnGen.IO;

/// <summary>Reads a weight file whole, turning a missing file, a folder or an unreadable one into an exception that names the path.</summary>
internal static class WeightFileSource
{
    public static byte[] ReadAllBytes(string path, string parameterName = "path")
    {
        CheckFilePath(path, parameterName);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            long length = stream.Length;
            if (length > Array.MaxLength)
            {
                throw WeightFileError.Create(path, null, $"{path}: the file has {length} bytes, more than the {Array.MaxLength} a weight file may have.");
            }

            byte[] bytes = new byte[length];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"{path}: no such weight file.", path, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"{path}: the weight file cannot be read (access denied).", e);
        }
        catch (EndOfStreamException e)
        {
            throw WeightFileError.Create(path, null, $"{path}: the file got shorter while it was read.", e);
        }
    }

    /// <summary>Rejects a null, empty or folder path, naming the parameter and the value.</summary>
    public static void CheckFilePath(string path, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(path, parameterName);
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException($"{parameterName}: expected a file path but got '{path}'.", parameterName);
        }

        if (Directory.Exists(path))
        {
            throw new ArgumentException($"{parameterName}: expected a file but '{path}' is a folder.", parameterName);
        }
    }
}
