using Microsoft.CodeAnalysis;

namespace RnnGen.Generators.Tests;

/// <summary>Buffers of constant size passed to Predict and Step are checked against the model's sizes.</summary>
public sealed class CallSiteTests
{
    private const string Members = "[Lstm(4)] public partial RecurrentLayer Rnn { get; } [Dense(2)] public partial DenseLayer Out { get; }";

    private static IReadOnlyList<Diagnostic> Analyze(string body)
        => GeneratorHarness.Analyze(GeneratorHarness.Model(Members + "\nvoid Use(M.State s) { var m = new M(); " + body + " }")).Diagnostics;

    [Theory]
    [InlineData("m.Predict(new float[29], 2, 5, new float[4]);", "'inputs' holds 29 values but M expects batchSize·timeSteps·InputSize = 2·5·3 = 30")]
    [InlineData("float[] x = new float[30]; Span<float> y = stackalloc float[3]; m.Predict(x, 2, 5, y);", "'outputs' holds 3 values but M expects batchSize·OutputSize = 2·2 = 4")]
    [InlineData("m.Step(stackalloc float[4], new float[2], s);", "'inputs' holds 4 values but M expects a multiple of InputSize = 3")]
    [InlineData("m.Step(new float[] { 1, 2, 3 }, new float[3], s);", "'output' holds 3 values but M expects 1 stream(s) · OutputSize = 1·2 = 2")]
    public void Mismatched_constant_sizes_are_reported(string body, string message)
    {
        Diagnostic d = Assert.Single(Analyze(body.Replace("Span<", "System.Span<")));
        Assert.Equal(DiagnosticDescriptors.ArgumentSizeMismatchId, d.Id);
        Assert.Contains(message, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("m.Predict(new float[30], 2, 5, new float[4]);")]
    [InlineData("m.Step(new float[6], new float[4], s);")]
    [InlineData("int n = 7; m.Predict(new float[n], 2, 5, new float[4]);")]
    [InlineData("int n = 6; m.Step(new float[n], new float[4], s);")]
    public void Matching_or_unknown_sizes_are_not_reported(string body) => Assert.Empty(Analyze(body));
}
