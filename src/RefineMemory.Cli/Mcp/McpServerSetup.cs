using System.CommandLine;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
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
        services.AddSingleton(sp => Tool(sp, sp.GetRequiredService<RefineMemoryTools>().Search));
        services.AddSingleton(sp => Tool(sp, sp.GetRequiredService<RefineMemoryTools>().Ingest));
        return services.AddMcpServer(o => o.ServerInfo = new() { Name = "refine-memory", Version = typeof(McpServerSetup).Assembly.GetName().Version?.ToString() ?? "0" })
            .WithRequestFilters(f => f.AddListToolsFilter(RefuseCursors));
    }

    /// <summary>
    /// A tool with its output schema, returning the JSON both as <c>structuredContent</c> and, for clients from before
    /// structured results, as text (the specification recommends both).
    /// </summary>
    private static McpServerTool Tool(IServiceProvider services, AIFunction function) =>
        McpServerTool.Create(
            new McpToolCall(function, services.GetRequiredService<ILoggerFactory>().CreateLogger("refine-memory")),
            new McpServerToolCreateOptions { UseStructuredContent = true });

    /// <summary>
    /// Both tools fit on one page, so no <c>nextCursor</c> is ever given and any cursor is not one of ours: invalid
    /// params, as the specification says, where the SDK would answer an empty page.
    /// </summary>
    private static McpRequestHandler<ListToolsRequestParams, ListToolsResult> RefuseCursors(McpRequestHandler<ListToolsRequestParams, ListToolsResult> next) =>
        (request, cancellationToken) => request.Params?.Cursor is { } cursor
            ? throw new McpProtocolException($"Invalid params: the cursor '{cursor}' was not given by this server (tools/list has one page; call it without a cursor).", McpErrorCode.InvalidParams)
            : next(request, cancellationToken);
}
