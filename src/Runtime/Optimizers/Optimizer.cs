using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace DiffGen;

/// <summary>
/// Turns gradients into parameter updates: the base of <see cref="Sgd"/>, <see cref="Adam"/>, <see cref="AdamW"/>,
/// <see cref="Adagrad"/>, <see cref="RMSprop"/>, <see cref="Adadelta"/>, <see cref="Adamax"/> and <see cref="NAdam"/>,
/// which compute what PyTorch's <c>torch.optim</c> computes.
/// </summary>
/// <remarks>
/// <para>
/// Per mini-batch: <see cref="ZeroGrad"/> (gradients add up until cleared), compute the loss and its gradient, then
/// <see cref="Step"/>. Parameters whose <see cref="Parameter.RequiresGrad"/> is <see langword="false"/> are not updated.
/// </para>
/// <para>
/// Options are <see cref="double"/>s, like PyTorch's Python floats, so <c>lr: 0.001</c> and <c>lr: 0.001f</c> both
/// compile. Step sizes and bias corrections are computed in double precision; the element-wise update then runs in the
/// parameter's own precision (<see cref="DType.Float32"/> or <see cref="DType.Float64"/>), as PyTorch does.
/// </para>
/// <para>
/// State buffers are allocated at a parameter's first step; after that <see cref="Step"/> allocates nothing.
/// <see cref="SaveState"/> and <see cref="LoadState"/> carry the state across a restart, so that a resumed run continues
/// bit for bit. An optimizer is not thread-safe.
/// </para>
/// </remarks>
public abstract class Optimizer
{
    private const string FormatVersion = "1";

    private readonly OptimizerGroup[] _groups;
    private readonly Parameter[] _parameters;
    private readonly IReadOnlyList<OptimizerGroup> _groupsView;
    private readonly IReadOnlyList<Parameter> _parametersView;
    private readonly string[] _bufferNames;
    private ParameterState?[] _states;

    private protected Optimizer(string kind, IEnumerable<ParameterGroup> groups, double lr, GroupOptions defaults, string[] bufferNames)
    {
        ArgumentNullException.ThrowIfNull(groups);
        OptionRules.AtLeastZero(lr, "lr", null);
        Kind = kind;
        _bufferNames = bufferNames;

        var groupList = new List<OptimizerGroup>();
        var parameters = new List<Parameter>();
        var seen = new Dictionary<Parameter, int>(ReferenceEqualityComparer.Instance);
        foreach (var group in groups)
        {
            int g = groupList.Count;
            if (group is null)
            {
                throw new ArgumentException($"Parameter group {g} is null.", nameof(groups));
            }

            foreach (string name in group.OverriddenOptions())
            {
                if (!Contains(defaults.Names, name))
                {
                    throw new ArgumentException($"Parameter group {g} sets '{name}', which {kind} does not have; its options are lr, {string.Join(", ", defaults.Names)}.", nameof(groups));
                }
            }

            double groupLr = group.LearningRate ?? lr;
            OptionRules.AtLeastZero(groupLr, "lr", g);
            var options = defaults.Override(group, g);

            var members = new Parameter[group.Parameters.Count];
            var indices = new int[members.Length];
            for (int j = 0; j < members.Length; j++)
            {
                var parameter = group.Parameters[j];
                if (seen.TryGetValue(parameter, out int other))
                {
                    throw new ArgumentException($"A parameter ({parameter}) appears more than once (in parameter group {other} and in parameter group {g}); each parameter may be given once.", nameof(groups));
                }

                seen.Add(parameter, g);
                members[j] = parameter;
                indices[j] = parameters.Count;
                parameters.Add(parameter);
            }

            groupList.Add(new OptimizerGroup(g, members, indices, groupLr, options));
        }

        if (parameters.Count == 0)
        {
            throw new ArgumentException($"{kind} got an empty parameter list; give it the parameters to optimize.", nameof(groups));
        }

        _groups = [.. groupList];
        _parameters = [.. parameters];
        _states = new ParameterState?[_parameters.Length];
        _groupsView = Array.AsReadOnly(_groups);
        _parametersView = Array.AsReadOnly(_parameters);
    }

    /// <summary>The optimizer's name, as stored in its state (<c>"Adam"</c>).</summary>
    public string Kind { get; }

    /// <summary>The parameter groups, with their current learning rates.</summary>
    public IReadOnlyList<OptimizerGroup> Groups => _groupsView;

    /// <summary>Every parameter, group after group: the indices used in <see cref="SaveState"/>'s names.</summary>
    public IReadOnlyList<Parameter> Parameters => _parametersView;

    /// <summary>
    /// The learning rate of the first group. Setting it sets every group's (use <see cref="Groups"/> to set one).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double LearningRate
    {
        get => _groups[0].LearningRate;
        set
        {
            OptionRules.AtLeastZero(value, "value", null);
            foreach (var group in _groups)
            {
                group.LearningRate = value;
            }
        }
    }

    /// <summary>Sets the gradient of every parameter to zero; call it before computing the next gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var parameter in _parameters)
        {
            parameter.ZeroGrad();
        }
    }

    /// <summary>
    /// Updates every parameter whose <see cref="Parameter.RequiresGrad"/> is <see langword="true"/> from its
    /// <see cref="Parameter.Grad"/>, with its group's options and learning rate.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// A parameter's element type changed (<see cref="Parameter.ConvertTo"/>) after the optimizer kept state for it.
    /// </exception>
    public void Step()
    {
        foreach (var group in _groups)
        {
            foreach (int index in group.ParameterIndices)
            {
                var parameter = _parameters[index];
                if (!parameter.RequiresGrad)
                {
                    continue;
                }

                var state = _states[index] ??= CreateState(group, parameter);
                CheckElementType(state, parameter, index);
                state.Step++;
                Update(group, parameter, state);
            }
        }
    }

    /// <summary>
    /// A copy of the optimizer's state: buffers and step counts of every parameter, and the groups' learning rates
    /// and options, named as in PyTorch's <c>state_dict()</c> (<c>state.3.exp_avg</c>, <c>param_groups.0.lr</c>).
    /// </summary>
    /// <returns>A snapshot that later steps do not change.</returns>
    public OptimizerState SaveState()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        values["kind"] = Kind;
        values["version"] = FormatVersion;
        values["param_count"] = Count(_parameters.Length);
        values["group_count"] = Count(_groups.Length);
        for (int i = 0; i < _parameters.Length; i++)
        {
            values[$"params.{Count(i)}.shape"] = _parameters[i].Value.ShapeText();
            values[$"params.{Count(i)}.dtype"] = _parameters[i].DType.ToString();
        }

        foreach (var group in _groups)
        {
            string prefix = $"param_groups.{Count(group.Index)}.";
            WriteGroupLayout(group, values, prefix);
            group.Options.Write(values, prefix);
            values[prefix + "lr"] = OptionRules.Text(group.LearningRate);
            if (group.InitialLearningRate is double initial)
            {
                values[prefix + "initial_lr"] = OptionRules.Text(initial);
            }

            foreach (int index in group.ParameterIndices)
            {
                if (_states[index] is not { } state)
                {
                    continue;
                }

                string statePrefix = $"state.{Count(index)}.";
                values[statePrefix + "step"] = state.Step.ToString(CultureInfo.InvariantCulture);
                if (HasMuProduct)
                {
                    values[statePrefix + "mu_product"] = OptionRules.Text(state.MuProduct);
                }

                for (int b = 0; b < _bufferNames.Length; b++)
                {
                    if (state.Buffers[b] is { } buffer)
                    {
                        tensors[statePrefix + _bufferNames[b]] = buffer.Clone();
                    }
                }
            }
        }

        return new OptimizerState(tensors, values);
    }

    /// <summary>
    /// Restores a state from <see cref="SaveState"/>: the buffers and step counts, and the learning rates, so that the
    /// next <see cref="Step"/> continues exactly as the saved optimizer would have.
    /// </summary>
    /// <remarks>
    /// The state must come from the same kind of optimizer over parameters of the same shapes and element types, in the
    /// same groups, with the same options (other than the learning rates, which are restored). Everything is checked
    /// before anything changes: on any mismatch this optimizer is left as it was. The tensors are copied.
    /// </remarks>
    /// <param name="state">The state to restore.</param>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The state does not fit this optimizer; the message says what differs.</exception>
    public void LoadState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var values = state.Values;
        string what = Kind + " optimizer";

        string kind = OptionRules.Required(values, "kind", what);
        if (kind != Kind)
        {
            Fail($"it was saved by a {kind} optimizer, and this is a {Kind}.");
        }

        string version = OptionRules.Required(values, "version", what);
        if (version != FormatVersion)
        {
            Fail($"its format version is '{version}'; this version of DiffGen reads '{FormatVersion}'.");
        }

        Expect("param_count", Count(_parameters.Length), "parameters");
        Expect("group_count", Count(_groups.Length), "parameter groups");
        for (int i = 0; i < _parameters.Length; i++)
        {
            Expect($"params.{Count(i)}.shape", _parameters[i].Value.ShapeText(), $"the shape of parameter {Count(i)}");
            Expect($"params.{Count(i)}.dtype", _parameters[i].DType.ToString(), $"the element type of parameter {Count(i)}");
        }

        var learningRates = new double[_groups.Length];
        var initialRates = new double?[_groups.Length];
        var states = new ParameterState?[_parameters.Length];
        var consumed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in _groups)
        {
            string prefix = $"param_groups.{Count(group.Index)}.";
            var layout = new Dictionary<string, string>(StringComparer.Ordinal);
            WriteGroupLayout(group, layout, prefix);
            group.Options.Write(layout, prefix);
            foreach (var (key, expected) in layout)
            {
                Expect(key, expected, $"'{key}'");
            }

            string lrKey = prefix + "lr";
            double lr = OptionRules.ParseDouble(OptionRules.Required(values, lrKey, what), lrKey, what);
            if (!(lr >= 0) || double.IsInfinity(lr))
            {
                Fail($"'{lrKey}' is {OptionRules.Text(lr)}; a learning rate is a finite number >= 0.");
            }

            learningRates[group.Index] = lr;
            if (values.TryGetValue(prefix + "initial_lr", out string? initialText) && initialText is not null)
            {
                double initial = OptionRules.ParseDouble(initialText, prefix + "initial_lr", what);
                if (!(initial >= 0) || double.IsInfinity(initial))
                {
                    Fail($"'{prefix}initial_lr' is {OptionRules.Text(initial)}; a learning rate is a finite number >= 0.");
                }

                initialRates[group.Index] = initial;
            }

            foreach (int index in group.ParameterIndices)
            {
                states[index] = ReadParameterState(state, group, index, consumed, what);
            }
        }

        foreach (string name in state.Tensors.Keys)
        {
            if (!consumed.Contains(name))
            {
                Fail($"it has a tensor '{name}' that a {Kind} with these options does not keep.");
            }
        }

        foreach (var group in _groups)
        {
            group.SetLearningRateUnchecked(learningRates[group.Index]);
            group.InitialLearningRate = initialRates[group.Index];
        }

        _states = states;

        void Expect(string key, string expected, string description)
        {
            string saved = OptionRules.Required(values, key, what);
            if (saved != expected)
            {
                Fail($"{description} is {saved} in the saved state and {expected} in this optimizer.");
            }
        }

        void Fail(string message) => throw new ArgumentException($"Cannot load the {what} state: {message}", nameof(state));
    }

    /// <summary>The names of the per-parameter buffers, in PyTorch's words (<c>exp_avg</c>).</summary>
    private protected IReadOnlyList<string> BufferNames => _bufferNames;

    /// <summary>Whether the optimizer keeps NAdam's <c>mu_product</c>.</summary>
    private protected virtual bool HasMuProduct => false;

    /// <summary>Sets the initial values of a new state's buffers (zero unless overridden).</summary>
    private protected virtual void InitializeState(OptimizerGroup group, ParameterState state)
    {
    }

    /// <summary>Applies one update to <paramref name="parameter"/>; <paramref name="state"/>'s step is already counted.</summary>
    private protected abstract void Update(OptimizerGroup group, Parameter parameter, ParameterState state);

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static bool Contains(IReadOnlyList<string> names, string name)
    {
        foreach (string candidate in names)
        {
            if (candidate == name)
            {
                return true;
            }
        }

        return false;
    }

    private static void WriteGroupLayout(OptimizerGroup group, Dictionary<string, string> values, string prefix)
    {
        var text = new StringBuilder();
        foreach (int index in group.ParameterIndices)
        {
            text.Append(text.Length > 0 ? "," : string.Empty).Append(Count(index));
        }

        values[prefix + "params"] = text.ToString();
    }

    private ParameterState CreateState(OptimizerGroup group, Parameter parameter)
    {
        var state = new ParameterState(_bufferNames.Length);
        for (int b = 0; b < _bufferNames.Length; b++)
        {
            if (group.Options.UsesBuffer(b))
            {
                state.Buffers[b] = Tensor.Zeros(parameter.DType, parameter.Shape);
            }
        }

        InitializeState(group, state);
        return state;
    }

    private void CheckElementType(ParameterState state, Parameter parameter, int index)
    {
        foreach (var buffer in state.Buffers)
        {
            if (buffer is not null && buffer.DType != parameter.DType)
            {
                throw new InvalidOperationException($"Parameter {index} is now {parameter.DType}, but {Kind} keeps {buffer.DType} state for it; convert parameters before creating the optimizer.");
            }
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208:Instantiate argument exceptions correctly", Justification = "Thrown on behalf of LoadState(state).")]
    private ParameterState? ReadParameterState(OptimizerState saved, OptimizerGroup group, int index, HashSet<string> consumed, string what)
    {
        string prefix = $"state.{Count(index)}.";
        if (!saved.Values.TryGetValue(prefix + "step", out string? stepText) || stepText is null)
        {
            return null;
        }

        long step = OptionRules.ParseCount(stepText, prefix + "step", what);
        var parameter = _parameters[index];
        var state = new ParameterState(_bufferNames.Length) { Step = step };
        if (HasMuProduct)
        {
            string key = prefix + "mu_product";
            state.MuProduct = OptionRules.ParseDouble(OptionRules.Required(saved.Values, key, what), key, what);
        }

        for (int b = 0; b < _bufferNames.Length; b++)
        {
            if (!group.Options.UsesBuffer(b))
            {
                continue;
            }

            string key = prefix + _bufferNames[b];
            if (!saved.Tensors.TryGetValue(key, out var tensor) || tensor is null)
            {
                throw new ArgumentException($"Cannot load the {what} state: parameter {Count(index)} has a step count but no '{key}' tensor.", "state");
            }

            if (tensor.DType != parameter.DType || !tensor.HasShape(parameter.Shape))
            {
                throw new ArgumentException($"Cannot load the {what} state: '{key}' is {tensor.DType} {tensor.ShapeText()}; parameter {Count(index)} is {parameter.DType} {parameter.Value.ShapeText()}.", "state");
            }

            state.Buffers[b] = tensor.Clone();
            consumed.Add(key);
        }

        return state;
    }
}
