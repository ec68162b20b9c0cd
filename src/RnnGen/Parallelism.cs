namespace RnnGen;

/// <summary>
/// How many threads the recurrent kernels may use. With <see cref="Threads"/> above 1, a recurrent layer run over a batch
/// of two or more sequences splits the batch into that many shares (each share runs every step of its own sequences, so
/// the threads meet once per layer call, not once per step), and its backward pass splits the weight-gradient products
/// by gate rows. Each share does its own rows' arithmetic as one thread would; where a share's smaller product takes
/// another kernel path (a different summation order), results differ from one thread's by float rounding only (the tests
/// compare them to 1e−6). Steady state allocates nothing on either side: the extra threads are started once, the first time a
/// split runs, and then wait for work.
/// </summary>
/// <remarks>
/// The setting is process-wide (like <c>torch.set_num_threads</c>). A layer with too little work to pay for the hand-off
/// (fewer than two sequences, or under about a million multiply-adds) runs on the calling thread whatever the setting.
/// When two threads of the program run models at the same time, whichever starts a split second finds the workers busy
/// and runs its shares itself.
/// </remarks>
public static class Parallelism
{
    private static int s_threads = 1;

    /// <summary>Most threads a recurrent layer uses, the caller's included: 1 (the default) … 64.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above 64.</exception>
    public static int Threads
    {
        get => Volatile.Read(ref s_threads);
        set
        {
            if (value is < 1 or > Threading.WorkerPool.MaxThreads)
            {
                throw new ArgumentOutOfRangeException(nameof(Threads), value,
                    $"Parallelism.Threads: expected 1 … {Threading.WorkerPool.MaxThreads}, got {value}.");
            }

            Volatile.Write(ref s_threads, value);
        }
    }
}
