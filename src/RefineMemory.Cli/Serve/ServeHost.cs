using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Server;

namespace RefineMemory.Cli.Serve;

/// <summary>
/// Builds the ASP.NET Core application of <c>refine serve</c>: Kestrel on the given addresses with a body limit,
/// the request gates (host, origin, token), a per-client concurrency limit with a bounded queue, MCP's streamable
/// HTTP transport at <c>/mcp</c>, the inspector's API and page, and <c>/healthz</c>.
/// </summary>
internal static class ServeHost
{
    public const string McpPath = "/mcp";

    /// <param name="settings">How to listen and whom to let in (validated).</param>
    /// <param name="addServices">Adds the memory's services and the MCP server (the same tools as <c>refine mcp</c>), returning the MCP builder.</param>
    public static WebApplication Build(ServeSettings settings, Func<IServiceCollection, IMcpServerBuilder> addServices)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "refine-serve" });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o =>
        {
            o.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes;
            o.AddServerHeader = false;
        });
        builder.WebHost.UseUrls([.. settings.Urls]);
        builder.Logging.AddSimpleConsole(o => o.ColorBehavior = TerminalText.ColourOnStandardError
                ? Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Enabled
                : Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
        builder.Services.AddRouting();
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<RequestGates>();
        builder.Services.AddRateLimiter(o => ConfigureLimits(o, settings));
        if (settings.CorsOrigins.Count > 0)
        {
            builder.Services.AddCors(o => o.AddDefaultPolicy(p => p.WithOrigins([.. settings.CorsOrigins])
                .WithHeaders("Authorization", "Content-Type", "Accept", "Mcp-Session-Id", "Mcp-Protocol-Version", "Last-Event-ID")
                .WithExposedHeaders("Mcp-Session-Id").AllowAnyMethod()));
        }

        // Sessions for clients that initialize (logging level, cancellation and server-to-client messages are per
        // session); clients of the session-less 2026-07-28 revision are served statelessly on the same endpoint.
        // No event store (SSE resumability): the SDK marks its store obsolete with sessions, which 2025-11-25 clients need.
        addServices(builder.Services).WithHttpTransport(o => o.SessionMode = HttpServerSessionMode.StatefulForInitializeClients);
        var app = builder.Build();
        var gates = app.Services.GetRequiredService<RequestGates>();
        app.Use(gates.InvokeAsync);
        if (settings.CorsOrigins.Count > 0)
        {
            app.UseCors();
        }

        app.UseRateLimiter();
        app.MapGet(RequestGates.HealthPath, () => Results.Text("ok"));
        app.MapMcp(McpPath);
        InspectorApi.Map(app);
        InspectorPage.Map(app);
        return app;
    }

    /// <summary>
    /// Each client (remote address) may run <see cref="ServeSettings.MaxConcurrentPerClient"/> requests at once and
    /// queue <see cref="ServeSettings.MaxQueuePerClient"/> more; past that it gets 429. Only POSTs count: an MCP
    /// client's long-lived GET event stream holds no slot, and the page's static files are not limited.
    /// </summary>
    private static void ConfigureLimits(RateLimiterOptions options, ServeSettings settings)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = (context, cancellationToken) =>
        {
            context.HttpContext.Response.Headers.RetryAfter = "1";
            return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(new { error = "too many requests from this client at once; retry shortly" }, cancellationToken));
        };
        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetConcurrencyLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = settings.MaxConcurrentPerClient,
                    QueueLimit = settings.MaxQueuePerClient,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                })
                : RateLimitPartition.GetNoLimiter("unlimited"));
    }
}
