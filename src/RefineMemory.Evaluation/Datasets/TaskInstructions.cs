namespace RefineMemory.Evaluation.Datasets;

/// <summary>The task instruction of each built-in set: the paper's for ArgKP-21 and CLINC150, ours for Cranfield.</summary>
public static class TaskInstructions
{
    /// <summary>The task instruction of ArgKP-21 queries (key points).</summary>
    public const string ArgKp21 = "Given an argument, identify utterances from debates that convey this argument.";

    /// <summary>The task instruction of CLINC150 queries (intent descriptions).</summary>
    public const string Clinc150 = "Given an intent description, identify utterances that express this intent.";

    /// <summary>The task instruction of Cranfield queries.</summary>
    public const string Cranfield = "Given a question about aerodynamics, retrieve the abstracts of papers that answer it.";
}
