using RnnGen.Data;
using RnnGen.Tests.OutputRecurrence;
using RnnGen.Training;

namespace RnnGen.Tests.Training;

/// <summary>
/// Stateful training (<see cref="FitOptions.Stateful"/>) against the loop a PyTorch user writes by hand — forward from the
/// carried state, backward, update, window after window — and streaming evaluation against a step-by-step pass.
/// </summary>
public sealed class StatefulFitTests
{
    private const int Lanes = 3, Steps = 5;

    // A stream with structure an LSTM can pick up (a repeating pattern with noise), ids 4…8.
    private static int[] Stream(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(i => random.Next(10) < 7 ? 4 + i % 5 : 4 + random.Next(5)).ToArray();
    }

    private static SequenceBatch Batch(int[] inputs, int[] targets, int lanes, int steps)
        => new() { BatchSize = lanes, TimeSteps = steps, Tokens = inputs, ClassTargets = targets };

    [Fact]
    public void Stateful_fit_equals_manual_window_by_window_training_bitwise()
    {
        LaneWindows lanes = LaneWindows.Split(Stream(200, 1), Lanes, Steps);
        var fitted = new TinyCharModel(seed: 3);
        TrainingHistory history = fitted.Fit(lanes.ToDataSet(), new Adam(0.01f) { ClipNorm = 1f }, new FitOptions
        {
            Epochs = 3, BatchSize = Lanes, Stateful = true,
        });

        var manual = new TinyCharModel(seed: 3);
        var optimizer = new Adam(0.01f) { ClipNorm = 1f };
        var outputs = new float[Lanes * Steps * 9];
        var losses = new List<double>();
        for (int epoch = 0; epoch < 3; epoch++)
        {
            TinyCharModel.State state = manual.CreateState(Lanes);   // zero at every epoch's start
            double sum = 0;
            for (int k = 0; k < lanes.WindowCount; k++)
            {
                (int[] x, int[] y) = lanes.Window(k);
                manual.ZeroGradients();
                sum += manual.Forward(Batch(x, y, Lanes, Steps), outputs, state);   // final states written back into state
                manual.Backward();                                                     // stops at the window's first step
                optimizer.Update(manual.Parameters, manual.Gradients);
            }

            losses.Add(sum / lanes.WindowCount);
        }

        Assert.Equal(manual.Parameters.ToArray(), fitted.Parameters.ToArray());
        Assert.Equal(losses, history.Epochs.Select(e => e.Loss), new DoubleTolerance(1e-6));
        Assert.True(history.Epochs[^1].Loss < history.Epochs[0].Loss, "the training loss falls");

        // Without the carried state (and in the same order) training goes elsewhere: the state is what differs.
        var zeroState = new TinyCharModel(seed: 3);
        zeroState.Fit(lanes.ToDataSet(), new Adam(0.01f) { ClipNorm = 1f }, new FitOptions { Epochs = 3, BatchSize = Lanes, Shuffle = false });
        Assert.NotEqual(zeroState.Parameters.ToArray(), fitted.Parameters.ToArray());
    }

    [Fact]
    public void Stateful_forward_matches_the_float_forward_from_the_same_state_and_truncates_the_gradient()
    {
        int[] stream = Stream(60, 2);
        LaneWindows lanes = LaneWindows.Split(stream, 2, 6);
        var model = new TinyCharModel(seed: 5);
        TinyCharModel.State fused = model.CreateState(2), plain = model.CreateState(2);
        var probabilities = new float[2 * 6 * 9];
        var expected = new float[2 * 6 * 9];
        for (int k = 0; k < 3; k++)
        {
            (int[] x, int[] y) = lanes.Window(k);
            float[] carried = plain.Values.ToArray();

            // the loss path: softmax + cross-entropy fused, gradient p − onehot(y)
            model.ZeroGradients();
            float loss = model.Forward(Batch(x, y, 2, 6), probabilities, fused);
            model.Backward();
            float[] fusedGradients = model.Gradients.ToArray();

            // the general path from the same carried state: ∂L/∂p = −1/(n·p_y) at each target
            model.ZeroGradients();
            model.Forward(x, 2, 6, expected, default, plain);
            var outputGradient = new float[expected.Length];
            double crossEntropy = 0;
            for (int r = 0; r < 12; r++)
            {
                crossEntropy -= Math.Log(expected[r * 9 + y[r]]);
                outputGradient[r * 9 + y[r]] = -1f / (12 * expected[r * 9 + y[r]]);
            }

            model.Backward(outputGradient);
            Assert.Equal(crossEntropy / 12, loss, 5);
            Assert.Equal(expected, probabilities, new FloatTolerance(1e-6f));
            Assert.Equal(plain.Values.ToArray(), fused.Values.ToArray(), new FloatTolerance(1e-6f));
            Assert.Equal(model.Gradients.ToArray(), fusedGradients, new FloatTolerance(1e-5f));
            if (k > 0) Assert.Contains(carried, v => v != 0);   // windows after the first start from a carried state
        }
    }

    [Fact]
    public void Streaming_evaluate_equals_a_step_by_step_pass_mean_cross_entropy()
    {
        int[] stream = Stream(300, 3);
        LaneWindows lanes = LaneWindows.Split(stream, Lanes, Steps);
        var model = new TinyCharModel(seed: 4);
        model.Fit(lanes.ToDataSet(), new Adam(0.02f), new FitOptions { Epochs = 2, BatchSize = Lanes, Stateful = true });

        EvaluationResult streaming = model.Evaluate(lanes.ToDataSet(), Lanes, stateful: true);

        TinyCharModel.State state = model.CreateState(Lanes);
        var probabilities = new float[Lanes * 9];
        var tokens = new int[Lanes];
        double sum = 0;
        int count = 0;
        for (int k = 0; k < lanes.WindowCount; k++)
        {
            (int[] x, int[] y) = lanes.Window(k);
            for (int t = 0; t < Steps; t++)
            {
                for (int b = 0; b < Lanes; b++) tokens[b] = x[b * Steps + t];
                model.Step(tokens, probabilities, state);
                for (int b = 0; b < Lanes; b++, count++) sum -= Math.Log(probabilities[b * 9 + y[b * Steps + t]]);
            }
        }

        Assert.Equal(sum / count, streaming.Loss, 5);
        EvaluationResult zeroState = model.Evaluate(lanes.ToDataSet(), Lanes);
        Assert.True(Math.Abs(zeroState.Loss - streaming.Loss) > 1e-3, $"zero-state {zeroState.Loss} vs streaming {streaming.Loss}: the carried state must matter");
    }

    [Fact]
    public void Stateful_validation_is_scored_streaming()
    {
        LaneWindows training = LaneWindows.Split(Stream(200, 5), Lanes, Steps), held = LaneWindows.Split(Stream(100, 6), Lanes, Steps);
        var model = new TinyCharModel(seed: 6);
        var seen = new List<double>();
        TrainingHistory history = model.Fit(training.ToDataSet(), new Adam(0.01f), new FitOptions
        {
            Epochs = 2, BatchSize = Lanes, Stateful = true, ValidationData = held.ToDataSet(),
            OnEpochEnd = _ => seen.Add(model.Evaluate(held.ToDataSet(), Lanes, stateful: true).Loss),
        });

        Assert.Equal(seen, history.Epochs.Select(e => e.ValidationLoss!.Value));
    }

    [Fact]
    public void Stateful_passes_reject_partial_batches_and_models_without_state()
    {
        SequenceDataSet data = LaneWindows.Split(Stream(200, 7), Lanes, Steps).ToDataSet();   // 39 windows of 3 lanes
        var model = new TinyCharModel(seed: 1);
        var fit = Assert.Throws<ArgumentException>(() => model.Fit(data, new Adam(0.01f), new FitOptions { BatchSize = 4, Stateful = true }));
        Assert.Contains("options.BatchSize = 4", fit.Message);
        Assert.Contains($"{data.Count} examples", fit.Message);

        var validation = Assert.Throws<ArgumentException>(() => model.Fit(data, new Adam(0.01f), new FitOptions
        {
            BatchSize = Lanes, Stateful = true, ValidationData = data.Subset([0, 1]),
        }));
        Assert.Equal("options.ValidationData", validation.ParamName);

        var evaluate = Assert.Throws<ArgumentException>(() => model.Evaluate(data, 2, stateful: true));
        Assert.Equal("data", evaluate.ParamName);
        Assert.Contains("batchSize = 2", evaluate.Message);

        var feedback = new FeedbackTagger(seed: 1);
        SequenceDataSet floats = SequenceDataSet.FromFloats(new float[2 * 4 * 3], 2, 4, 3, new int[2 * 4], targetsPerStep: true);
        var noState = Assert.Throws<ArgumentException>(() => feedback.Fit(floats, new Adam(0.01f), new FitOptions { BatchSize = 2, Stateful = true }));
        Assert.Equal("options.Stateful", noState.ParamName);
    }

    [Fact]
    public void Readme_stateful_examples_run()
    {
        string trainingText = new(Stream(3300, 8).Select(id => (char)('a' + id - 4)).ToArray());
        string heldOutText = new(Stream(500, 9).Select(id => (char)('a' + id - 4)).ToArray());
        var chars = CharacterVocabulary.Build(trainingText);
        var model = new TinyCharModel(seed: 2);
        var outputs = new float[32 * 50 * 9];
        var optimizer = new Adam(0.005f);
        SequenceDataSet heldData = LaneWindows.Split(chars.Encode(heldOutText), 8, 50).ToDataSet();
        double untrained = model.Evaluate(heldData, 8, stateful: true).Loss;

        // README.md, "Stateful training of language models", verbatim
        LaneWindows train = LaneWindows.Split(chars.Encode(trainingText), lanes: 32, timeSteps: 50);
        LaneWindows held = LaneWindows.Split(chars.Encode(heldOutText), lanes: 8, timeSteps: 50);
        model.Fit(train.ToDataSet(), new Adam(0.005f) { ClipNorm = 5 }, new FitOptions { Epochs = 3, BatchSize = 32, Stateful = true });
        double bits = Metrics.BitsPerCharacter(model.Evaluate(held.ToDataSet(), batchSize: 8, stateful: true).Loss);

        var state = model.CreateState(batchSize: 32);            // zero at the start of each epoch
        for (int k = 0; k < train.WindowCount; k++)
        {
            (int[] x, int[] y) = train.Window(k);
            model.ZeroGradients();
            float loss = model.Forward(new SequenceBatch { BatchSize = 32, TimeSteps = 50, Tokens = x, ClassTargets = y }, outputs, state);
            model.Backward();                                    // stops at the window's first step: the carried state is a constant
            optimizer.Update(model.Parameters, model.Gradients);
        }

        Assert.True(bits < Metrics.BitsPerCharacter(untrained), $"trained {bits} bits, untrained {Metrics.BitsPerCharacter(untrained)}");
        Assert.True(model.Evaluate(heldData, 8, stateful: true).Loss < untrained);   // and the hand-written loop kept learning
    }

    private sealed class DoubleTolerance(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance * Math.Max(1f, Math.Abs(y));

        public int GetHashCode(float obj) => 0;
    }
}
