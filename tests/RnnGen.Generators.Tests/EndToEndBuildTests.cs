namespace RnnGen.Generators.Tests;

/// <summary>
/// Real <c>dotnet build</c>s of small projects that reference RnnGen the way users do: every broken declaration from the
/// docs fails with its ID, and a correct project builds with no warnings.
/// </summary>
public sealed class EndToEndBuildTests
{
    [Fact]
    public void Dotnet_build_reports_every_broken_declaration_and_builds_a_correct_one_clean()
    {
        string root = DiagnosticTests.RepositoryRoot();
        string directory = Directory.CreateTempSubdirectory("rnngen-e2e").FullName;
        try
        {
            // The compiler runs analyzers only on compilations without errors, so the analyzer's cases (RNN0005, RNN0020:
            // code that compiles) build apart from the generator's (declarations that cannot compile without it).
            string broken = Path.Combine(directory, "Broken"), analyzed = Path.Combine(directory, "Analyzed"), valid = Path.Combine(directory, "Valid");
            var ids = new List<(string Id, string Project)>();
            foreach (object[] row in DiagnosticTests.Cases())
            {
                string id = (string)row[0];
                string project = id is DiagnosticDescriptors.LayerOutsideModelId or DiagnosticDescriptors.ArgumentSizeMismatchId ? analyzed : broken;
                ids.Add((id, project));
                (string source, _) = GeneratorHarness.Marked((string)row[1]);
                Write(project, id + ".cs", source.Replace("namespace Test;", $"namespace Test.{id};"));
                Write(valid, id + ".cs", ((string)row[2]).Replace("namespace Test;", $"namespace Test.{id};"));
            }

            foreach (string project in new[] { broken, analyzed, valid }) WriteProject(project, root);

            foreach (string project in new[] { broken, analyzed })
            {
                (int exit, string output) = Build(project);
                Assert.NotEqual(0, exit);
                foreach ((string id, _) in ids.Where(i => i.Project == project))
                {
                    Assert.Matches($"{id}\\.cs\\(\\d+,\\d+\\): (error|warning) {id}:", output);
                }
            }

            (int validExit, string validOutput) = Build(valid);
            Assert.True(validExit == 0, validOutput);
            Assert.Contains("0 Warning(s)", validOutput);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void Write(string directory, string name, string text)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, name), text);
    }

    private static void WriteProject(string directory, string root) => Write(directory, Path.GetFileName(directory) + ".csproj", $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <NoWarn>CS0067;CS0169;CS8618</NoWarn>
          </PropertyGroup>
          <ItemGroup>
            <ProjectReference Include="{root}/src/RnnGen/RnnGen.csproj" />
            <ProjectReference Include="{root}/generators/RnnGen.Generators/RnnGen.Generators.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
          </ItemGroup>
        </Project>
        """);

    private static (int ExitCode, string Output) Build(string directory)
        => Dotnet.Run(directory, "build", "-nologo", "-consoleLoggerParameters:Summary");
}
