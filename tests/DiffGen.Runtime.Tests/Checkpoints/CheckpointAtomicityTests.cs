using DiffGen.Runtime.Tests.Support;
using static DiffGen.Runtime.Tests.Checkpoints.SafeTensorsBytes;

namespace DiffGen.Runtime.Tests.Checkpoints;

/// <summary>A save that fails midway leaves the previous checkpoint as it was and no temporary file behind.</summary>
public sealed class CheckpointAtomicityTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Passes writes through until <c>limit</c> bytes, then throws as a full disk or a crash would.</summary>
    private sealed class FailingStream(Stream inner, long limit, bool failOnFlush = false) : Stream
    {
        private long _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _written; set => throw new NotSupportedException(); }

        public override void Flush()
        {
            if (failOnFlush)
            {
                throw new IOException("Simulated failure while flushing.");
            }

            inner.Flush();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            long room = limit - _written;
            if (buffer.Length > room)
            {
                inner.Write(buffer[..(int)Math.Max(room, 0)]);
                _written = limit;
                throw new IOException($"Simulated failure after {limit} bytes.");
            }

            inner.Write(buffer);
            _written += buffer.Length;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(100)]
    [InlineData(-30)] // 30 bytes before the end: inside the last tensor's data
    public void A_save_that_fails_midway_leaves_the_previous_checkpoint_intact_and_no_temporary_file(int failAfter)
    {
        string path = _folder.File("model.safetensors");
        Checkpoint.Save(path, Model(start: 1));
        byte[] previous = File.ReadAllBytes(path);

        var newer = Model(start: 2);
        var state = new OptimizerState(new Dictionary<string, Tensor> { ["m"] = Tensor.Ones(8) }, new Dictionary<string, string>());
        long fullLength = SaveLength(newer, state);
        long limit = failAfter >= 0 ? failAfter : fullLength + failAfter;
        var e = Assert.Throws<IOException>(() => Checkpoint.Save(path, newer, state, metadata: null, wrap: s => new FailingStream(s, limit)));
        Assert.Contains("Simulated failure", e.Message, StringComparison.Ordinal);

        Assert.Equal(previous, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], _folder.Files());
        var model = Model(start: 9);
        Checkpoint.Load(path, model);
        Assert.Equal(Bits(Model(start: 1)), Bits(model));
    }

    [Fact]
    public void A_save_that_fails_while_flushing_leaves_the_previous_checkpoint_intact()
    {
        string path = _folder.File("model.safetensors");
        Checkpoint.Save(path, Model(start: 1));
        byte[] previous = File.ReadAllBytes(path);
        Assert.Throws<IOException>(() => Checkpoint.Save(path, Model(start: 2), null, null, wrap: s => new FailingStream(s, long.MaxValue, failOnFlush: true)));
        Assert.Equal(previous, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], _folder.Files());
    }

    [Fact]
    public void A_first_save_that_fails_leaves_no_file_at_all()
    {
        string path = _folder.File("model.safetensors");
        Assert.Throws<IOException>(() => Checkpoint.Save(path, Model(), null, null, wrap: s => new FailingStream(s, 50)));
        Assert.Empty(_folder.Files());
    }

    private long SaveLength(List<NamedParameter> model, OptimizerState state)
    {
        string probe = _folder.File("probe.safetensors");
        Checkpoint.Save(probe, model, state);
        long length = new FileInfo(probe).Length;
        File.Delete(probe);
        return length;
    }
}
