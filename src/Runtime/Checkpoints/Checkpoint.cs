using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace DiffGen;

/// <summary>
/// Saves and loads a model's parameters, and optionally an optimizer's state, as a safetensors file that PyTorch and
/// the Hugging Face tools read and write.
/// </summary>
/// <remarks>
/// <para>
/// <b>Names.</b> Each parameter is a tensor named by its dotted name (<c>fc1.weight</c>), with dtype <c>F32</c> or
/// <c>F64</c>, its shape, and its values little-endian and row-major, exactly as <c>safetensors.torch.save_file</c>
/// writes a PyTorch <c>state_dict</c>. An optimizer's state tensors are named <see cref="OptimizerPrefix"/> + their
/// name (<c>optimizer/state.3.exp_avg</c>), and its values go into the header's <c>__metadata__</c> under the same
/// prefix (<c>"optimizer/state.3.step": "12"</c>). The metadata also holds <c>"format": "pt"</c> (unless the caller
/// sets <c>format</c>), which the Hugging Face loaders look for, and <see cref="VersionKey"/> = <c>"1"</c>.
/// </para>
/// <para>
/// <b>Saving is atomic</b>: the file is written to a temporary file in the same folder, flushed to disk and renamed
/// over the target, so a crash or an error mid-save leaves the previous checkpoint intact. (After a hard crash, a
/// <c>.name.xxxx.tmp</c> file may remain next to it; it is safe to delete.)
/// </para>
/// <para>
/// <b>Loading validates everything before it writes anything</b>: the file (see <see cref="SafeTensorsFile"/>), then
/// every parameter against the file: present, same shape, same dtype (or a conversion the options allow), and no
/// tensor in the file that is not a parameter (unless <see cref="CheckpointLoadOptions.Strict"/> is off). Every
/// problem is listed in one <see cref="CheckpointException"/> naming the file, the tensors and what was expected and
/// found, and the model's parameters are left unchanged. Only then are the values copied in. Gradients are not
/// touched.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// Checkpoint.Save("mlp.safetensors", net.Parameters(), optimizer.GetState());
/// // ... later, or in another process:
/// CheckpointContents loaded = Checkpoint.Load("mlp.safetensors", net.Parameters());
/// optimizer.LoadState(loaded.OptimizerState!);
/// </code>
/// </example>
public static class Checkpoint
{
    /// <summary>The prefix of the names of optimizer-state tensors and metadata keys: <c>optimizer/</c>.</summary>
    public const string OptimizerPrefix = "optimizer/";

    /// <summary>The metadata key that holds the version of DiffGen's checkpoint naming scheme: <c>diffgen/checkpoint</c>.</summary>
    public const string VersionKey = "diffgen/checkpoint";

    /// <summary>The version of the naming scheme that this code writes.</summary>
    public const string Version = "1";

    private const string DiffGenPrefix = "diffgen/";

    /// <summary>Saves parameters, and optionally an optimizer's state and metadata, to a safetensors file, atomically.</summary>
    /// <param name="path">The file to create or replace (<c>model.safetensors</c>). Its folder must exist.</param>
    /// <param name="parameters">The model's parameters by their dotted names.</param>
    /// <param name="optimizerState">The optimizer's state, or <see langword="null"/>.</param>
    /// <param name="metadata">Extra text to keep in the header (<c>epoch</c>, <c>loss</c>), or <see langword="null"/>. Keys must not start with <c>optimizer/</c> or <c>diffgen/</c>.</param>
    /// <exception cref="ArgumentException">A name is empty, repeated or reserved, or a metadata key is reserved.</exception>
    /// <exception cref="IOException">The file cannot be written; the previous file is unchanged.</exception>
    public static void Save(string path, IEnumerable<NamedParameter> parameters, OptimizerState? optimizerState = null, IReadOnlyDictionary<string, string>? metadata = null) =>
        Save(path, parameters, optimizerState, metadata, wrap: null);

    /// <summary>Saves, writing through <paramref name="wrap"/> (tests use it to fail midway).</summary>
    internal static void Save(string path, IEnumerable<NamedParameter> parameters, OptimizerState? optimizerState, IReadOnlyDictionary<string, string>? metadata, Func<Stream, Stream>? wrap)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(parameters);
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, parameter) in parameters)
        {
            CheckParameterName(name, parameter, nameof(parameters));
            tensors.Add(new(name, parameter.Value));
        }

        var header = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (metadata is not null)
        {
            foreach (var (key, value) in metadata)
            {
                if (string.IsNullOrEmpty(key) || key.StartsWith(OptimizerPrefix, StringComparison.Ordinal) || key.StartsWith(DiffGenPrefix, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Metadata key '{key}' is empty or reserved: keys starting with '{OptimizerPrefix}' or '{DiffGenPrefix}' belong to DiffGen.", nameof(metadata));
                }

                header[key] = value ?? throw new ArgumentException($"Metadata '{key}' has a null value.", nameof(metadata));
            }
        }

        header.TryAdd("format", "pt");
        header[VersionKey] = Version;
        if (optimizerState is not null)
        {
            foreach (var (key, value) in optimizerState.Values.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                CheckStateName(key, "value", nameof(optimizerState));
                header[OptimizerPrefix + key] = value ?? throw new ArgumentException($"Optimizer value '{key}' is null.", nameof(optimizerState));
            }

            foreach (var (key, tensor) in optimizerState.Tensors.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                CheckStateName(key, "tensor", nameof(optimizerState));
                tensors.Add(new(OptimizerPrefix + key, tensor ?? throw new ArgumentException($"Optimizer tensor '{key}' is null.", nameof(optimizerState))));
            }
        }

        var prepared = SafeTensorsFile.Prepare(tensors, header);
        AtomicFile.Write(path, stream => SafeTensorsFile.WritePrepared(stream, prepared), wrap);
    }

    /// <summary>
    /// Loads parameters (and any optimizer state) from a safetensors file written by DiffGen or by another tool (tensors
    /// in any order, with or without metadata), after checking that it matches the model.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="parameters">The model's parameters by their dotted names; their values are replaced.</param>
    /// <param name="options">How strictly to match; <see langword="null"/> for <see cref="CheckpointLoadOptions"/>' defaults (all names must match, no dtype conversion).</param>
    /// <returns>The optimizer state and metadata found in the file, and what did not match when not strict.</returns>
    /// <exception cref="CheckpointException">The file is corrupt or does not match the model; the parameters are unchanged.</exception>
    /// <exception cref="ArgumentException">Two parameters have the same name.</exception>
    /// <exception cref="IOException">The file cannot be read; the parameters are unchanged.</exception>
    public static CheckpointContents Load(string path, IEnumerable<NamedParameter> parameters, CheckpointLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(parameters);
        options ??= new CheckpointLoadOptions();
        var model = new List<NamedParameter>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var named in parameters)
        {
            CheckParameterName(named.Name, named.Parameter, nameof(parameters));
            if (!names.Add(named.Name))
            {
                throw new ArgumentException($"Two parameters are named '{named.Name}'; names must be unique.", nameof(parameters));
            }

            model.Add(named);
        }

        using var file = SafeTensorsFile.Open(path);
        var problems = new List<(string Tensor, string Problem)>();
        var missing = new List<string>();
        var matched = new List<NamedParameter>();
        foreach (var (name, parameter) in model)
        {
            if (!file.TryGetInfo(name, out var info))
            {
                missing.Add(name);
                if (options.Strict)
                {
                    problems.Add((name, $"the model's parameter ({parameter.DType} {Tensor.ShapeText(parameter.Shape)}) is not in the file."));
                }

                continue;
            }

            if (info.DType is not DType found)
            {
                problems.Add((name, $"dtype {info.DTypeName} in the file, expected {SafeTensorsFile.DTypeName(parameter.DType)}; DiffGen loads F32 and F64 tensors only."));
            }
            else if (found != parameter.DType && !options.ConvertDTypes)
            {
                problems.Add((name, $"dtype {info.DTypeName} in the file, expected {SafeTensorsFile.DTypeName(parameter.DType)} (the parameter's); set CheckpointLoadOptions.ConvertDTypes to convert."));
            }

            if (!info.Shape.SequenceEqual(parameter.Shape))
            {
                problems.Add((name, $"shape {info.ShapeText()} in the file, expected {Tensor.ShapeText(parameter.Shape)} (the parameter's)."));
            }

            matched.Add(new NamedParameter(name, parameter));
        }

        var unexpected = new List<string>();
        var stateTensors = new List<SafeTensorInfo>();
        foreach (var info in file.Tensors)
        {
            if (info.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
            {
                stateTensors.Add(info);
                if (info.DType is null)
                {
                    problems.Add((info.Name, $"optimizer state of dtype {info.DTypeName}; DiffGen loads F32 and F64 tensors only."));
                }
            }
            else if (!names.Contains(info.Name))
            {
                unexpected.Add(info.Name);
                if (options.Strict)
                {
                    problems.Add((info.Name, $"in the file ({info.DTypeName} {info.ShapeText()}) but not a parameter of the model."));
                }
            }
        }

        if (problems.Count > 0)
        {
            throw Mismatch(path, problems, model.Count, file.Tensors.Count);
        }

        // Everything matches: read into new tensors, then copy. A read that fails here still leaves the model unchanged.
        var staged = new Tensor[matched.Count];
        for (int i = 0; i < matched.Count; i++)
        {
            staged[i] = file.ReadTensor(matched[i].Name);
        }

        OptimizerState? state = null;
        var stateValues = new Dictionary<string, string>(StringComparer.Ordinal);
        var userMetadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in file.Metadata)
        {
            if (key.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
            {
                stateValues[key[OptimizerPrefix.Length..]] = value;
            }
            else
            {
                userMetadata[key] = value;
            }
        }

        if (stateTensors.Count > 0 || stateValues.Count > 0)
        {
            var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var info in stateTensors)
            {
                tensors[info.Name[OptimizerPrefix.Length..]] = file.ReadTensor(info.Name);
            }

            state = new OptimizerState(tensors, stateValues);
        }

        for (int i = 0; i < matched.Count; i++)
        {
            matched[i].Parameter.Value.CopyFrom(staged[i]);
        }

        return new CheckpointContents(state, userMetadata, missing, unexpected);
    }

    private static CheckpointException Mismatch(string path, List<(string Tensor, string Problem)> problems, int parameterCount, int tensorCount)
    {
        if (problems.Count == 1)
        {
            return new CheckpointException(path, problems[0].Tensor, problems[0].Problem);
        }

        const int shown = 20;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"the checkpoint does not match the model ({parameterCount} parameter(s); {tensorCount} tensor(s) in the file), nothing was loaded; {problems.Count} problems:");
        foreach (var (tensor, problem) in problems.Take(shown))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  - tensor '{tensor}': {problem}");
        }

        if (problems.Count > shown)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  - and {problems.Count - shown} more.");
        }

        return new CheckpointException(path, problems[0].Tensor, text.ToString(), several: true);
    }

    private static void CheckParameterName(string name, Parameter parameter, string argument)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("A parameter has an empty name; checkpoints store parameters by their dotted names.", argument);
        }

        if (name.StartsWith(OptimizerPrefix, StringComparison.Ordinal) || name == "__metadata__")
        {
            throw new ArgumentException($"Parameter name '{name}' is reserved: '{OptimizerPrefix}' names optimizer state and '__metadata__' the header's metadata.", argument);
        }

        if (parameter is null)
        {
            throw new ArgumentException($"Parameter '{name}' is null.", argument);
        }
    }

    private static void CheckStateName(string key, string kind, string argument)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException($"An optimizer state {kind} has an empty name.", argument);
        }
    }
}

/// <summary>How <see cref="Checkpoint.Load"/> matches a file to a model.</summary>
public sealed record CheckpointLoadOptions
{
    /// <summary>
    /// Whether every parameter must be in the file and every tensor in the file (other than optimizer state) must be a
    /// parameter. Default <see langword="true"/>. When <see langword="false"/>, like PyTorch's
    /// <c>load_state_dict(strict=False)</c>: parameters missing from the file keep their values, extra tensors are
    /// ignored, and both are listed in the <see cref="CheckpointContents"/>. Shapes and dtypes of the tensors that do
    /// match are always checked.
    /// </summary>
    public bool Strict { get; init; } = true;

    /// <summary>
    /// Whether a tensor may be loaded into a parameter of the other element type: <c>F32</c> into
    /// <see cref="DType.Float64"/> (exact) and <c>F64</c> into <see cref="DType.Float32"/> (rounded to nearest).
    /// Default <see langword="false"/>: a dtype mismatch is an error.
    /// </summary>
    public bool ConvertDTypes { get; init; }
}

/// <summary>What <see cref="Checkpoint.Load"/> found in a file besides the parameters it loaded.</summary>
public sealed class CheckpointContents
{
    internal CheckpointContents(OptimizerState? optimizerState, IReadOnlyDictionary<string, string> metadata, IReadOnlyList<string> missingParameters, IReadOnlyList<string> unexpectedTensors)
    {
        OptimizerState = optimizerState;
        Metadata = metadata;
        MissingParameters = missingParameters;
        UnexpectedTensors = unexpectedTensors;
    }

    /// <summary>The optimizer state saved with the parameters (tensors and values under <c>optimizer/</c>), or <see langword="null"/> if there is none.</summary>
    public OptimizerState? OptimizerState { get; }

    /// <summary>The header's metadata without the optimizer's values (so with <c>format</c>, <c>diffgen/checkpoint</c> and the caller's keys).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Parameters that the file does not have (always empty when loading strictly).</summary>
    public IReadOnlyList<string> MissingParameters { get; }

    /// <summary>Tensors in the file that are not parameters nor optimizer state (always empty when loading strictly).</summary>
    public IReadOnlyList<string> UnexpectedTensors { get; }
}
