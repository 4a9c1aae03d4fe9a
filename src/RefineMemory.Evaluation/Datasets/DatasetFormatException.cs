namespace RefineMemory.Evaluation.Datasets;

/// <summary>A dataset file that cannot be read as its format says; the message names the file and line.</summary>
public sealed class DatasetFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="problem"/> at <paramref name="line"/> of <paramref name="file"/>.</summary>
    public DatasetFormatException(string file, int line, string problem)
        : base(line > 0 ? $"{file}:{line}: {problem}" : $"{file}: {problem}")
    {
        File = file;
        Line = line;
        Problem = problem;
    }

    /// <summary>Creates the exception with a default message.</summary>
    public DatasetFormatException() { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public DatasetFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the <paramref name="innerException"/> that caused it.</summary>
    public DatasetFormatException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The file at fault.</summary>
    public string File { get; } = "";

    /// <summary>The 1-based line at fault; 0 when the problem is not on one line.</summary>
    public int Line { get; }

    /// <summary>What was wrong, without the location.</summary>
    public string Problem { get; } = "";
}
