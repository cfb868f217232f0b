namespace DiffGen.Runtime.Tests.Tensors;

public class TensorArenaTests
{
    [Fact]
    public void A_scope_hands_back_the_same_tensors_on_the_next_run()
    {
        Tensor first;
        Tensor firstView;
        using (TensorArena.Enter())
        {
            first = Tensor.Empty(DType.Float32, 3, 4);
            firstView = first.Reshape(12);
        }

        using (TensorArena.Enter())
        {
            var again = Tensor.Empty(DType.Float32, 3, 4);
            var view = again.Reshape(2, 6);
            Assert.Same(first, again);
            Assert.Same(firstView, view);
            Assert.Equal([2, 6], view.Shape.ToArray());
        }
    }

    [Fact]
    public void Repeated_runs_allocate_nothing_after_the_first()
    {
        void Step()
        {
            using (TensorArena.Enter())
            {
                var a = Tensor.Zeros(DType.Float64, 16, 8);
                var b = Tensor.Empty(DType.Float32, 32);
                a.Slice(2, 4).Reshape(-1).Fill(1);
                b.Fill(2);
            }
        }

        // Warm up past tiered compilation: code that is still being instrumented may allocate.
        for (int i = 0; i < 200; i++)
        {
            Step();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            Step();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Zeros_clears_recycled_storage_and_a_larger_request_gets_new_storage()
    {
        using (TensorArena.Enter())
        {
            Tensor.Zeros(DType.Float32, 4).Fill(5);
        }

        using (TensorArena.Enter())
        {
            var z = Tensor.Zeros(DType.Float32, 4);
            Assert.All(z.Floats.ToArray(), v => Assert.Equal(0f, v));
        }

        using (TensorArena.Enter())
        {
            var larger = Tensor.Zeros(DType.Float32, 100);
            Assert.Equal(100, larger.Floats.Length);
        }
    }

    [Fact]
    public void Nested_scopes_release_only_their_own_tensors()
    {
        using (TensorArena.Enter())
        {
            var outer = Tensor.Zeros(DType.Float32, 2);
            Tensor inner;
            using (TensorArena.Enter())
            {
                inner = Tensor.Zeros(DType.Float32, 2);
            }

            using (TensorArena.Enter())
            {
                Assert.Same(inner, Tensor.Zeros(DType.Float32, 2));
            }

            Assert.NotSame(outer, inner);
            Assert.True(TensorArena.IsActive);
        }

        Assert.False(TensorArena.IsActive);
    }

    [Fact]
    public void Outside_a_scope_tensors_are_new()
    {
        Assert.NotSame(Tensor.Empty(DType.Float32, 2), Tensor.Empty(DType.Float32, 2));
    }
}
