namespace RnnGen.Tests.Reliability;

/// <summary>The harness of the concurrency tests: calls on several threads started together, each thread's allocations measured while the others run.</summary>
internal static class ConcurrentCalls
{
    /// <summary>
    /// Runs <paramref name="body"/>(thread, call) on <paramref name="threads"/> threads started together,
    /// <paramref name="calls"/> calls each; returns each thread's bytes allocated after its first
    /// <paramref name="warmUp"/> calls (0 when <paramref name="warmUp"/> ≥ <paramref name="calls"/>); rethrows the first failure.
    /// </summary>
    public static long[] Run(int threads, int calls, Action<int, int> body, int warmUp)
    {
        using var start = new Barrier(threads);
        Exception? failure = null;
        long[] allocated = new long[threads];
        var workers = Enumerable.Range(0, threads).Select(thread => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                long before = 0;
                for (int call = 0; call < calls; call++)
                {
                    if (call == warmUp) before = GC.GetAllocatedBytesForCurrentThread();
                    body(thread, call);
                }

                if (warmUp < calls) allocated[thread] = GC.GetAllocatedBytesForCurrentThread() - before;
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
        })).ToArray();
        foreach (Thread t in workers) t.Start();
        foreach (Thread t in workers) t.Join();
        if (failure is not null) throw new Xunit.Sdk.XunitException($"a thread failed: {failure}");
        return allocated;
    }
}
