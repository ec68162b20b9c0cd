using System.ComponentModel;

namespace RnnGen.Generated;

/// <summary>
/// The concurrency contract of one model instance: inference members (<c>Predict</c>, <c>Step</c>, <c>Generate</c>,
/// <c>Evaluate</c>) run on any number of threads at once; training members (<c>Forward</c>, <c>Backward</c>, <c>Fit</c>,
/// loading or initialising weights) on one thread at a time, and not while another thread runs inference. Use that breaks
/// the contract throws <see cref="InvalidOperationException"/> instead of computing with half-updated buffers.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ConcurrencyGuard
{
    private int _owner;     // managed id of the thread inside a training member; 0: none
    private int _depth;     // nesting of training members on that thread (Fit → Forward); only the owner touches it
    private int _inference; // inference calls in progress, on any thread

    /// <summary>Enters a training member; the same thread may nest them. Dispose the scope on the way out.</summary>
    public TrainingScope Train(string member)
    {
        int me = Environment.CurrentManagedThreadId;
        int owner = Interlocked.CompareExchange(ref _owner, me, 0);
        if (owner == 0)
        {
            // The compare-exchange is a full fence, as is Infer's increment: one of the two always sees the other.
            if (Volatile.Read(ref _inference) != 0)
            {
                Volatile.Write(ref _owner, 0);
                throw new InvalidOperationException($"{member}: another thread is running an inference member (Predict, Step, Generate, Evaluate) on this model; training members must not overlap inference on one instance. Train a separate instance, or wait for inference to finish.");
            }
        }
        else if (owner != me)
        {
            throw new InvalidOperationException($"{member}: another thread is running a training member (Forward, Backward, Fit, …) on this model; training members of one instance are single-threaded. Use one model instance per training thread.");
        }

        _depth++;
        return new TrainingScope(this);
    }

    /// <summary>Enters an inference member: any number of threads may, unless another thread is training. Dispose the scope on the way out.</summary>
    public InferenceScope Infer(string member)
    {
        Interlocked.Increment(ref _inference);
        int owner = Volatile.Read(ref _owner);
        if (owner != 0 && owner != Environment.CurrentManagedThreadId)
        {
            Interlocked.Decrement(ref _inference);
            throw new InvalidOperationException($"{member}: another thread is running a training member (Forward, Backward, Fit, …) on this model, which may change what inference reads; wait for it to finish or predict with a separate instance.");
        }

        return new InferenceScope(this);
    }

    private void ExitTraining()
    {
        if (--_depth == 0)
        {
            Volatile.Write(ref _owner, 0);
        }
    }

    private void ExitInference() => Interlocked.Decrement(ref _inference);

    /// <summary>A training member in progress: <c>using</c> it releases the model.</summary>
    public readonly ref struct TrainingScope
    {
        private readonly ConcurrencyGuard _guard;

        internal TrainingScope(ConcurrencyGuard guard) => _guard = guard;

        /// <summary>Leaves the training member.</summary>
        public void Dispose() => _guard.ExitTraining();
    }

    /// <summary>An inference member in progress: <c>using</c> it ends it.</summary>
    public readonly ref struct InferenceScope
    {
        private readonly ConcurrencyGuard _guard;

        internal InferenceScope(ConcurrencyGuard guard) => _guard = guard;

        /// <summary>Leaves the inference member.</summary>
        public void Dispose() => _guard.ExitInference();
    }
}
