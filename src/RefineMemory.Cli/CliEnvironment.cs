namespace RefineMemory.Cli;

/// <summary>
/// The environment variables of the command line. The libraries read none (their settings come in through options);
/// the program reads them here and passes them on.
/// </summary>
internal static class CliEnvironment
{
    /// <summary><c>$REFINE_SHARED_DIR</c>: the folder holding <c>datasets/</c>; <c>null</c> lets the catalog look for <c>../shared</c>.</summary>
    public static string? SharedDirectory => Variable("REFINE_SHARED_DIR");

    /// <summary><c>$OTEL_EXPORTER_OTLP_ENDPOINT</c>: the standard OpenTelemetry collector address.</summary>
    public static string? OtlpEndpoint => Variable("OTEL_EXPORTER_OTLP_ENDPOINT");

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
