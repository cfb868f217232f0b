using DiffGen.Runtime.Tests.Support;
using static DiffGen.Runtime.Tests.Checkpoints.SafeTensorsBytes;

namespace DiffGen.Runtime.Tests.Checkpoints;

/// <summary>Round trips, the naming scheme, and matching a file against a model.</summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Saved(List<NamedParameter> model, OptimizerState? state = null, string name = "model.safetensors")
    {
        string path = _folder.File(name);
        Checkpoint.Save(path, model, state);
        return path;
    }

    [Fact]
    public void Parameters_and_optimizer_state_round_trip_bit_for_bit()
    {
        var saved = Model(start: 1);
        saved[1].Parameter.Value.Floats[0] = float.NaN;
        saved[1].Parameter.Value.Floats[1] = -0f;
        saved[0].Parameter.Value.Floats[2] = float.Epsilon;
        saved[0].Parameter.Value.Floats[3] = float.NegativeInfinity;
        var state = new OptimizerState(
            new Dictionary<string, Tensor>
            {
                ["state.0.exp_avg"] = Tensor.FromArray(new[] { 1e-30f, 2f }, 2),
                ["state.2.momentum_buffer"] = Tensor.Scalar(0.1, DType.Float64),
            },
            new Dictionary<string, string> { ["state.0.step"] = "7", ["lr"] = "0.001" });
        string path = _folder.File("run.safetensors");
        Checkpoint.Save(path, saved, state, new Dictionary<string, string> { ["epoch"] = "4" });

        var model = Model(start: 100);
        var loaded = Checkpoint.Load(path, model);
        Assert.Equal(Bits(saved), Bits(model));
        Assert.NotNull(loaded.OptimizerState);
        Assert.Equal(["lr", "state.0.step"], loaded.OptimizerState.Values.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("7", loaded.OptimizerState.Values["state.0.step"]);
        Assert.Equal("0.001", loaded.OptimizerState.Values["lr"]);
        Assert.Equal([1e-30f, 2f], loaded.OptimizerState.Tensors["state.0.exp_avg"].Floats.ToArray());
        var momentum = loaded.OptimizerState.Tensors["state.2.momentum_buffer"];
        Assert.Equal(DType.Float64, momentum.DType);
        Assert.Equal(0, momentum.Rank);
        Assert.Equal(0.1, momentum.Item());
        Assert.Equal("4", loaded.Metadata["epoch"]);
        Assert.Equal("pt", loaded.Metadata["format"]);
        Assert.False(loaded.Metadata.ContainsKey("optimizer/lr"));
        Assert.Empty(loaded.MissingParameters);
        Assert.Empty(loaded.UnexpectedTensors);
    }

    [Fact]
    public void Loading_replaces_values_in_place_and_leaves_gradients_alone()
    {
        string path = Saved(Model(start: 1));
        var model = Model(start: 5);
        var value = model[0].Parameter.Value;
        model[0].Parameter.Grad.Fill(3);
        Checkpoint.Load(path, model);
        Assert.Same(value, model[0].Parameter.Value);
        Assert.Equal(1f, value.Floats[0]);
        Assert.All(model[0].Parameter.Grad.Floats.ToArray(), g => Assert.Equal(3f, g));
    }

    [Fact]
    public void A_parameter_that_is_a_view_of_a_larger_tensor_is_saved_with_its_own_elements()
    {
        var storage = Tensor.FromArray(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), 4, 3);
        var view = storage.Slice(2, 2);
        string path = _folder.File("view.safetensors");
        Checkpoint.Save(path, [new("w", new Parameter(view))]);
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal([6f, 7f, 8f, 9f, 10f, 11f], file.ReadTensor("w").Floats.ToArray());
    }

    [Fact]
    public void Empty_tensors_round_trip()
    {
        var model = new List<NamedParameter> { new("empty", new Parameter(Tensor.Zeros(0, 3))), new("one", new Parameter(Tensor.Ones(1))) };
        string path = Saved(model);
        var again = new List<NamedParameter> { new("empty", new Parameter(Tensor.Zeros(0, 3))), new("one", new Parameter(Tensor.Zeros(1))) };
        Checkpoint.Load(path, again);
        Assert.Equal(1f, again[1].Parameter.Value.Floats[0]);
    }

    [Fact]
    public void Saving_over_an_existing_checkpoint_replaces_it_and_leaves_no_temporary_file()
    {
        string path = Saved(Model(start: 1));
        Checkpoint.Save(path, Model(start: 2));
        var model = Model(start: 0);
        Checkpoint.Load(path, model);
        Assert.Equal(Bits(Model(start: 2)), Bits(model));
        Assert.Equal(["model.safetensors"], _folder.Files());
    }

    [Fact]
    public void A_shape_mismatch_names_the_file_the_tensor_and_both_shapes_and_changes_no_parameter()
    {
        string path = Saved(Model());
        var model = Model(start: 8);
        model[1] = new("fc1.bias", new Parameter(Tensor.Zeros(4)));
        long[] before = Bits(model);

        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, model));
        Assert.Equal(path, e.FilePath);
        Assert.Equal("fc1.bias", e.TensorName);
        Assert.Equal($"{path}: tensor 'fc1.bias': shape [3] in the file, expected [4] (the parameter's).", e.Message);
        Assert.Equal(before, Bits(model)); // fc1.weight, which matched and comes first, is unchanged too
    }

    [Fact]
    public void Missing_and_unexpected_tensors_are_all_listed_in_one_message_when_strict()
    {
        string path = Saved(Model());
        var model = Model(start: 8);
        model.RemoveAt(2);                                                             // "scale" is in the file only
        model.Add(new("fc2.weight", new Parameter(Tensor.Zeros(3, 1))));              // "fc2.weight" is in the model only
        model[0] = new("fc1.weight", new Parameter(Tensor.Zeros(3, 2)));               // transposed
        long[] before = Bits(model);

        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, model));
        Assert.Contains("nothing was loaded; 3 problems:", e.Message, StringComparison.Ordinal);
        Assert.Contains("tensor 'fc1.weight': shape [2, 3] in the file, expected [3, 2]", e.Message, StringComparison.Ordinal);
        Assert.Contains("tensor 'fc2.weight': the model's parameter (Float32 [3, 1]) is not in the file.", e.Message, StringComparison.Ordinal);
        Assert.Contains("tensor 'scale': in the file (F64 []) but not a parameter of the model.", e.Message, StringComparison.Ordinal);
        Assert.StartsWith($"{path}: the checkpoint does not match the model", e.Message, StringComparison.Ordinal);
        Assert.Equal("fc1.weight", e.TensorName);
        Assert.Equal(before, Bits(model));
    }

    [Fact]
    public void When_not_strict_missing_parameters_keep_their_values_and_extra_tensors_are_reported()
    {
        string path = Saved(Model(start: 1));
        var model = Model(start: 8);
        model.RemoveAt(2);
        var extra = new NamedParameter("head.bias", new Parameter(Tensor.Full(DType.Float32, 5, 2)));
        model.Add(extra);

        var loaded = Checkpoint.Load(path, model, new CheckpointLoadOptions { Strict = false });
        Assert.Equal(["head.bias"], loaded.MissingParameters);
        Assert.Equal(["scale"], loaded.UnexpectedTensors);
        Assert.Equal(1f, model[0].Parameter.Value.Floats[0]);
        Assert.Equal([5f, 5f], extra.Parameter.Value.Floats.ToArray());
    }

    [Fact]
    public void A_dtype_mismatch_is_rejected_unless_conversion_is_allowed()
    {
        var doubles = new List<NamedParameter> { new("w", new Parameter(Tensor.FromArray(new[] { 0.1, 1e300, -2.5 }, 3))) };
        string path = Saved(doubles);
        var floats = new List<NamedParameter> { new("w", new Parameter(Tensor.Zeros(3))) };

        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, floats));
        Assert.Contains("tensor 'w': dtype F64 in the file, expected F32", e.Message, StringComparison.Ordinal);
        Assert.Contains("ConvertDTypes", e.Message, StringComparison.Ordinal);

        Checkpoint.Load(path, floats, new CheckpointLoadOptions { ConvertDTypes = true });
        Assert.Equal([0.1f, float.PositiveInfinity, -2.5f], floats[0].Parameter.Value.Floats.ToArray());

        string floatPath = Saved([new("w", new Parameter(Tensor.FromArray(new[] { 0.1f }, 1)))], name: "f.safetensors");
        var back = new List<NamedParameter> { new("w", new Parameter(Tensor.Zeros(DType.Float64, 1))) };
        Checkpoint.Load(floatPath, back, new CheckpointLoadOptions { ConvertDTypes = true });
        Assert.Equal((double)0.1f, back[0].Parameter.Value.Item());
    }

    [Fact]
    public void Save_rejects_repeated_and_reserved_names_and_reserved_metadata_keys_before_touching_the_disk()
    {
        string path = _folder.File("bad.safetensors");
        var p = new Parameter(Tensor.Zeros(1));
        Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, [new("a", p), new("a", p)]));
        Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, [new("optimizer/x", p)]));
        Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, [new("__metadata__", p)]));
        Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, [new("", p)]));
        Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, [new("a", p)], metadata: new Dictionary<string, string> { ["optimizer/lr"] = "1" }));
        Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, [new("a", p)], metadata: new Dictionary<string, string> { ["diffgen/checkpoint"] = "2" }));
        Assert.Empty(_folder.Files());
    }

    [Fact]
    public void Load_rejects_two_parameters_with_the_same_name()
    {
        string path = Saved(Model());
        var model = Model();
        model.Add(model[0]);
        Assert.Throws<ArgumentException>(() => Checkpoint.Load(path, model));
    }

    [Fact]
    public void Saving_into_a_folder_that_does_not_exist_fails_clearly()
    {
        string path = Path.Combine(_folder.Path, "missing", "model.safetensors");
        var e = Assert.Throws<DirectoryNotFoundException>(() => Checkpoint.Save(path, Model()));
        Assert.Contains("missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_caller_may_set_the_format_metadata()
    {
        string path = _folder.File("np.safetensors");
        Checkpoint.Save(path, Model(), metadata: new Dictionary<string, string> { ["format"] = "np" });
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal("np", file.Metadata["format"]);
        Assert.Equal("1", file.Metadata[Checkpoint.VersionKey]);
    }
}
