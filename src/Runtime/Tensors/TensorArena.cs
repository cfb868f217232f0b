using System;
using System.Collections.Generic;

namespace DiffGen;

/// <summary>
/// Recycles the tensors created inside a scope from one run of the scope to the next, so that a computation that
/// repeats with the same shapes (a training step, an inference loop) allocates nothing after its first run. Generated
/// gradients of tensor code open a scope around themselves; use one around your own loops the same way.
/// </summary>
/// <remarks>
/// <para>
/// Inside a scope, every tensor that <see cref="Tensor.Empty"/>, <see cref="Tensor.Zeros(DType, ReadOnlySpan{int})"/>
/// or a view (<see cref="Tensor.Reshape"/>, <see cref="Tensor.Slice"/>) creates is the i-th one of the scope: on the
/// next run the i-th request gets the same object and storage back (reallocated only if it needs more room). When
/// the scope ends, all of them become reusable: a tensor created inside a scope must not be used after it.
/// </para>
/// <para>
/// Scopes nest (a scope opened inside another reuses what comes after the outer scope's tensors) and are per thread.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// for (int step = 0; step &lt; steps; step++)
/// {
///     using (TensorArena.Enter())
///     {
///         double loss = model.LossWithGradient(inputs, labels);   // no allocation after the first step
///     }
/// }
/// </code>
/// </example>
public sealed class TensorArena
{
    [ThreadStatic]
    private static TensorArena? t_current;

    private readonly List<Tensor> _tensors = new();
    private readonly List<float[]?> _floats = new();
    private readonly List<double[]?> _doubles = new();
    private int _next;
    private int _depth;

    private TensorArena()
    {
    }

    /// <summary>Opens a scope on the current thread; dispose it (a <c>using</c>) to end it.</summary>
    /// <returns>The scope.</returns>
    public static Scope Enter()
    {
        var arena = t_current ??= new TensorArena();
        arena._depth++;
        return new Scope(arena, arena._next);
    }

    /// <summary>Whether a scope is open on the current thread.</summary>
    public static bool IsActive => t_current is { _depth: > 0 };

    /// <summary>The next recycled tensor with fresh storage of at least <paramref name="length"/> elements, or null outside a scope.</summary>
    internal static Tensor? Rent(DType dtype, ReadOnlySpan<int> shape, int length)
    {
        var arena = t_current;
        if (arena is null || arena._depth == 0)
        {
            return null;
        }

        int i = arena.Slot();
        if (dtype == DType.Float32)
        {
            var storage = arena._floats[i];
            if (storage is null || storage.Length < length)
            {
                storage = new float[length];
                arena._floats[i] = storage;
            }

            arena._tensors[i].Reinitialize(storage, null, 0, shape, length);
        }
        else
        {
            var storage = arena._doubles[i];
            if (storage is null || storage.Length < length)
            {
                storage = new double[length];
                arena._doubles[i] = storage;
            }

            arena._tensors[i].Reinitialize(null, storage, 0, shape, length);
        }

        return arena._tensors[i];
    }

    /// <summary>The next recycled tensor object pointed at existing storage (a view), or null outside a scope.</summary>
    internal static Tensor? RentView(float[]? floats, double[]? doubles, int offset, ReadOnlySpan<int> shape, int length)
    {
        var arena = t_current;
        if (arena is null || arena._depth == 0)
        {
            return null;
        }

        int i = arena.Slot();
        arena._tensors[i].Reinitialize(floats, doubles, offset, shape, length);
        return arena._tensors[i];
    }

    private int Slot()
    {
        if (_next == _tensors.Count)
        {
            _tensors.Add(Tensor.Fresh(DType.Float32, [0], 0));
            _floats.Add(null);
            _doubles.Add(null);
        }

        return _next++;
    }

    /// <summary>An open scope; disposing it makes the tensors created in it reusable.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly TensorArena _arena;
        private readonly int _mark;

        internal Scope(TensorArena arena, int mark)
        {
            _arena = arena;
            _mark = mark;
        }

        /// <summary>Ends the scope.</summary>
        public void Dispose()
        {
            if (_arena is not null)
            {
                _arena._next = _mark;
                _arena._depth--;
            }
        }
    }
}
