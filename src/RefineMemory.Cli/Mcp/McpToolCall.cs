using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using RefineMemory.Memory;

namespace RefineMemory.Cli.Mcp;

/// <summary>
/// One of our tools as the MCP server calls it. It answers a failed call with a tool error carrying the message
/// alone (the SDK would log a stack trace and prefix "An error occurred invoking"), logs it as one line, and passes
/// the MCP client's progress token and log level through: ingest progress becomes <c>notifications/progress</c>,
/// and each call's outcome a <c>notifications/message</c> once the client has set a level (<c>logging/setLevel</c>).
/// </summary>
internal sealed class McpToolCall(AIFunction inner, ILogger logger) : DelegatingAIFunction(inner)
{
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        var server = arguments.Services?.GetService(typeof(McpServer)) as McpServer;
        // The SDK advertises logging to every client, and the protocol versions clients speak today (up to
        // 2025-11-25) define it; SEP-2577 deprecates it only from 2026-07-28.
#pragma warning disable MCP9005
        var client = server?.AsClientLoggerProvider().CreateLogger("refine-memory");
#pragma warning restore MCP9005
        if (arguments.Services?.GetService(typeof(IProgress<ProgressNotificationValue>)) is IProgress<ProgressNotificationValue> progress)
        {
            arguments.Services = new ProgressServices(arguments.Services, new McpIngestProgress(progress));
        }

        var clock = Stopwatch.StartNew();
        try
        {
            object? result = await base.InvokeCoreAsync(arguments, cancellationToken).ConfigureAwait(false);
            client?.LogInformation("{Tool} answered in {Milliseconds:0} ms", Name, clock.Elapsed.TotalMilliseconds);
            return result;
        }
        catch (Exception ex) when (IsCallersProblem(ex))
        {
            // The caller's input or the state of the memory: one line, no stack trace; the client reads the message.
            string message = McpMessages.Of(ex);
            logger.LogWarning("{Tool}: {Message}", Name, message);
            client?.LogWarning("{Tool}: {Message}", Name, message);
            return Error(message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not the caller's doing: the stack trace goes to stderr for whoever runs the server.
            string message = McpMessages.Of(ex);
            logger.LogError(ex, "{Tool} failed: {Message}", Name, message);
            client?.LogError("{Tool} failed: {Message}", Name, message);
            return Error($"The {Name} tool failed: {message}");
        }
    }

    private static bool IsCallersProblem(Exception ex) =>
        ex is ArgumentException or KeyNotFoundException or InvalidDataException or FileNotFoundException
            or DirectoryNotFoundException or JsonException or CliInputException or McpException;

    private static CallToolResult Error(string message) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = message }],
    };

    /// <summary>The request's services, plus where the ingest tool reports its progress.</summary>
    private sealed class ProgressServices(IServiceProvider inner, IProgress<IngestProgress> progress) : IServiceProvider
    {
        public object? GetService(Type serviceType) =>
            serviceType == typeof(IProgress<IngestProgress>) ? progress : inner.GetService(serviceType);
    }
}
