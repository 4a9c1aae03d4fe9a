namespace RefineMemory.Refine;

/// <summary>The optimisation produced a non-finite query vector or loss: an error, never a result.</summary>
public sealed class RefinementDivergedException : ArithmeticException
{
    public RefinementDivergedException() { }

    public RefinementDivergedException(string message) : base(message) { }

    public RefinementDivergedException(string message, Exception innerException) : base(message, innerException) { }
}
