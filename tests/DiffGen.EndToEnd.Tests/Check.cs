namespace DiffGen.EndToEnd.Tests;

/// <summary>Adapters from generated methods to <see cref="GradCheck"/>, and the tolerance every test uses.</summary>
internal static class Check
{
    /// <summary>
    /// Central differences of fourth order in double precision at a step of 1e-3 agree with an exact gradient to
    /// about 1e-9 on smooth functions of order-one inputs; 1e-7 leaves room for the functions' own rounding.
    /// </summary>
    public const double Tolerance = 1e-7;

    public static readonly GradCheckOptions Options = new() { Tolerance = Tolerance, Points = 8, DirectionsPerPoint = 6 };

    public static void Gradient(Objective function, ObjectiveWithGradient withGradient, double[] point, GradCheckOptions? options = null)
    {
        var result = GradCheck.Run(function, withGradient, point, options ?? Options);
        Assert.True(result.Passed, result.ToString());
    }
}
