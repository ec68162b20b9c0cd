using System.Reflection;

namespace RnnGen.Tests.Samples;

/// <summary>The samples write to the console: their tests run one at a time, in this collection.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SampleCollection
{
    public const string Name = "Samples";
}

/// <summary>Runs a sample's entry point (the test project references every sample) and returns what it printed.</summary>
internal static class SampleRunner
{
    public static string Run(Assembly sample, params string[] args)
    {
        var console = new StringWriter();
        TextWriter previous = Console.Out;
        Console.SetOut(console);
        try
        {
            sample.EntryPoint!.Invoke(null, new object[] { args });
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new InvalidOperationException($"{sample.GetName().Name} {string.Join(' ', args)} failed; it printed:\n{console}", e.InnerException);
        }
        finally
        {
            Console.SetOut(previous);
        }

        return console.ToString();
    }

    /// <summary>Runs <paramref name="test"/> with a fresh temporary folder for the sample's --output, removed afterwards.</summary>
    public static void InTemporaryFolder(Action<string> test)
    {
        string folder = Path.Combine(Path.GetTempPath(), "rnngen-sample-" + Guid.NewGuid().ToString("N"));
        try
        {
            test(folder);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The number printed after <paramref name="label"/> (e.g. "test accuracy: 0.85").</summary>
    public static double Figure(string output, string label)
    {
        var match = System.Text.RegularExpressions.Regex.Match(output, System.Text.RegularExpressions.Regex.Escape(label) + @"\s*(-?[0-9.]+(?:E[-+]?[0-9]+)?)");
        Assert.True(match.Success, $"no \"{label}\" figure in:\n{output}");
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
