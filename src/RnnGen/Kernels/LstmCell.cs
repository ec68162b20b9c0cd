using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RnnGen.Layers;

namespace RnnGen.Kernels;

/// <summary>
/// Where each slice of an LSTM direction's cache lives, R = B·T rows: the forward cache (gates after their activations,
/// cell states), then backward scratch (∂gates, the states each step started from, the per-step ∂h, ∂c, ∂h_new), then
/// the packed copy of W_hh, then — only with a projection (P &gt; 0) — what the projection <c>h = W_hr m</c> adds. h has
/// P floats with a projection and H without; forward and backward both read their offsets from here.
/// </summary>
internal readonly struct LstmCache(int batch, int time, int units, int projection = 0)
{
    private readonly int _r = batch * time, _b = batch, _h = units, _p = projection;

    /// <summary>Floats of h: P with a projection, H otherwise.</summary>
    private int HiddenWidth => _p > 0 ? _p : _h;

    /// <summary>[R, 4H] i, f, g, o after their activations.</summary>
    public int Gates => 0;

    /// <summary>[R, H] c_t.</summary>
    public int Cells => _r * 4 * _h;

    /// <summary>[R, 4H] ∂loss/∂(gate pre-activations).</summary>
    public int GateGradients => _r * 5 * _h;

    /// <summary>[R, h] h_(t−1) of every step.</summary>
    public int PreviousHidden => _r * 9 * _h;

    /// <summary>[R, H] c_(t−1) of every step.</summary>
    public int PreviousCells => PreviousHidden + _r * HiddenWidth;

    /// <summary>[B, h] ∂h carried back through the steps.</summary>
    public int HiddenGradient => PreviousCells + _r * _h;

    /// <summary>[B, H] ∂c carried back through the steps.</summary>
    public int CellGradient => HiddenGradient + _b * HiddenWidth;

    /// <summary>[B, H] tanh(c_t) of one step, then ∂h_(t−1) [B, h] of that step (h ≤ H).</summary>
    public int NewHiddenGradient => CellGradient + _b * _h;

    /// <summary>The packed copy of W_hh(ᵀ) [4H, h] for the per-step products.</summary>
    public int Packed => NewHiddenGradient + _b * _h;

    /// <summary>Projection only: [R, H] m_t = o_t ⊙ tanh(c_t) of every step, what W_hr projects (∂W_hr reads it).</summary>
    public int Unprojected => Packed + RecurrentCommon.PackedRecurrentSize(4 * _h, HiddenWidth);

    /// <summary>Projection only: [B, P] one step's projected h_t, before it enters the state of the sequences still running.</summary>
    public int StepHidden => Unprojected + (_p > 0 ? _r * _h : 0);

    /// <summary>Projection only: [R, P] ∂h_t of every step (zero at padded steps), for ∂W_hr.</summary>
    public int HiddenGradients => StepHidden + _b * _p;

    /// <summary>Projection only: [B, H] ∂m_t of one step.</summary>
    public int UnprojectedGradient => HiddenGradients + _r * _p;

    /// <summary>Floats of the whole cache.</summary>
    public int Size => UnprojectedGradient + (_p > 0 ? _b * _h : 0);
}

/// <summary>
/// The LSTM cell's math, forward and derivative side by side, gate order i, f, g, o (PyTorch), each an operator struct
/// over the vector width driven by <see cref="VectorLoop"/>.
/// </summary>
internal static class LstmCell
{
    /// <summary>
    /// One row: <paramref name="gates"/> [4H] holds the pre-activations and receives the activations; <paramref name="cell"/>
    /// [H] holds c_(t−1) and receives c_t; <paramref name="hidden"/> [H] receives h_t; <paramref name="peepholes"/> [3H] or empty.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // loops compiled optimised from the first call (see GemmSimd)
    public static void Forward(Span<float> gates, Span<float> cell, Span<float> hidden, ReadOnlySpan<float> peepholes, int H)
    {
        if (gates.Length < 4 * H || cell.Length < H || hidden.Length < H || (!peepholes.IsEmpty && peepholes.Length < 3 * H))
        {
            throw new ArgumentException($"LstmRow: expected gates ≥ {4 * H}, cell and hidden ≥ {H}, peepholes empty or ≥ {3 * H} floats but got {gates.Length}, {cell.Length}, {hidden.Length}, {peepholes.Length}.");
        }

        var row = new ForwardRow
        {
            Gates = ref MemoryMarshal.GetReference(gates),
            Cell = ref MemoryMarshal.GetReference(cell),
            Hidden = ref MemoryMarshal.GetReference(hidden),
            Peepholes = ref MemoryMarshal.GetReference(peepholes),
            Units = (nuint)H,
            HasPeepholes = !peepholes.IsEmpty,
        };
        VectorLoop.Run<ForwardOperator, ForwardRow>(row, H);
    }

    /// <summary>
    /// One row of the derivative: from the row's gates (after activation), c_(t−1), tanh(c_t) and ∂h, writes ∂gates
    /// [4H] (pre-activation) and turns ∂c [H] (arriving at c_t) into ∂c_(t−1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(ReadOnlySpan<float> gates, ReadOnlySpan<float> previousCell, ReadOnlySpan<float> tanhCell,
        ReadOnlySpan<float> hiddenGradient, Span<float> cellGradient, Span<float> gateGradients, ReadOnlySpan<float> peepholes, int H)
    {
        if (gates.Length < 4 * H || gateGradients.Length < 4 * H || previousCell.Length < H || tanhCell.Length < H
            || hiddenGradient.Length < H || cellGradient.Length < H || (!peepholes.IsEmpty && peepholes.Length < 3 * H))
        {
            throw new ArgumentException($"LstmCell.Backward: spans shorter than the gate width (H = {H}).");
        }

        var row = new BackwardRow
        {
            Gates = ref MemoryMarshal.GetReference(gates),
            PreviousCell = ref MemoryMarshal.GetReference(previousCell),
            TanhCell = ref MemoryMarshal.GetReference(tanhCell),
            HiddenGradient = ref MemoryMarshal.GetReference(hiddenGradient),
            CellGradient = ref MemoryMarshal.GetReference(cellGradient),
            GateGradients = ref MemoryMarshal.GetReference(gateGradients),
            Peepholes = ref MemoryMarshal.GetReference(peepholes),
            Units = (nuint)H,
            HasPeepholes = !peepholes.IsEmpty,
        };
        VectorLoop.Run<BackwardOperator, BackwardRow>(row, H);
    }

    internal ref struct ForwardRow
    {
        public ref float Gates, Cell, Hidden, Peepholes;
        public nuint Units;
        public bool HasPeepholes;
    }

    internal readonly struct ForwardOperator : IRowOperator<ForwardRow>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Invoke<TV>(in ForwardRow a, nuint j) where TV : struct, ISimdVector<TV>
        {
            nuint H = a.Units;
            ref float gates = ref a.Gates;
            TV cPrev = TV.Load(ref a.Cell, j);
            TV i = TV.Load(ref gates, j);
            TV f = TV.Load(ref gates, H + j);
            if (a.HasPeepholes)
            {
                // i = σ(… + p_i ⊙ c_{t−1}), f = σ(… + p_f ⊙ c_{t−1})
                i += TV.Load(ref a.Peepholes, j) * cPrev;
                f += TV.Load(ref a.Peepholes, H + j) * cPrev;
            }

            i = TV.Sigmoid(i);
            f = TV.Sigmoid(f);
            TV g = TV.Tanh(TV.Load(ref gates, 2 * H + j));

            // c_t = f ⊙ c_{t−1} + i ⊙ g
            TV c = f * cPrev + i * g;
            TV o = TV.Load(ref gates, 3 * H + j);
            if (a.HasPeepholes)
            {
                // o = σ(… + p_o ⊙ c_t)
                o += TV.Load(ref a.Peepholes, 2 * H + j) * c;
            }

            o = TV.Sigmoid(o);
            TV.Store(i, ref gates, j);
            TV.Store(f, ref gates, H + j);
            TV.Store(g, ref gates, 2 * H + j);
            TV.Store(o, ref gates, 3 * H + j);
            TV.Store(c, ref a.Cell, j);

            // h_t = o ⊙ tanh(c_t)
            TV.Store(o * TV.Tanh(c), ref a.Hidden, j);
        }
    }

    internal ref struct BackwardRow
    {
        public ref float Gates, PreviousCell, TanhCell, HiddenGradient, CellGradient, GateGradients, Peepholes;
        public nuint Units;
        public bool HasPeepholes;
    }

    internal readonly struct BackwardOperator : IRowOperator<BackwardRow>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Invoke<TV>(in BackwardRow a, nuint j) where TV : struct, ISimdVector<TV>
        {
            nuint H = a.Units;
            TV one = TV.Broadcast(1f);
            ref float gates = ref a.Gates;
            TV i = TV.Load(ref gates, j), f = TV.Load(ref gates, H + j), g = TV.Load(ref gates, 2 * H + j), o = TV.Load(ref gates, 3 * H + j);
            TV tc = TV.Load(ref a.TanhCell, j), dh = TV.Load(ref a.HiddenGradient, j);

            // forward: h = o ⊙ tanh(c), so ∂o = ∂h ⊙ tanh(c) and ∂c += ∂h ⊙ o ⊙ (1 − tanh²(c))
            TV dzo = dh * tc * o * (one - o);
            TV dc = TV.Load(ref a.CellGradient, j) + dh * o * (one - tc * tc);
            if (a.HasPeepholes)
            {
                // forward: o = σ(… + p_o ⊙ c), so ∂c += ∂z_o ⊙ p_o
                dc += dzo * TV.Load(ref a.Peepholes, 2 * H + j);
            }

            // forward: c = f ⊙ c_prev + i ⊙ g
            TV dzi = dc * g * i * (one - i);
            TV dzf = dc * TV.Load(ref a.PreviousCell, j) * f * (one - f);
            TV dzg = dc * i * (one - g * g);
            TV dcPrev = dc * f;
            if (a.HasPeepholes)
            {
                // forward: i = σ(… + p_i ⊙ c_prev), f = σ(… + p_f ⊙ c_prev) (their own gradients: LstmKernel.WeightGradients)
                dcPrev += dzi * TV.Load(ref a.Peepholes, j) + dzf * TV.Load(ref a.Peepholes, H + j);
            }

            ref float dz = ref a.GateGradients;
            TV.Store(dzi, ref dz, j);
            TV.Store(dzf, ref dz, H + j);
            TV.Store(dzg, ref dz, 2 * H + j);
            TV.Store(dzo, ref dz, 3 * H + j);
            TV.Store(dcPrev, ref a.CellGradient, j);
        }
    }
}
