using System;

namespace DiffGen.Kernels;

/// <summary>
/// Packing memory owned by one thread: a pinned array that grows to the largest size asked for and is then reused,
/// so that GEMM calls after the first allocate nothing.
/// </summary>
/// <remarks>
/// The array lives on the pinned object heap, so a raw pointer into it stays valid for the arena's lifetime; the
/// pointer handed out is aligned to 64 bytes (one cache line, one zmm register). The array is freed by the GC with
/// the arena, for a calling thread when that thread ends.
/// </remarks>
internal sealed unsafe class PackingArena
{
    private const int Alignment = 64;

    [ThreadStatic]
    private static PackingArena? s_current;

    private byte[] _memory = [];
    private byte* _aligned;
    private int _capacity;

    /// <summary>The arena of the calling thread, created on its first use.</summary>
    public static PackingArena ForCurrentThread => s_current ??= new PackingArena();

    /// <summary>Returns at least <paramref name="bytes"/> bytes of 64-byte-aligned memory, valid until the next call.</summary>
    public byte* Reserve(int bytes)
    {
        if (bytes > _capacity)
        {
            // Round up so that float and double calls, or kernels of different shapes, share one array.
            int capacity = Math.Max(bytes, Math.Max(2 * _capacity, 1 << 16));
            _memory = GC.AllocateUninitializedArray<byte>(capacity + Alignment, pinned: true);
            fixed (byte* start = _memory)
            {
                _aligned = (byte*)(((nuint)start + (Alignment - 1)) & ~(nuint)(Alignment - 1));
            }

            _capacity = capacity;
        }

        return _aligned;
    }
}
