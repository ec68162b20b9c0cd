namespace RnnGen.Generated;

/// <summary>
/// The per-call buffers behind the inference members, so that calls on several threads never share one. Each thread keeps
/// the item of its last call and takes it again next time, so what a thread allocates depends only on its own calls:
/// once it has made each kind of call once, it allocates nothing, however other threads interleave. A nested call on the
/// same thread (a sampler that predicts) rents from a shared free list; nothing ever waits, so nothing can deadlock.
/// </summary>
internal sealed class WorkspacePool<T> where T : class, new()
{
    private readonly ThreadLocal<T?> _mine = new();
    private readonly Lock _lock = new();
    private T[] _free = new T[4];
    private int _count; // free shared items, in _free[0.._count)

    /// <summary>This thread's item, else a free shared one, else a new one.</summary>
    public T Rent()
    {
        T? item = _mine.Value;
        if (item is not null)
        {
            _mine.Value = null;
            return item;
        }

        lock (_lock)
        {
            if (_count > 0)
            {
                item = _free[--_count];
                _free[_count] = null!;
                return item;
            }
        }

        return new T();
    }

    /// <summary>Gives <paramref name="item"/> back: kept by this thread for its next call, else to the shared list.</summary>
    public void Return(T item)
    {
        if (_mine.Value is null)
        {
            _mine.Value = item;
            return;
        }

        lock (_lock)
        {
            if (_count == _free.Length)
            {
                Array.Resize(ref _free, 2 * _free.Length); // only after nested calls made new items
            }

            _free[_count++] = item;
        }
    }
}

/// <summary>The buffers of one inference call of a sequential core: its activations and, for <c>Generate</c>, the next token's probabilities.</summary>
internal class InferenceBuffers
{
    public float[] Workspace = Array.Empty<float>();
    public float[] Probabilities = Array.Empty<float>();
}
