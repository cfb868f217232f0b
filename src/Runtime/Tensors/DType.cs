namespace DiffGen;

/// <summary>The element type of a <see cref="Tensor"/>.</summary>
public enum DType
{
    /// <summary>32-bit IEEE floating point (<see cref="float"/>): what training uses.</summary>
    Float32,

    /// <summary>64-bit IEEE floating point (<see cref="double"/>): what gradient checks use.</summary>
    Float64,
}
