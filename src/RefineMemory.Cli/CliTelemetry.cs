using System.CommandLine;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using RefineMemory.Diagnostics;

namespace RefineMemory.Cli;

/// <summary>
/// <c>--otlp-endpoint</c> of <c>refine search</c> and <c>refine mcp</c>: RefineMemory's traces and metrics over OTLP to
/// a collector. Off unless the option or <c>$OTEL_EXPORTER_OTLP_ENDPOINT</c> names one; the protocol is the exporter's
/// (gRPC, or <c>$OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>).
/// </summary>
internal static class CliTelemetry
{
    public static Option<string?> Option() => new("--otlp-endpoint")
    {
        Description = "Send traces and metrics over OTLP to this collector (e.g. http://localhost:4317; default $OTEL_EXPORTER_OTLP_ENDPOINT, else off).",
        DefaultValueFactory = _ => CliEnvironment.OtlpEndpoint,
    };

    /// <summary>The providers exporting to <paramref name="endpoint"/>, flushed when disposed; <c>null</c> when no endpoint is named.</summary>
    public static IDisposable? Start(string? endpoint, string command)
    {
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return null;
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new CliInputException($"--otlp-endpoint must be an http(s) URL such as http://localhost:4317; got '{endpoint}'.");
        }

        var resource = ResourceBuilder.CreateDefault().AddService("refine", serviceVersion: typeof(CliTelemetry).Assembly.GetName().Version?.ToString())
            .AddAttributes([new("refine.command", command)]);
        var tracing = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(RefineMemoryTelemetry.Name)
            .AddOtlpExporter(o => Point(o, uri, "v1/traces")).Build();
        var metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(RefineMemoryTelemetry.Name)
            .AddOtlpExporter(o => Point(o, uri, "v1/metrics")).Build();
        return new Providers(tracing, metrics);
    }

    // OTLP over HTTP posts each signal to its own path; over gRPC the collector's address is the whole endpoint.
    private static void Point(OtlpExporterOptions options, Uri endpoint, string signalPath) =>
        options.Endpoint = options.Protocol == OtlpExportProtocol.HttpProtobuf && endpoint.AbsolutePath == "/" ? new Uri(endpoint, signalPath) : endpoint;

    private sealed class Providers(TracerProvider tracing, MeterProvider metrics) : IDisposable
    {
        public void Dispose()
        {
            // Disposing flushes: a short command's spans leave before the process does.
            tracing.Dispose();
            metrics.Dispose();
        }
    }
}
