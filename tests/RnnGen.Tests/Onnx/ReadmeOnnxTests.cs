using System.Text.RegularExpressions;
using RnnGen.Tests.Readme;

namespace RnnGen.Tests.Onnx;

/// <summary>The README's "Deploying with ONNX Runtime" block is ReadmeOnnxExample's marked code, and that code runs.</summary>
public sealed class ReadmeOnnxTests
{
    [Fact]
    public void ReadmeBlock_EqualsTheTestedCode()
    {
        string root = ReadmeBlocks.RepositoryRoot();
        string example = File.ReadAllText(Path.Combine(root, "tests", "RnnGen.Tests", "Onnx", "ReadmeOnnxExample.cs")).ReplaceLineEndings("\n");
        string expected = ReadmeBlocks.Region(example, "usings", "ReadmeOnnxExample.cs") + "\n" + ReadmeBlocks.Dedent(ReadmeBlocks.Region(example, "body", "ReadmeOnnxExample.cs"));

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
}
