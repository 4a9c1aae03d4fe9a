namespace RefineMemory.Refine;

/// <summary>The optimisation produced a non-finite query vector or loss: an error, never a result.</summary>
public sealed class RefinementDivergedException : ArithmeticException
{
    /// <summary>Creates the exception with a default message.</summary>
    public RefinementDivergedException() { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public RefinementDivergedException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the <paramref name="innerException"/> that caused it.</summary>
    public RefinementDivergedException(string message, Exception innerException) : base(message, innerException) { }
}
