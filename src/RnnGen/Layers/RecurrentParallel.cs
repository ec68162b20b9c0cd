using RnnGen.Threading;

namespace RnnGen.Layers;

/// <summary>
/// Splits one recurrent kernel call into shares for <see cref="Parallelism.Threads"/> threads. The arguments are ref
/// structs of spans, which cannot cross to another thread; <see cref="Run"/> pins every span, passes pointers in a
/// <see cref="Frame"/> on its stack, and each share rebuilds the spans from it. Sequences are independent, so the
/// recurrence splits by batch (<see cref="Share"/> of the sequences); the weight-gradient products split by gate rows.
/// </summary>
internal static unsafe class RecurrentParallel
{
    /// <summary>
    /// Multiply-adds below which a call runs on one thread: a hand-off costs a few microseconds. Tests lower it to split
    /// the small fixture batches.
    /// </summary>
    internal static long MinimumWork { get; set; } = DefaultMinimumWork;

    internal const long DefaultMinimumWork = 1L << 20;

    /// <summary>
    /// How many shares to split a call over <paramref name="s"/> into: 1 unless <see cref="Parallelism.Threads"/> &gt; 1,
    /// the batch has two or more sequences and the call does at least ~10⁶ multiply-adds (<paramref name="macsPerRow"/> each
    /// of its B·T rows).
    /// </summary>
    public static int Parts(in RecurrentSequence s, long macsPerRow)
    {
        int threads = Parallelism.Threads;
        if (threads <= 1 || s.Batch < 2 || (long)s.Batch * s.Time * macsPerRow < MinimumWork)
        {
            return 1;
        }

        return Math.Min(threads, s.Batch);
    }

    /// <summary>Share <paramref name="part"/> of <paramref name="count"/> items, each share a multiple of <paramref name="multiple"/> but the last.</summary>
    public static (int Start, int Count) Share(int count, int part, int parts, int multiple = 1)
    {
        if (parts == 1)
        {
            return (0, count);
        }

        int units = (count + multiple - 1) / multiple;
        int start = (int)((long)units * part / parts) * multiple;
        int end = part == parts - 1 ? count : (int)((long)units * (part + 1) / parts) * multiple;
        start = Math.Min(start, count);
        end = Math.Min(end, count);
        return (start, end - start);
    }

    /// <summary>
    /// Runs <c>body(…, part, parts)</c> for every share, share 0 on this thread. With one share it is a direct call.
    /// </summary>
    public static void Run(int parts, in RecurrentWeights w, in RecurrentGradients g, in RecurrentSequence s, in RecurrentSequenceGradients sg,
        delegate*<in RecurrentWeights, in RecurrentGradients, in RecurrentSequence, in RecurrentSequenceGradients, int, int, void> body)
    {
        if (parts <= 1)
        {
            body(w, g, s, sg, 0, 1);
            return;
        }

        fixed (float* wInput = w.Input, wRecurrent = w.Recurrent, wBias = w.Bias, wRecurrentBias = w.RecurrentBias, wPeepholes = w.Peepholes, wProjection = w.Projection,
               gInput = g.Input, gRecurrent = g.Recurrent, gBias = g.Bias, gRecurrentBias = g.RecurrentBias, gPeepholes = g.Peepholes, gProjection = g.Projection,
               sInput = s.Input, sSequenceBias = s.SequenceBias, sInitialHidden = s.InitialHidden, sInitialCell = s.InitialCell, sHidden = s.Hidden,
               sFinalHidden = s.FinalHidden, sFinalCell = s.FinalCell, sCache = s.Cache,
               dHidden = sg.Hidden, dFinalHidden = sg.FinalHidden, dFinalCell = sg.FinalCell, dInput = sg.Input,
               dInitialHidden = sg.InitialHidden, dInitialCell = sg.InitialCell)
        fixed (int* lengths = s.Lengths)
        {
            var frame = new Frame
            {
                Body = body,
                Batch = s.Batch, Time = s.Time, Reverse = s.Reverse, InputStride = s.InputStride,
                WInput = new(wInput, w.Input.Length), WRecurrent = new(wRecurrent, w.Recurrent.Length), WBias = new(wBias, w.Bias.Length),
                WRecurrentBias = new(wRecurrentBias, w.RecurrentBias.Length), WPeepholes = new(wPeepholes, w.Peepholes.Length),
                WProjection = new(wProjection, w.Projection.Length),
                GInput = new(gInput, g.Input.Length), GRecurrent = new(gRecurrent, g.Recurrent.Length), GBias = new(gBias, g.Bias.Length),
                GRecurrentBias = new(gRecurrentBias, g.RecurrentBias.Length), GPeepholes = new(gPeepholes, g.Peepholes.Length),
                GProjection = new(gProjection, g.Projection.Length),
                Lengths = lengths, LengthsCount = s.Lengths.Length,
                SInput = new(sInput, s.Input.Length), SSequenceBias = new(sSequenceBias, s.SequenceBias.Length), SInitialHidden = new(sInitialHidden, s.InitialHidden.Length),
                SInitialCell = new(sInitialCell, s.InitialCell.Length), SHidden = new(sHidden, s.Hidden.Length),
                SFinalHidden = new(sFinalHidden, s.FinalHidden.Length), SFinalCell = new(sFinalCell, s.FinalCell.Length),
                SCache = new(sCache, s.Cache.Length),
                DHidden = new(dHidden, sg.Hidden.Length), DFinalHidden = new(dFinalHidden, sg.FinalHidden.Length),
                DFinalCell = new(dFinalCell, sg.FinalCell.Length), DInput = new(dInput, sg.Input.Length),
                DInitialHidden = new(dInitialHidden, sg.InitialHidden.Length), DInitialCell = new(dInitialCell, sg.InitialCell.Length),
            };
            WorkerPool.Run(parts, &RunShare, &frame);
        }
    }

    private static void RunShare(void* state, int part, int parts)
    {
        ref Frame f = ref *(Frame*)state;
        var w = new RecurrentWeights
        {
            Input = f.WInput.Span, Recurrent = f.WRecurrent.Span, Bias = f.WBias.Span, RecurrentBias = f.WRecurrentBias.Span, Peepholes = f.WPeepholes.Span, Projection = f.WProjection.Span,
        };
        var g = new RecurrentGradients
        {
            Input = f.GInput.Span, Recurrent = f.GRecurrent.Span, Bias = f.GBias.Span, RecurrentBias = f.GRecurrentBias.Span, Peepholes = f.GPeepholes.Span, Projection = f.GProjection.Span,
        };
        var s = new RecurrentSequence
        {
            Batch = f.Batch, Time = f.Time, Reverse = f.Reverse, InputStride = f.InputStride,
            Lengths = new ReadOnlySpan<int>(f.Lengths, f.LengthsCount),
            Input = f.SInput.Span, SequenceBias = f.SSequenceBias.Span, InitialHidden = f.SInitialHidden.Span, InitialCell = f.SInitialCell.Span, Hidden = f.SHidden.Span,
            FinalHidden = f.SFinalHidden.Span, FinalCell = f.SFinalCell.Span, Cache = f.SCache.Span,
        };
        var sg = new RecurrentSequenceGradients
        {
            Hidden = f.DHidden.Span, FinalHidden = f.DFinalHidden.Span, FinalCell = f.DFinalCell.Span, Input = f.DInput.Span,
            InitialHidden = f.DInitialHidden.Span, InitialCell = f.DInitialCell.Span,
        };
        f.Body(w, g, s, sg, part, parts);
    }

    /// <summary>A pinned span as a pointer and a length.</summary>
    private readonly struct Pinned(float* pointer, int length)
    {
        public Span<float> Span => new(pointer, length);
    }

    /// <summary>The arguments of one kernel call, pinned, for the shares on other threads.</summary>
    private struct Frame
    {
        public delegate*<in RecurrentWeights, in RecurrentGradients, in RecurrentSequence, in RecurrentSequenceGradients, int, int, void> Body;
        public int Batch, Time, InputStride, LengthsCount;
        public bool Reverse;
        public int* Lengths;
        public Pinned WInput, WRecurrent, WBias, WRecurrentBias, WPeepholes, WProjection;
        public Pinned GInput, GRecurrent, GBias, GRecurrentBias, GPeepholes, GProjection;
        public Pinned SInput, SSequenceBias, SInitialHidden, SInitialCell, SHidden, SFinalHidden, SFinalCell, SCache;
        public Pinned DHidden, DFinalHidden, DFinalCell, DInput, DInitialHidden, DInitialCell;
    }
}
