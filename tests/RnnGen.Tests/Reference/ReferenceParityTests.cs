using RnnGen.Training;

namespace RnnGen.Tests.Reference;

/// <summary>
/// Generated models against the independent float64 reference: outputs and loss, and every parameter gradient of
/// Backward against central finite differences of the reference loss — for every cell, activation, merge, stack,
/// embedding, dense layer and loss, with padded sequences (lengths 5, 2, 4 in a batch of T = 5).
/// </summary>
public sealed class ReferenceParityTests
{
    private const int B = 3, T = 5;
    private static readonly int[] Lengths = { 5, 2, 4 };

    public static TheoryData<ReferenceCase> Cases()
    {
        var data = new TheoryData<ReferenceCase>();
        foreach (ReferenceCase c in ReferenceCase.All()) data.Add(c);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Outputs_and_loss_match_the_reference(ReferenceCase c)
    {
        (ITrainableModel model, Dictionary<string, double[]> p, Batch batch) = Setup(c);
        int perExample = (model.OutputIsSequence ? T : 1) * model.ModelOutputSize;
        var outputs = new float[B * perExample];
        float loss = model.Forward(batch.View, outputs);

        for (int b = 0; b < B; b++)
        {
            List<double[]> rows = c.Reference.Run(p, batch.Sequences[b], logits: false);
            for (int r = 0; r < rows.Count; r++)
            {
                for (int k = 0; k < rows[r].Length; k++)
                {
                    double expected = rows[r][k];
                    float actual = outputs[b * perExample + r * model.ModelOutputSize + k];
                    Assert.True(Math.Abs(actual - expected) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"{c}: output[{b}, {r}, {k}] = {actual}, reference {expected}");
                }
            }
        }

        double referenceLoss = c.Reference.Loss64(p, batch.Sequences, batch.ClassTargets, batch.Targets, Lengths, T);
        Assert.True(Math.Abs(loss - referenceLoss) <= 1e-5 * Math.Max(1, Math.Abs(referenceLoss)), $"{c}: loss {loss}, reference {referenceLoss}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_match_finite_differences_of_the_reference(ReferenceCase c)
    {
        (ITrainableModel model, Dictionary<string, double[]> p, Batch batch) = Setup(c);
        model.Gradients.Clear();
        model.Forward(batch.View, default);
        model.Backward();
        var named = (IReadOnlyList<NamedTensor>)model.GetType().GetProperty("NamedGradients")!.GetValue(model)!;

        const double eps = 1e-6;
        int checkedCount = 0;
        foreach (NamedTensor g in named)
        {
            double[] values = p[g.Name];
            for (int i = 0; i < values.Length; i++)
            {
                double saved = values[i];
                values[i] = saved + eps;
                double plus = c.Reference.Loss64(p, batch.Sequences, batch.ClassTargets, batch.Targets, Lengths, T);
                values[i] = saved - eps;
                double minus = c.Reference.Loss64(p, batch.Sequences, batch.ClassTargets, batch.Targets, Lengths, T);
                values[i] = saved;
                double numeric = (plus - minus) / (2 * eps);
                double analytic = g.Values.Span[i];
                Assert.True(Math.Abs(analytic - numeric) <= 2e-5 + 2e-3 * Math.Abs(numeric),
                    $"{c}: ∂loss/∂{g.Name}[{i}] = {analytic}, finite differences {numeric}");
                checkedCount++;
            }
        }

        Assert.Equal(model.Parameters.Length, checkedCount);
    }

    internal sealed class Batch
    {
        public required List<List<double[]>> Sequences { get; init; }
        public required int[] Tokens { get; init; }
        public required float[] Inputs { get; init; }
        public required int[] ClassTargets { get; init; }
        public required float[] Targets { get; init; }
        public SequenceBatch View => new()
        {
            BatchSize = B,
            TimeSteps = T,
            Tokens = Tokens,
            Inputs = Inputs,
            Lengths = Lengths,
            ClassTargets = ClassTargets,
            Targets = Targets,
        };
    }

    internal static (ITrainableModel, Dictionary<string, double[]>, Batch) Setup(ReferenceCase c)
    {
        ITrainableModel model = c.Create();
        var random = new Random(c.Name.Length);

        // Random parameters (not the initialiser's zero biases) so every term is exercised.
        Span<float> parameters = model.Parameters;
        for (int i = 0; i < parameters.Length; i++) parameters[i] = (float)(random.NextDouble() - 0.5);
        var named = (IReadOnlyList<NamedTensor>)model.GetType().GetProperty("NamedParameters")!.GetValue(model)!;
        var p = named.ToDictionary(t => t.Name, t => t.Values.ToArray().Select(v => (double)v).ToArray());

        int I = c.Reference.InputSize;
        bool tokens = c.Vocabulary > 0;
        var tokenIds = new int[tokens ? B * T : 0];
        var inputs = new float[tokens ? 0 : B * T * I];
        var sequences = new List<List<double[]>>();
        for (int b = 0; b < B; b++)
        {
            var seq = new List<double[]>();
            for (int t = 0; t < T; t++)
            {
                if (tokens)
                {
                    tokenIds[b * T + t] = t < Lengths[b] ? random.Next(c.Vocabulary) : 0;
                    if (t < Lengths[b]) seq.Add(new double[] { tokenIds[b * T + t] });
                }
                else
                {
                    var x = new double[I];
                    for (int k = 0; k < I; k++)
                    {
                        float v = t < Lengths[b] ? (float)(random.NextDouble() * 2 - 1) : 0f;
                        inputs[(b * T + t) * I + k] = v;
                        x[k] = v;
                    }

                    if (t < Lengths[b]) seq.Add(x);
                }
            }

            sequences.Add(seq);
        }

        int rows = B * (model.OutputIsSequence ? T : 1);
        int[] classes = model.Loss == Loss.CrossEntropy ? Enumerable.Range(0, rows).Select(_ => random.Next(model.ModelOutputSize)).ToArray() : Array.Empty<int>();
        float[] targets = model.Loss == Loss.CrossEntropy ? Array.Empty<float>() :
            Enumerable.Range(0, rows * model.ModelOutputSize).Select(_ => model.Loss == Loss.BinaryCrossEntropy ? (float)random.Next(2) : (float)(random.NextDouble() * 2 - 1)).ToArray();
        return (model, p, new Batch { Sequences = sequences, Tokens = tokenIds, Inputs = inputs, ClassTargets = classes, Targets = targets });
    }
}
