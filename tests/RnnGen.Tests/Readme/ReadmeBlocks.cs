using System.Text.RegularExpressions;

namespace RnnGen.Tests.Readme;

/// <summary>Reads README code blocks and the marked regions of the test files they are copied from.</summary>
internal static class ReadmeBlocks
{
    /// <summary>The lines between <c>// README ↓ name</c> and <c>// README ↑</c> of <paramref name="source"/>.</summary>
    public static string Region(string source, string name, string file)
    {
        Match m = Regex.Match(source, $"// README ↓ {name}\n(.*?)[ ]*// README ↑\n", RegexOptions.Singleline);
        Assert.True(m.Success, $"{file} has no README region '{name}'");
        return m.Groups[1].Value;
    }

    /// <summary>The lines with their common indentation removed.</summary>
    public static string Dedent(string text)
    {
        string[] lines = text.Split('\n');
        int indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    /// <summary>The folder holding RnnGen.sln, above the test binaries.</summary>
    public static string RepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "RnnGen.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("RnnGen.sln not found above " + AppContext.BaseDirectory);
    }
}
