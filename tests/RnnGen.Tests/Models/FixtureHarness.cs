using RnnGen.Tests.Fixtures;

namespace RnnGen.Tests.Models;

/// <summary>
/// Drives a generated fixture model through arrays, so one test body serves every model class:
/// the state is exchanged as <c>State.Values</c> (per layer, per direction: hidden [B, h], then cell [B, H] for LSTM;
/// h = P with a projection, H otherwise).
/// </summary>
public sealed class FixtureHarness
{
    public delegate void ForwardFn(float[] inputs, int batch, int time, float[] outputs, float[] state);
    public delegate void BackwardFn(float[] outputGradient, float[]? finalStateGradient, float[] inputGradient, float[] initialStateGradient);

    public required IReadOnlyList<NamedTensor> Parameters { get; init; }
    public required IReadOnlyList<NamedTensor> Gradients { get; init; }
    public required ForwardFn Forward { get; init; }
    public required BackwardFn Backward { get; init; }
    public required Action ZeroGradients { get; init; }
    /// <summary>Member names of the recurrent layers, layer l of the fixture = Members[l].</summary>
    public required string[] Members { get; init; }

    /// <summary>Sets the model's parameters from the fixture (PyTorch's two biases summed where the model has one).</summary>
    public void LoadParameters(Fixture f)
    {
        var byName = Parameters.ToDictionary(p => p.Name);
        foreach (string name in f.ParamNames)
        {
            (string member, string local) = Map(name);
            float[] values = f.Param(name).ToFloat();
            if (byName.TryGetValue(member + "." + local, out NamedTensor? target))
            {
                if (local.StartsWith("bias_hh", StringComparison.Ordinal))
                {
                    values.CopyTo(target.Values.Span);
                }
                else
                {
                    values.CopyTo(target.Values.Span);
                }
            }
            else
            {
                // bias_hh folded into bias_ih
                NamedTensor bias = byName[member + "." + local.Replace("bias_hh", "bias_ih")];
                Span<float> span = bias.Values.Span;
                float[] ih = f.Param(name.Replace("bias_hh", "bias_ih")).ToFloat();
                for (int i = 0; i < span.Length; i++) span[i] = ih[i] + values[i];
            }
        }
    }

    /// <summary>PyTorch name weight_ih_l1_reverse → (Members[1], weight_ih_l0_reverse).</summary>
    public (string Member, string Local) Map(string pytorchName)
    {
        int at = pytorchName.IndexOf("_l", StringComparison.Ordinal);
        int end = at + 2;
        while (end < pytorchName.Length && char.IsDigit(pytorchName[end])) end++;
        int layer = int.Parse(pytorchName[(at + 2)..end]);
        return (Members[layer], pytorchName[..at] + "_l0" + pytorchName[end..]);
    }

    /// <summary>Converts fixture state tensors h [L·D, B, h] and optionally c [L·D, B, H] to State.Values layout.</summary>
    public static float[] ToState(Fixture f, Tensor h, Tensor? c)
    {
        int L = f.NumLayers, D = f.NumDirections, B = f.Batch, H = f.HiddenSize, Hh = f.OutputUnits;
        int perSlot = B * Hh + (c is null ? 0 : B * H);
        var values = new float[L * D * perSlot];
        for (int slot = 0; slot < L * D; slot++)
        {
            for (int i = 0; i < B * Hh; i++) values[slot * perSlot + i] = (float)h.Data[slot * B * Hh + i];
            for (int i = 0; c is not null && i < B * H; i++) values[slot * perSlot + B * Hh + i] = (float)c.Data[slot * B * H + i];
        }

        return values;
    }

    /// <summary>Splits State.Values back into (h [L·D·B·h], c [L·D·B·H]) in the fixture's slot order.</summary>
    public static (float[] H, float[]? C) FromState(Fixture f, float[] values)
    {
        int L = f.NumLayers, D = f.NumDirections, B = f.Batch, H = f.HiddenSize, Hh = f.OutputUnits;
        bool lstm = f.IsLstm;
        int perSlot = B * Hh + (lstm ? B * H : 0);
        var h = new float[L * D * B * Hh];
        float[]? c = lstm ? new float[L * D * B * H] : null;
        for (int slot = 0; slot < L * D; slot++)
        {
            Array.Copy(values, slot * perSlot, h, slot * B * Hh, B * Hh);
            if (c is not null) Array.Copy(values, slot * perSlot + B * Hh, c, slot * B * H, B * H);
        }

        return (h, c);
    }
}
