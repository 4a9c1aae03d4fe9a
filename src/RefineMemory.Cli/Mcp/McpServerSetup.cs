using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Server;
using RefineMemory.Agents;
using RefineMemory.Cli.Commands;

namespace RefineMemory.Cli.Mcp;

/// <summary>
/// What <c>refine mcp</c> (stdio) and <c>refine serve</c> (HTTP) share: their options, and the services behind
/// the MCP tools (embedder, judge, database, the refined search and ingest tools). The transports differ; the tools
/// and their schemas are the same.
/// </summary>
internal sealed class McpServerSetup
{
    private readonly Option<string> _db = MemoryCommandSupport.DatabaseOption();
    private readonly Option<string> _embedder = EmbedderFactory.Option();
    private readonly Option<string?> _collection = new("--collection", "-c") { Description = "The collection used when a tool call names none." };
    private readonly Option<bool> _noRefine = new("--no-refine") { Description = "Serve plain similarity search (no chat model needed)." };
    private readonly Option<string[]> _allowPath = new("--allow-path")
    {
        Description = "A folder under which the ingest tool may read files (repeatable); without it, ingest takes only inline documents.",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<double?> _judgeBudget = MemoryCommandSupport.JudgeBudgetOption();

    /// <summary>The shared options, for a command to add.</summary>
    public IEnumerable<Option> Options => [_db, _embedder, _collection, _noRefine, _allowPath, _judgeBudget];

    /// <summary>Whether refinement is on (no <c>--no-refine</c>).</summary>
    public bool Refines(ParseResult parse) => !parse.GetValue(_noRefine);

    /// <summary>
    /// Adds the embedder, the judge (or, under <c>--no-refine</c> without a model, one that says why it is absent),
    /// the database and the MCP server with the two tools; the caller picks the transport.
    /// </summary>
    public IMcpServerBuilder AddServices(IServiceCollection services, ParseResult parse)
    {
        bool refine = Refines(parse);
        var chat = MemoryCommandSupport.TryCreateChatClient(out string problem);
        if (chat is null && refine)
        {
            throw new RefineMemory.OpenAI.ModelConfigurationException(problem);
        }

        services.AddSingleton(EmbedderFactory.Create(parse.GetValue(_embedder)!));
        if (chat is null)
        {
            services.AddSingleton(MemoryCommandSupport.NoJudge(problem));
        }
        else
        {
            services.AddSingleton<IChatClient>(chat);
        }

        services.AddRefineMemoryDatabase(parse.GetValue(_db)!);
        services.AddRefineMemory(o =>
        {
            o.Search.Refine = refine;
            o.Tools.DefaultCollection = parse.GetValue(_collection);
            o.Tools.AllowedPathRoots = [.. parse.GetValue(_allowPath) ?? []];
            o.Search.Refinement.JudgeBudget = MemoryCommandSupport.JudgeBudget(parse, _judgeBudget);
        });
        services.AddSingleton(sp => McpServerTool.Create(new McpErrorReporting(sp.GetRequiredService<RefineMemoryTools>().Search)));
        services.AddSingleton(sp => McpServerTool.Create(new McpErrorReporting(sp.GetRequiredService<RefineMemoryTools>().Ingest)));
        return services.AddMcpServer(o => o.ServerInfo = new() { Name = "refine-memory", Version = typeof(McpServerSetup).Assembly.GetName().Version?.ToString() ?? "0" });
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
