namespace RnnGen.Generation;

/// <summary>
/// One source being decoded step by step by an encoder-decoder model (<c>BeginDecoding</c>, then <c>DecodeStep</c>): the
/// encoded source and every beam's decoder state, in buffers of its own. Create one per thread (or per concurrent
/// decoding) with the model's <c>CreateDecodingState()</c>: several threads may then decode on one model instance at once.
/// A state entered by two threads at the same time throws <see cref="InvalidOperationException"/>.
/// </summary>
public abstract class DecodingState
{
    private int _busy;

    private protected DecodingState()
    {
    }

    /// <summary>Beams the last <c>BeginDecoding</c> started with this state (0: none yet).</summary>
    public abstract int Beams { get; }

    /// <summary>Marks the state in use by the calling thread until the scope is disposed; a second thread gets an exception instead of mixed buffers.</summary>
    internal Scope Enter(string member)
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException($"{member}: another thread is using this DecodingState; give each thread its own (the model's CreateDecodingState()).");
        }

        return new Scope(this);
    }

    /// <summary>A member using the state: <c>using</c> it releases the state.</summary>
    internal readonly ref struct Scope
    {
        private readonly DecodingState _state;

        internal Scope(DecodingState state) => _state = state;

        public void Dispose() => Volatile.Write(ref _state._busy, 0);
    }
}
