using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Server;
using RefineMemory.Agents;
using RefineMemory.Judge;

namespace RefineMemory.Cli.Commands;

/// <summary>
/// <c>refine mcp --db memory.db [--collection docs]</c>: an MCP server on stdin/stdout exposing the <c>search</c>
/// and <c>ingest</c> tools. The judge is the chat model named by REFINE_CHAT_*; logs go to stderr.
/// </summary>
internal static class McpCommand
{
    public static Command Create()
    {
        var db = MemoryCommandSupport.DatabaseOption();
        var embedder = EmbedderFactory.Option();
        var collection = new Option<string?>("--collection", "-c") { Description = "The collection used when a tool call names none." };
        var noRefine = new Option<bool>("--no-refine") { Description = "Serve plain similarity search (no chat model needed)." };
        var allowPath = new Option<string[]>("--allow-path")
        {
            Description = "A folder under which the ingest tool may read files (repeatable); without it, ingest takes only inline documents.",
            AllowMultipleArgumentsPerToken = false,
        };
        var judgeBudget = MemoryCommandSupport.JudgeBudgetOption();
        var otlp = CliTelemetry.Option();
        var command = new Command("mcp", "Serve search and ingest as MCP tools over stdio.") { db, embedder, collection, noRefine, allowPath, judgeBudget, otlp };
        command.SetAction(async (parse, ct) =>
        {
            using var telemetry = CliTelemetry.Start(parse.GetValue(otlp), "mcp");
            bool refine = !parse.GetValue(noRefine);
            var chat = MemoryCommandSupport.TryCreateChatClient(out string problem);
            if (chat is null && refine)
            {
                throw new RefineMemory.OpenAI.ModelConfigurationException(problem);
            }

            var embeddings = EmbedderFactory.Create(parse.GetValue(embedder)!);
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Logging.AddSimpleConsole(o => o.ColorBehavior = TerminalText.ColourOnStandardError
                    ? Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Enabled
                    : Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddSingleton(embeddings);
            if (chat is null)
            {
                builder.Services.AddSingleton(MemoryCommandSupport.NoJudge(problem));
            }
            else
            {
                builder.Services.AddSingleton<IChatClient>(chat);
            }

            builder.Services.AddRefineMemoryDatabase(parse.GetValue(db)!);
            builder.Services.AddRefineMemory(o =>
            {
                o.Search.Refine = refine;
                o.Tools.DefaultCollection = parse.GetValue(collection);
                o.Tools.AllowedPathRoots = [.. parse.GetValue(allowPath) ?? []];
                o.Search.Refinement.JudgeBudget = MemoryCommandSupport.JudgeBudget(parse, judgeBudget);
            });
            builder.Services.AddSingleton(sp => McpServerTool.Create(new McpErrorReporting(sp.GetRequiredService<RefineMemoryTools>().Search)));
            builder.Services.AddSingleton(sp => McpServerTool.Create(new McpErrorReporting(sp.GetRequiredService<RefineMemoryTools>().Ingest)));
            var gate = new McpStdioGate(Console.OpenStandardOutput());
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
            builder.Services.AddMcpServer(o => o.ServerInfo = new() { Name = "refine-memory", Version = typeof(McpCommand).Assembly.GetName().Version?.ToString() ?? "0" })
                .WithStreamServerTransport(gate.ServerInput, gate.ServerOutput);
            using var host = builder.Build();
            await host.StartAsync(ct);
            try
            {
                // The server lives as long as its client: when stdin closes (or Ctrl+C), in-flight calls are
                // cancelled and the process exits within the shutdown timeout.
                await gate.PumpAsync(Console.OpenStandardInput(), ct);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }

            return 0;
        });
        return command;
    }

    /// <summary>
    /// Passes a tool's input errors (bad arguments, unknown collection, unreadable file) to the MCP client with
    /// their message; the server would otherwise replace them with a generic "an error occurred".
    /// </summary>
    private sealed class McpErrorReporting(AIFunction inner) : DelegatingAIFunction(inner)
    {
        protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
        {
            try
            {
                return await base.InvokeCoreAsync(arguments, cancellationToken);
            }
            catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or JsonException or CliInputException)
            {
                throw new McpException(ex.Message, ex);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not McpException)
            {
                throw new McpException($"{ex.GetType().Name}: {ex.Message}", ex);
            }
        }
    }
}
