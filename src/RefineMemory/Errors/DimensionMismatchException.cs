namespace RefineMemory;

/// <summary>A vector's length differs from the dimension its collection or computation expects.</summary>
public sealed class DimensionMismatchException : ArgumentException
{
    public DimensionMismatchException(string what, int expected, int actual)
        : base($"{what} has dimension {actual}, expected {expected}.")
    {
        Expected = expected;
        Actual = actual;
    }

    public DimensionMismatchException() { }

    public DimensionMismatchException(string message) : base(message) { }

    public DimensionMismatchException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The dimension that was expected.</summary>
    public int Expected { get; }

    /// <summary>The dimension that was given.</summary>
    public int Actual { get; }
}
