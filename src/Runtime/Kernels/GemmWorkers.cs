using System;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace DiffGen.Kernels;

/// <summary>
/// The persistent helper threads that run parts of a large GEMM beside the calling thread.
/// </summary>
/// <remarks>
/// <para>
/// There is one helper per additional core (at most <see cref="MaxThreads"/> threads in all, the caller included),
/// created on the first parallel call and kept for the life of the process as background threads. Each owns its
/// <see cref="PackingArena"/>. The job is a struct of pointers held in a static field and the work is a function
/// pointer, so starting and joining a parallel GEMM allocates nothing.
/// </para>
/// <para>
/// Parts are claimed, not assigned: the caller and the helpers take the next unclaimed part from a shared counter
/// until none is left, and the caller returns when every part is done. A helper that is slow to wake (its core busy
/// with another process) therefore costs only the parallelism, never a wait: the caller simply runs more parts.
/// </para>
/// <para>
/// Waking is cheap: after a job a helper spins for <see cref="SpinMicroseconds"/> watching a doorbell, so the GEMMs of
/// a training step find it awake; after that it sleeps on an <see cref="AutoResetEvent"/> that the next call sets.
/// Only one call at a time owns the helpers: a call made while another thread's GEMM holds them runs on its own
/// thread alone (still correct, just not parallel).
/// </para>
/// </remarks>
internal static unsafe class GemmWorkers
{
    /// <summary>The largest number of threads one GEMM uses, the caller included.</summary>
    public const int MaxThreads = 8;

    /// <summary>How long a helper keeps polling for the next job before it goes to sleep.</summary>
    public const int SpinMicroseconds = 200;

    private static readonly int s_helperCount = Math.Clamp(Environment.ProcessorCount, 1, MaxThreads) - 1;
    private static readonly Lock s_createLock = new();
    private static Worker[]? s_workers;
    private static int s_busy;

    // The job in progress. Written only by the call that owns s_busy, before s_state announces it; read by a helper
    // only after it has claimed a part, and the owner does not return (or write the next job) until that part is done.
    private static GemmJob s_job;
    private static delegate*<in GemmJob, int, PackingArena, void> s_run;
    private static int s_completed;
    private static Exception? s_error;

    // Bits 32-63: the job number; bits 16-31: how many parts it has; bits 0-15: the next part to claim.
    private static long s_state;

    /// <summary>The number of threads a parallel GEMM uses, the caller included.</summary>
    public static int Threads => s_helperCount + 1;

    /// <summary>The bytes the helper threads have allocated in all, as of their last finished jobs (for allocation tests).</summary>
    internal static long HelperAllocatedBytes
    {
        get
        {
            long total = 0;
            foreach (Worker worker in s_workers ?? [])
            {
                total += worker.AllocatedBytes;
            }

            return total;
        }
    }

    /// <summary>
    /// Runs parts 0..<see cref="GemmJob.Parts"/>-1 of <paramref name="job"/> on the calling thread and the helpers, and
    /// returns when all are done. Returns false, having run nothing, if another call owns the helpers.
    /// </summary>
    public static bool TryRun(in GemmJob job, delegate*<in GemmJob, int, PackingArena, void> run)
    {
        if (job.Parts - 1 > s_helperCount || job.Parts > ushort.MaxValue || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            return false;
        }

        try
        {
            Worker[] workers = s_workers ?? CreateWorkers();
            s_job = job;
            s_run = run;
            s_completed = 0;
            s_error = null;
            int number = (int)(Volatile.Read(ref s_state) >> 32) + 1;
            Interlocked.Exchange(ref s_state, ((long)number << 32) | ((long)job.Parts << 16));
            for (int i = 0; i < job.Parts - 1; i++)
            {
                workers[i].Ring();
            }

            RunParts(number, PackingArena.ForCurrentThread);

            // Wait only for the parts that helpers claimed and are still running.
            var spin = default(SpinWait);
            while (Volatile.Read(ref s_completed) != job.Parts)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

            if (s_error is Exception error)
            {
                ExceptionDispatchInfo.Throw(error);
            }

            return true;
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>Claims and runs parts of job <paramref name="number"/> until none is left (or a later job has started).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunParts(int number, PackingArena arena)
    {
        while (true)
        {
            long state = Volatile.Read(ref s_state);
            int part = (int)(state & 0xFFFF);
            if ((int)(state >> 32) != number || part >= (int)((state >> 16) & 0xFFFF))
            {
                return;
            }

            if (Interlocked.CompareExchange(ref s_state, state + 1, state) != state)
            {
                continue;
            }

            try
            {
                s_run(s_job, part, arena);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref s_error, e, null);
            }

            Interlocked.Increment(ref s_completed);
        }
    }

    private static Worker[] CreateWorkers()
    {
        lock (s_createLock)
        {
            if (s_workers is null)
            {
                var workers = new Worker[s_helperCount];
                for (int i = 0; i < workers.Length; i++)
                {
                    workers[i] = new Worker(i + 1);
                }

                s_workers = workers;
            }

            return s_workers;
        }
    }

    [SuppressMessage("Design", "CA1001", Justification = "Helpers live as long as the process; their event is never released.")]
    private sealed class Worker
    {
        private static readonly long s_spinTicks = Stopwatch.Frequency * SpinMicroseconds / 1_000_000;

        private readonly AutoResetEvent _wake = new(initialState: false);
        private readonly PackingArena _arena = new();

        // The doorbell: incremented by each call that wants this helper. _sleeping is 1 while it may be blocked on _wake.
        private int _rung;
        private int _sleeping;

        public Worker(int index)
        {
            var thread = new Thread(Loop)
            {
                IsBackground = true,
                Name = $"DiffGen GEMM helper {index}",
            };
            thread.Start();
        }

        /// <summary>The bytes this helper thread has allocated, as of its last finished job (for allocation tests).</summary>
        public long AllocatedBytes { get; private set; }

        public void Ring()
        {
            // Full fences on both sides (here and in Loop) make sure that either the helper sees the ring before it
            // sleeps, or this call sees that it sleeps and wakes it. A wake-up with no work left is harmless.
            Interlocked.Increment(ref _rung);
            if (Volatile.Read(ref _sleeping) != 0)
            {
                _wake.Set();
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Loop()
        {
            int seen = 0;
            while (true)
            {
                long sleepAt = Stopwatch.GetTimestamp() + s_spinTicks;
                while (Volatile.Read(ref _rung) == seen)
                {
                    if (Stopwatch.GetTimestamp() < sleepAt)
                    {
                        Thread.SpinWait(16);
                        continue;
                    }

                    Interlocked.Exchange(ref _sleeping, 1);
                    if (Volatile.Read(ref _rung) == seen)
                    {
                        _wake.WaitOne();
                    }

                    Interlocked.Exchange(ref _sleeping, 0);
                    sleepAt = Stopwatch.GetTimestamp() + s_spinTicks;
                }

                seen = Volatile.Read(ref _rung);
                RunParts((int)(Volatile.Read(ref s_state) >> 32), _arena);
                AllocatedBytes = GC.GetAllocatedBytesForCurrentThread();
            }
        }
    }
}
