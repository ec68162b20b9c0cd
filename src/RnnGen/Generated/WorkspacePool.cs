namespace RnnGen.Generated;

/// <summary>
/// A small lock-free pool of per-call buffers, so that inference calls on several threads never share one: a call rents
/// an item, uses it and gives it back. Once every thread's item exists, renting and returning allocate nothing; an item
/// returned to a full pool is left to the collector.
/// </summary>
internal sealed class WorkspacePool<T> where T : class, new()
{
    private readonly T?[] _items = new T?[Math.Clamp(2 * Environment.ProcessorCount, 4, 32)];

    /// <summary>A free item, or a new one when every pooled item is in use.</summary>
    public T Rent()
    {
        T?[] items = _items;
        for (int i = 0; i < items.Length; i++)
        {
            T? item = Volatile.Read(ref items[i]);
            if (item is not null && Interlocked.CompareExchange(ref items[i], null, item) == item)
            {
                return item;
            }
        }

        return new T();
    }

    /// <summary>Gives <paramref name="item"/> back for the next call.</summary>
    public void Return(T item)
    {
        T?[] items = _items;
        for (int i = 0; i < items.Length; i++)
        {
            if (Volatile.Read(ref items[i]) is null && Interlocked.CompareExchange(ref items[i], item, null) is null)
            {
                return;
            }
        }
    }
}

/// <summary>The buffers of one inference call of a sequential core: its activations and, for <c>Generate</c>, the next token's probabilities.</summary>
internal sealed class InferenceBuffers
{
    public float[] Workspace = Array.Empty<float>();
    public float[] Probabilities = Array.Empty<float>();
}
