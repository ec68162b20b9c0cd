namespace CharLM;

/// <summary>How much of the book the sample reads and how long it trains: a fixed amount, so the printed figures repeat bitwise.</summary>
/// <param name="Epochs">Passes over the training text.</param>
/// <param name="Lanes">Batch lanes the training text is split into (the batch size).</param>
/// <param name="TimeSteps">Steps per window (truncated BPTT length).</param>
/// <param name="LearningRate">Adam's peak rate, decayed to zero over the run (cosine, per batch).</param>
/// <param name="WarmUp">The fraction of the run's batches over which the rate rises linearly from zero to its peak.</param>
/// <param name="TrainingCharacters">Train on only the first this many training characters (null: all of them).</param>
/// <param name="HeldOutCharacters">Score only the first this many held-out characters (null: all of them).</param>
/// <param name="HeldOutLanes">Streams the held-out text is split into for scoring (each starts from a zero state).</param>
/// <param name="GeneratedCharacters">Characters generated at each temperature.</param>
public sealed record CharLmSettings(int Epochs, int Lanes, int TimeSteps, float LearningRate, double WarmUp = 0,
    int? TrainingCharacters = null, int? HeldOutCharacters = null, int HeldOutLanes = 8, int GeneratedCharacters = 400)
{
    /// <summary>The full run: the figures in the README.</summary>
    public static CharLmSettings Full { get; } = new(Epochs: 5, Lanes: 12, TimeSteps: 50, LearningRate: 0.007f, WarmUp: 0.02);

    /// <summary>Seconds: a few steps on the first 2,000 characters, to check the pipeline (small enough for a Debug test run).</summary>
    public static CharLmSettings Smoke { get; } = new(Epochs: 1, Lanes: 2, TimeSteps: 20, LearningRate: 0.03f,
        TrainingCharacters: 2_000, HeldOutCharacters: 600, HeldOutLanes: 1, GeneratedCharacters: 40);
}
