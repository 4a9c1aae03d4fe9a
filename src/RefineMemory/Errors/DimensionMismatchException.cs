namespace RefineMemory;

/// <summary>A vector's length differs from the dimension its collection or computation expects.</summary>
public sealed class DimensionMismatchException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="what"/>, of dimension <paramref name="actual"/> where <paramref name="expected"/> was expected.</summary>
    public DimensionMismatchException(string what, int expected, int actual)
        : base($"{what} has dimension {actual}, expected {expected}.")
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>Creates the exception with a default message.</summary>
    public DimensionMismatchException() { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public DimensionMismatchException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the <paramref name="innerException"/> that caused it.</summary>
    public DimensionMismatchException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The dimension that was expected.</summary>
    public int Expected { get; }

    /// <summary>The dimension that was given.</summary>
    public int Actual { get; }
}
