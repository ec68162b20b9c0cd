using System.Text.RegularExpressions;

namespace RnnGen.Tests.Onnx;

/// <summary>The README's "Deploying with ONNX Runtime" block is ReadmeOnnxExample's marked code, and that code runs.</summary>
public sealed class ReadmeOnnxTests
{
    [Fact]
    public void ReadmeBlock_EqualsTheTestedCode()
    {
        string root = RepositoryRoot();
        string example = File.ReadAllText(Path.Combine(root, "tests", "RnnGen.Tests", "Onnx", "ReadmeOnnxExample.cs")).ReplaceLineEndings("\n");
        string expected = Region(example, "usings") + "\n" + Dedent(Region(example, "body"));

        string readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        int section = readme.IndexOf("## Deploying with ONNX Runtime", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no section \"Deploying with ONNX Runtime\"");
        Match block = Regex.Match(readme[section..], "```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "the section has no csharp block");
        Assert.Equal(expected, block.Groups[1].Value);
    }

    [Fact]
    public void ReadmeCode_TrainsExportsAndRunsInOnnxRuntime()
    {
        (float[] fromOnnx, float[] fromRnnGen, float[] targets) = ReadmeOnnxExample.Run();
        OrtRunner.AssertClose(fromRnnGen, fromOnnx, 1e-5f, "README example: ONNX Runtime vs Predict");
        double mse = fromRnnGen.Zip(targets, (p, y) => (double)(p - y) * (p - y)).Average();
        // predicting 0 gives about 0.5
        Assert.True(mse < 0.01, $"the README's forecaster did not learn the sine wave: MSE {mse:G3}");
    }

    private static string Region(string source, string name)
    {
        Match m = Regex.Match(source, $"// README ↓ {name}\n(.*?)[ ]*// README ↑\n", RegexOptions.Singleline);
        Assert.True(m.Success, $"ReadmeOnnxExample.cs has no README region '{name}'");
        return m.Groups[1].Value;
    }

    private static string Dedent(string text)
    {
        string[] lines = text.Split('\n');
        int indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    private static string RepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "RnnGen.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("RnnGen.sln not found above " + AppContext.BaseDirectory);
    }
}
