using RnnGen.IO;
using RnnGen.Tests.Models;
using RnnGen.Tests.OutputRecurrence;
using RnnGen.Tests.Seq2Seq;

namespace RnnGen.Tests.Reliability;

/// <summary>
/// <c>LoadWeights(path, WeightLoadOptions)</c> on every model kind: a file with a NaN or infinite weight is rejected with
/// the model unchanged, and loads with <see cref="WeightLoadOptions.AllowNonFinite"/>.
/// </summary>
public sealed class LoadOptionsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-load-options-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Saves <paramref name="source"/> after spoiling two weights, then loads it into <paramref name="target"/> both ways.</summary>
    private void RejectedThenAllowed(Span<float> sourceParameters, Action<string> save, Span<float> targetParameters, Action<string> load,
        Action<string, WeightLoadOptions> loadWith, string tensor)
    {
        sourceParameters[7] = float.NaN;
        sourceParameters[^1] = float.PositiveInfinity;
        string path = Path.Combine(_folder, $"{tensor}.safetensors");
        save(path);
        float[] expected = sourceParameters.ToArray(), before = targetParameters.ToArray();

        var e = Assert.Throws<InvalidDataException>(() => load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{tensor}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("NaN at index 7", e.Message, StringComparison.Ordinal);
        Assert.Contains("AllowNonFinite", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, targetParameters.ToArray());
        e = Assert.Throws<InvalidDataException>(() => loadWith(path, new WeightLoadOptions()));
        Assert.Equal(before, targetParameters.ToArray());
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => loadWith(path, null!)).ParamName);

        loadWith(path, new WeightLoadOptions { AllowNonFinite = true });
        Assert.Equal(expected, targetParameters.ToArray()); // NaN equals NaN for float.Equals
        Assert.True(float.IsPositiveInfinity(targetParameters[^1]));
    }

    [Fact]
    public void An_encoder_decoder_model_rejects_a_NaN_unchanged_and_loads_it_with_AllowNonFinite()
    {
        var source = new AdditiveLstm(seed: 1);
        var target = new AdditiveLstm(seed: 2);
        RejectedThenAllowed(source.Parameters, source.SaveWeights, target.Parameters, target.LoadWeights, target.LoadWeights, "Letters.weight");
    }

    [Fact]
    public void An_output_recurrent_model_rejects_a_NaN_unchanged_and_loads_it_with_AllowNonFinite()
    {
        var source = new FeedbackForecaster(seed: 1);
        var target = new FeedbackForecaster(seed: 2);
        RejectedThenAllowed(source.Parameters, source.SaveWeights, target.Parameters, target.LoadWeights, target.LoadWeights, "Memory.weight_ih_l0");
    }

    [Fact]
    public void A_sequential_model_without_a_loss_has_the_overload_too()
    {
        var source = new BiSummarizer(seed: 1);
        var target = new BiSummarizer(seed: 2);
        RejectedThenAllowed(source.Parameters, source.SaveWeights, target.Parameters, target.LoadWeights, target.LoadWeights, "Encoder.weight_ih_l0");
    }
}
