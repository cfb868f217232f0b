using System;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace DiffGen.Kernels;

/// <summary>
/// The persistent helper threads that run the other parts of a large GEMM while the calling thread runs part 0.
/// </summary>
/// <remarks>
/// <para>
/// There is one helper per additional core (at most <see cref="MaxThreads"/> threads in all, the caller included),
/// created on the first parallel call and kept for the life of the process as background threads. Each owns its
/// <see cref="PackingArena"/>. A call hands each helper a copy of the <see cref="GemmJob"/> (a struct of pointers)
/// and a function pointer, so starting and joining a parallel GEMM allocates nothing.
/// </para>
/// <para>
/// Waking is cheap: after a job a helper spins for <see cref="SpinMicroseconds"/> watching a sequence number, so the
/// GEMMs of a training step find it awake; after that it sleeps on an <see cref="AutoResetEvent"/> that the next
/// call sets. Only one call at a time owns the helpers: a call made while another thread's GEMM holds them runs on
/// its own thread alone (still correct, just not parallel).
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

    /// <summary>The number of threads a parallel GEMM uses, the caller included.</summary>
    public static int Threads => s_helperCount + 1;

    /// <summary>
    /// Runs parts 0..<see cref="GemmJob.Parts"/>-1 of <paramref name="job"/>, part 0 on the calling thread and the others
    /// on the helpers, and returns when all are done. Returns false, having run nothing, if another call owns the helpers.
    /// </summary>
    public static bool TryRun(in GemmJob job, delegate*<in GemmJob, int, PackingArena, void> run)
    {
        if (job.Parts - 1 > s_helperCount || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            return false;
        }

        try
        {
            Worker[] workers = s_workers ?? CreateWorkers();
            int helpers = job.Parts - 1;
            for (int i = 0; i < helpers; i++)
            {
                workers[i].Post(job, run, i + 1);
            }

            Exception? error = null;
            try
            {
                run(job, 0, PackingArena.ForCurrentThread);
            }
            catch (Exception e)
            {
                error = e;
            }

            // Always join every helper before returning: they read the caller's pinned operands.
            for (int i = 0; i < helpers; i++)
            {
                error ??= workers[i].Join();
            }

            if (error is not null)
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
        private GemmJob _job;
        private delegate*<in GemmJob, int, PackingArena, void> _run;
        private int _part;
        private Exception? _error;

        // _posted counts jobs handed over; _finished is the last job done. They differ while a job is in flight.
        private int _posted;
        private int _finished;
        private int _sleeping;

        /// <summary>The bytes this helper thread has allocated, as of its last finished job (for allocation tests).</summary>
        public long AllocatedBytes { get; private set; }

        public Worker(int index)
        {
            var thread = new Thread(Loop)
            {
                IsBackground = true,
                Name = $"DiffGen GEMM helper {index}",
            };
            thread.Start();
        }

        public void Post(in GemmJob job, delegate*<in GemmJob, int, PackingArena, void> run, int part)
        {
            _job = job;
            _run = run;
            _part = part;
            _error = null;

            // Full fences on both sides (here and in Loop) make sure that either the helper sees the new job before it
            // sleeps, or this call sees that it sleeps and wakes it. A wake-up that finds no job is harmless.
            Interlocked.Increment(ref _posted);
            if (Volatile.Read(ref _sleeping) != 0)
            {
                _wake.Set();
            }
        }

        public Exception? Join()
        {
            int posted = _posted;
            var spin = default(SpinWait);
            while (Volatile.Read(ref _finished) != posted)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

            return _error;
        }

        private void Loop()
        {
            int seen = 0;
            while (true)
            {
                long sleepAt = Stopwatch.GetTimestamp() + s_spinTicks;
                while (Volatile.Read(ref _posted) == seen)
                {
                    if (Stopwatch.GetTimestamp() < sleepAt)
                    {
                        Thread.SpinWait(16);
                        continue;
                    }

                    Interlocked.Exchange(ref _sleeping, 1);
                    if (Volatile.Read(ref _posted) == seen)
                    {
                        _wake.WaitOne();
                    }

                    Interlocked.Exchange(ref _sleeping, 0);
                    sleepAt = Stopwatch.GetTimestamp() + s_spinTicks;
                }

                seen = Volatile.Read(ref _posted);
                try
                {
                    _run(_job, _part, _arena);
                }
                catch (Exception e)
                {
                    _error = e;
                }

                AllocatedBytes = GC.GetAllocatedBytesForCurrentThread();
                Volatile.Write(ref _finished, seen);
            }
        }
    }
}
