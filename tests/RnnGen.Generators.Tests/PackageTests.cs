using System.IO.Compression;
using System.Xml.Linq;

namespace RnnGen.Generators.Tests;

/// <summary>
/// The one NuGet package: <c>dotnet pack</c> of the runtime project holds the runtime, its XML documentation, the
/// generator and the code fixes; a project that references only that package (from a local folder feed, restored
/// offline) gets the generated model, runs it, and sees the generator's diagnostics.
/// </summary>
public sealed class PackageTests
{
    private const string Version = "0.1.0";

    [Fact]
    public void The_package_alone_gives_a_consumer_the_generator_the_diagnostics_and_the_runtime()
    {
        string root = DiagnosticTests.RepositoryRoot();
        string directory = Directory.CreateTempSubdirectory("rnngen-package").FullName;
        try
        {
            string feed = Path.Combine(directory, "feed");
            (int packExit, string packOutput) = Dotnet.Run(root, "pack", Path.Combine(root, "src", "RnnGen", "RnnGen.csproj"),
                "-c", "Release", "--no-restore", "-o", feed, "-nologo");
            Assert.True(packExit == 0, packOutput);
            string package = Path.Combine(feed, $"RnnGen.{Version}.nupkg");
            Assert.True(File.Exists(package), $"{package} was not written: {string.Join(", ", Directory.GetFiles(feed))}");
            CheckContents(package);

            // A consumer outside the repository: its only source is the folder feed, plus the packages this machine
            // already holds for the runtime's own dependency (System.Numerics.Tensors); packages restore into its folder.
            string globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            string app = Path.Combine(directory, "Consumer");
            Directory.CreateDirectory(app);
            File.WriteAllText(Path.Combine(app, "NuGet.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                    <add key="machine" value="{globalPackages}" />
                  </packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(app, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <RestorePackagesPath>{Path.Combine(directory, "packages")}</RestorePackagesPath>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="RnnGen" Version="{Version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                using RnnGen;

                var model = new Forecaster(seed: 7);
                float[] inputs = { 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f }, outputs = new float[2];
                model.Predict(inputs, batchSize: 2, timeSteps: 3, outputs);
                Console.WriteLine($"parameters {Forecaster.ParameterCount}");
                Console.WriteLine($"outputs {outputs[0]:R} {outputs[1]:R}");

                [RnnModel(InputSize = 1, Loss = Loss.MeanSquaredError)]
                public partial class Forecaster
                {
                    [Lstm(8)] public partial RecurrentLayer Memory { get; }
                    [Dense(1)] public partial DenseLayer Next { get; }
                }
                """);

            (int runExit, string runOutput) = Dotnet.Run(app, "run", "-nologo");
            Assert.True(runExit == 0, runOutput);
            Assert.Contains($"parameters {4 * 8 * (1 + 8 + 1) + 8 + 1}", runOutput); // LSTM 4H(I + H + 1) + Dense H + 1
            string[] values = runOutput.Split('\n').Single(l => l.StartsWith("outputs ", StringComparison.Ordinal)).Split(' ')[1..];
            Assert.Equal(2, values.Length);
            Assert.All(values, v => Assert.True(float.IsFinite(float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)), v));
            Assert.NotEqual(values[0], values[1]);

            // The package's generator reports a broken declaration as its diagnostic, not as a compiler error about missing members.
            File.WriteAllText(Path.Combine(app, "Broken.cs"), """
                using RnnGen;

                [RnnModel(InputSize = 4)]
                public partial class Stacked
                {
                    [Lstm(8)] public partial RecurrentLayer Encoder { get; }
                    [Lstm(8)] public partial RecurrentLayer Decoder { get; }
                }
                """);
            (int brokenExit, string brokenOutput) = Dotnet.Run(app, "build", "-nologo", "--no-restore");
            Assert.NotEqual(0, brokenExit);
            Assert.Matches(@"Broken\.cs\(\d+,\d+\): error RNN0011:", brokenOutput);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void CheckContents(string package)
    {
        using ZipArchive zip = ZipFile.OpenRead(package);
        string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
        foreach (string expected in new[]
                 {
                     "lib/net10.0/RnnGen.dll", "lib/net10.0/RnnGen.xml", "analyzers/dotnet/cs/RnnGen.Generators.dll",
                     "analyzers/dotnet/cs/RnnGen.CodeFixes.dll", "README.md",
                 })
        {
            Assert.Contains(expected, entries);
        }

        // Roslyn's own assemblies come with the compiler; shipping them would load a second copy
        Assert.DoesNotContain(entries, e => e.Contains("Microsoft.CodeAnalysis", StringComparison.Ordinal));

        using Stream nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        XElement metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Field(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        Assert.Equal("RnnGen", Field("id"));
        Assert.Equal(Version, Field("version"));
        Assert.Equal("MIT", Field("license"));
        Assert.Equal("README.md", Field("readme"));
        Assert.False(string.IsNullOrWhiteSpace(Field("description")));
        XElement[] dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").ToArray();
        Assert.Equal(new[] { "System.Numerics.Tensors" }, dependencies.Select(d => d.Attribute("id")!.Value));
    }
}
