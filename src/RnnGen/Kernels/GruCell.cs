using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RnnGen.Layers;

namespace RnnGen.Kernels;

/// <summary>
/// Where each slice of a GRU direction's cache lives, R = B·T rows: the forward cache (gates after activation, hn), then
/// backward scratch (∂a_ih, ∂a_hh, the states each step started from), the per-step buffers, then the packed copy of
/// W_hh. Forward and backward both read their offsets from here.
/// </summary>
internal readonly struct GruCache(int batch, int time, int units)
{
    private readonly int _r = batch * time, _b = batch, _h = units;

    /// <summary>[R, 3H] r, z, n after their activations.</summary>
    public int Gates => 0;

    /// <summary>[R, H] reset-after: W_hn h_(t−1) + b_hn; reset-before: r ⊙ h_(t−1).</summary>
    public int RecurrentN => _r * 3 * _h;

    /// <summary>[R, 3H] ∂loss/∂(x·W_ihᵀ + b_ih).</summary>
    public int InputGateGradients => _r * 4 * _h;

    /// <summary>[R, 3H] ∂loss/∂(h·W_hhᵀ + b_hh) (reset-after).</summary>
    public int RecurrentGateGradients => _r * 7 * _h;

    /// <summary>[R, H] h_(t−1) of every step.</summary>
    public int PreviousHidden => _r * 10 * _h;

    /// <summary>[B, 3H] one step's h_(t−1)·W_hhᵀ + b_hh (reset-after forward).</summary>
    public int RecurrentProduct => _r * 11 * _h;

    /// <summary>[B, H] ∂h carried back through the steps.</summary>
    public int HiddenGradient => RecurrentProduct + _b * 3 * _h;

    /// <summary>[B, H] ∂h_(t−1) through the recurrent product of one step.</summary>
    public int NewHiddenGradient => HiddenGradient + _b * _h;

    /// <summary>[B, H] ∂h_(t−1) through h_t = … + z ⊙ h_(t−1) (and, reset-before, r ⊙ h_(t−1)).</summary>
    public int DirectHiddenGradient => NewHiddenGradient + _b * _h;

    /// <summary>[B, H] ∂(r ⊙ h_(t−1)) (reset-before).</summary>
    public int ResetHiddenGradient => DirectHiddenGradient + _b * _h;

    /// <summary>The packed copy of W_hh(ᵀ) for the per-step products.</summary>
    public int Packed => ResetHiddenGradient + _b * _h;

    /// <summary>Floats of the whole cache.</summary>
    public int Size => Packed + RecurrentCommon.PackedRecurrentSize(3 * _h, _h);
}

/// <summary>
/// The GRU cell's math, forward (reset-after, fused) and derivative (both forms) side by side, gate order r, z, n, each
/// an operator struct over the vector width driven by <see cref="VectorLoop"/>. Reset-before's forward runs as
/// separate activations around its n-gate product (<see cref="GruKernel"/>).
/// </summary>
internal static class GruCell
{
    /// <summary>
    /// One reset-after row: <paramref name="gates"/> [3H] holds x·W_iᵀ + b_i and receives r, z, n; <paramref name="recurrent"/>
    /// [3H] is h_(t−1)·W_hᵀ + b_h; <paramref name="recurrentN"/> [H] receives its n block; <paramref name="hidden"/> [H]
    /// holds h_(t−1) and receives h_t.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // loops compiled optimised from the first call (see GemmSimd)
    public static void ForwardResetAfter(Span<float> gates, ReadOnlySpan<float> recurrent, Span<float> recurrentN, Span<float> hidden, int H)
    {
        if (gates.Length < 3 * H || recurrent.Length < 3 * H || recurrentN.Length < H || hidden.Length < H)
        {
            throw new ArgumentException($"GruRowResetAfter: expected gates and recurrent ≥ {3 * H}, recurrentN and hidden ≥ {H} floats but got {gates.Length}, {recurrent.Length}, {recurrentN.Length}, {hidden.Length}.");
        }

        var row = new ForwardRow
        {
            Gates = ref MemoryMarshal.GetReference(gates),
            Recurrent = ref MemoryMarshal.GetReference(recurrent),
            RecurrentN = ref MemoryMarshal.GetReference(recurrentN),
            Hidden = ref MemoryMarshal.GetReference(hidden),
            Units = (nuint)H,
        };
        VectorLoop.Run<ForwardOperator, ForwardRow>(row, H);
    }

    /// <summary>
    /// One row of the derivative: from the row's gates (after activation), h_(t−1), hn and ∂h (+ ∂output when given),
    /// writes ∂a_ih [3H] (reset-before: its z and n blocks; r follows the n-gate product), reset-after's ∂a_hh [3H],
    /// and ∂h_(t−1) through z into <paramref name="directHiddenGradient"/> [H].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(bool resetAfter, ReadOnlySpan<float> gates, ReadOnlySpan<float> previousHidden, ReadOnlySpan<float> recurrentN,
        ReadOnlySpan<float> hiddenGradient, ReadOnlySpan<float> outputGradient, Span<float> inputGateGradients, Span<float> recurrentGateGradients,
        Span<float> directHiddenGradient, int H)
    {
        if (gates.Length < 3 * H || inputGateGradients.Length < 3 * H || (resetAfter && recurrentGateGradients.Length < 3 * H)
            || previousHidden.Length < H || recurrentN.Length < H || hiddenGradient.Length < H || directHiddenGradient.Length < H
            || (!outputGradient.IsEmpty && outputGradient.Length < H))
        {
            throw new ArgumentException($"GruCell.Backward: spans shorter than the gate width (H = {H}).");
        }

        var row = new BackwardRow
        {
            Gates = ref MemoryMarshal.GetReference(gates),
            PreviousHidden = ref MemoryMarshal.GetReference(previousHidden),
            RecurrentN = ref MemoryMarshal.GetReference(recurrentN),
            HiddenGradient = ref MemoryMarshal.GetReference(hiddenGradient),
            OutputGradient = ref MemoryMarshal.GetReference(outputGradient),
            InputGateGradients = ref MemoryMarshal.GetReference(inputGateGradients),
            RecurrentGateGradients = ref MemoryMarshal.GetReference(recurrentGateGradients),
            DirectHiddenGradient = ref MemoryMarshal.GetReference(directHiddenGradient),
            Units = (nuint)H,
            ResetAfter = resetAfter,
            HasOutputGradient = !outputGradient.IsEmpty,
        };
        VectorLoop.Run<BackwardOperator, BackwardRow>(row, H);
    }

    internal ref struct ForwardRow
    {
        public ref float Gates, Recurrent, RecurrentN, Hidden;
        public nuint Units;
    }

    internal readonly struct ForwardOperator : IRowOperator<ForwardRow>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Invoke<TV>(in ForwardRow a, nuint j) where TV : struct, ISimdVector<TV>
        {
            nuint H = a.Units;
            ref float gates = ref a.Gates;
            ref float recurrent = ref a.Recurrent;

            // r, z = σ(x·W_i[r z]ᵀ + b_i + h·W_h[r z]ᵀ + b_h); hn = h·W_hnᵀ + b_hn; n = tanh(pre_n + r ⊙ hn)
            TV r = TV.Sigmoid(TV.Load(ref gates, j) + TV.Load(ref recurrent, j));
            TV z = TV.Sigmoid(TV.Load(ref gates, H + j) + TV.Load(ref recurrent, H + j));
            TV hn = TV.Load(ref recurrent, 2 * H + j);
            TV n = TV.Tanh(TV.Load(ref gates, 2 * H + j) + r * hn);
            TV h = TV.Load(ref a.Hidden, j);
            TV.Store(r, ref gates, j);
            TV.Store(z, ref gates, H + j);
            TV.Store(n, ref gates, 2 * H + j);
            TV.Store(hn, ref a.RecurrentN, j);

            // h_t = (1 − z) ⊙ n + z ⊙ h_{t−1} = n + z ⊙ (h_{t−1} − n)
            TV.Store(n + z * (h - n), ref a.Hidden, j);
        }
    }

    internal ref struct BackwardRow
    {
        public ref float Gates, PreviousHidden, RecurrentN, HiddenGradient, OutputGradient, InputGateGradients, RecurrentGateGradients, DirectHiddenGradient;
        public nuint Units;
        public bool ResetAfter, HasOutputGradient;
    }

    internal readonly struct BackwardOperator : IRowOperator<BackwardRow>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Invoke<TV>(in BackwardRow a, nuint j) where TV : struct, ISimdVector<TV>
        {
            nuint H = a.Units;
            TV one = TV.Broadcast(1f);
            TV g = TV.Load(ref a.HiddenGradient, j);
            if (a.HasOutputGradient)
            {
                g += TV.Load(ref a.OutputGradient, j);
            }

            ref float gates = ref a.Gates;
            TV r = TV.Load(ref gates, j), z = TV.Load(ref gates, H + j), n = TV.Load(ref gates, 2 * H + j);

            // forward: h = (1 − z) ⊙ n + z ⊙ h_prev
            TV dzPre = g * (TV.Load(ref a.PreviousHidden, j) - n) * z * (one - z);
            TV dnPre = g * (one - z) * (one - n * n);
            TV.Store(g * z, ref a.DirectHiddenGradient, j);
            ref float di = ref a.InputGateGradients;
            TV.Store(dzPre, ref di, H + j);
            TV.Store(dnPre, ref di, 2 * H + j);
            if (a.ResetAfter)
            {
                // forward: n = tanh(… + r ⊙ hn), hn = W_hn h + b_hn, so ∂r = ∂n_pre ⊙ hn and ∂hn = ∂n_pre ⊙ r
                TV drPre = dnPre * TV.Load(ref a.RecurrentN, j) * r * (one - r);
                ref float dhh = ref a.RecurrentGateGradients;
                TV.Store(drPre, ref di, j);
                TV.Store(drPre, ref dhh, j);
                TV.Store(dzPre, ref dhh, H + j);
                TV.Store(dnPre * r, ref dhh, 2 * H + j);
            }
        }
    }
}
