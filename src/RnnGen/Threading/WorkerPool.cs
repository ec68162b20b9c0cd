using System.Runtime.ExceptionServices;

namespace RnnGen.Threading;

/// <summary>
/// Runs the shares of one kernel call on the calling thread (share 0) and on long-lived worker threads (shares 1 …),
/// then waits for all of them: no allocation per call, no task objects, no delegates — a job is an unmanaged function
/// pointer and a pointer to a state the caller keeps on its stack (and pinned) until every share has finished.
/// A worker spins for a short while after each job (the next layer call usually follows within microseconds) and then
/// sleeps on a semaphore until the next one.
/// </summary>
internal static unsafe class WorkerPool
{
    /// <summary>Upper bound of <see cref="Parallelism.Threads"/>.</summary>
    public const int MaxThreads = 64;

    /// <summary>Spin iterations (of <see cref="Thread.SpinWait(int)"/> with 20) a worker waits for the next job before it sleeps: tens of microseconds.</summary>
    private const int SpinsBeforeSleep = 2000;

    private sealed class Worker
    {
        public readonly SemaphoreSlim Signal = new(0);
        public int Generation;      // bumped by the caller once the job fields are set
        public int Done;            // the generation the worker finished last
        public int Sleeping;        // 1 while the worker is (about to be) blocked on Signal
        public delegate*<void*, int, int, void> Body;
        public void* State;
        public int Part, Parts;
        public ExceptionDispatchInfo? Failure;
    }

    private static readonly object s_startLock = new();
    private static Worker[] s_workers = Array.Empty<Worker>();
    private static int s_busy;

    /// <summary>
    /// Runs <c>body(state, part, parts)</c> for part = 0 … parts − 1, part 0 on this thread, and returns when all are done.
    /// Exceptions of a share are rethrown here (the first one). When the workers are already in use (another thread's
    /// call) the shares run one after another on this thread.
    /// </summary>
    public static void Run(int parts, delegate*<void*, int, int, void> body, void* state)
    {
        if (parts <= 1 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int part = 0; part < parts; part++)
            {
                body(state, part, parts);
            }

            return;
        }

        try
        {
            Worker[] workers = EnsureWorkers(parts - 1);
            for (int w = 0; w < parts - 1; w++)
            {
                Worker worker = workers[w];
                worker.Body = body;
                worker.State = state;
                worker.Part = w + 1;
                worker.Parts = parts;
                worker.Failure = null;
                Interlocked.Increment(ref worker.Generation);
                if (Interlocked.Exchange(ref worker.Sleeping, 0) == 1)
                {
                    worker.Signal.Release();
                }
            }

            ExceptionDispatchInfo? failure = null;
            try
            {
                body(state, 0, parts);
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }

            // The state lives on this thread's stack: never return before every share is finished, even after a failure.
            for (int w = 0; w < parts - 1; w++)
            {
                Worker worker = workers[w];
                var spin = new SpinWait();
                while (Volatile.Read(ref worker.Done) != Volatile.Read(ref worker.Generation))
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                }

                failure ??= worker.Failure;
            }

            failure?.Throw();
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    private static Worker[] EnsureWorkers(int count)
    {
        Worker[] workers = Volatile.Read(ref s_workers);
        if (workers.Length >= count)
        {
            return workers;
        }

        lock (s_startLock)
        {
            workers = s_workers;
            if (workers.Length < count)
            {
                var grown = new Worker[count];
                Array.Copy(workers, grown, workers.Length);
                for (int w = workers.Length; w < count; w++)
                {
                    var worker = new Worker();
                    grown[w] = worker;
                    new Thread(() => Loop(worker)) { IsBackground = true, Name = $"RnnGen kernel worker {w + 1}" }.Start();
                }

                Volatile.Write(ref s_workers, grown);
                workers = grown;
            }
        }

        return workers;
    }

    private static void Loop(Worker worker)
    {
        // Not Generation: the first job may have been posted before this thread got here.
        int seen = Volatile.Read(ref worker.Done);
        while (true)
        {
            int spins = 0;
            while (Volatile.Read(ref worker.Generation) == seen)
            {
                if (spins++ < SpinsBeforeSleep)
                {
                    Thread.SpinWait(20);
                    continue;
                }

                Interlocked.Exchange(ref worker.Sleeping, 1);
                if (Volatile.Read(ref worker.Generation) == seen)
                {
                    worker.Signal.Wait(); // may return for a release meant for a job already seen: the loop checks again
                }

                Interlocked.Exchange(ref worker.Sleeping, 0);
                spins = 0;
            }

            seen = Volatile.Read(ref worker.Generation);
            try
            {
                using DenormalScope fp = DenormalScope.Enter(); // the caller's share runs in its kernel's scope; this one likewise
                worker.Body(worker.State, worker.Part, worker.Parts);
            }
            catch (Exception e)
            {
                worker.Failure = ExceptionDispatchInfo.Capture(e);
            }

            Volatile.Write(ref worker.Done, seen);
        }
    }
}
