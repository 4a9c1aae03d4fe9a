using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RefineMemory.Cli.Mcp;
using RefineMemory.Cli.Serve;

namespace RefineMemory.Cli.Commands;

/// <summary>
/// <c>refine serve --db DB [--urls http://127.0.0.1:5077]</c>: one memory for many agents and people over HTTP:
/// MCP's streamable HTTP transport at <c>/mcp</c> (the tools of <c>refine mcp</c>), the inspector page at <c>/</c>,
/// <c>/healthz</c>. Every request but the health check and the page's static files needs the bearer token.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var setup = new McpServerSetup();
        var urls = new Option<string[]>("--urls") { Description = $"Addresses to listen on, separated by ';' (default {ServeSettings.DefaultUrl}; port 0 picks a free port).", DefaultValueFactory = _ => [ServeSettings.DefaultUrl] };
        var tokenFile = new Option<string?>("--token-file") { Description = $"A file of accepted bearer tokens, one per line, re-read when it changes (else ${ServeTokens.Variable})." };
        var noAuth = new Option<bool>("--no-auth") { Description = "Accept requests without a token: allowed only when every address is loopback." };
        var maxConcurrent = new Option<int>("--max-concurrent") { Description = "Requests one client (remote address) may run at once (default 8).", DefaultValueFactory = _ => 8 };
        var maxQueue = new Option<int>("--max-queue") { Description = "Requests one client may have waiting; past that, 429 (default 64).", DefaultValueFactory = _ => 64 };
        var maxBody = new Option<long>("--max-body-bytes") { Description = "Largest request body (default 16 MiB); larger ones get 413.", DefaultValueFactory = _ => 16L << 20 };
        var allowedHost = new Option<string[]>("--allowed-host") { Description = "A host name clients use to reach the server (repeatable); requests naming another get 421.", AllowMultipleArgumentsPerToken = false };
        var cors = new Option<string[]>("--cors-origin") { Description = "A browser origin allowed to call the server from its pages (repeatable); none by default.", AllowMultipleArgumentsPerToken = false };
        var shutdown = new Option<double>("--shutdown-timeout") { Description = "Seconds in-flight requests may finish after SIGTERM before they are cancelled (default 10).", DefaultValueFactory = _ => 10 };
        var otlp = CliTelemetry.Option();
        var command = new Command("serve", "Serve the memory to many agents over HTTP (MCP streamable HTTP at /mcp) with an inspector page at /.")
        {
            urls, tokenFile, noAuth, maxConcurrent, maxQueue, maxBody, allowedHost, cors, shutdown, otlp,
        };
        foreach (var option in setup.Options)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            var tokens = ServeTokens.Load(parse.GetValue(tokenFile), Environment.GetEnvironmentVariable(ServeTokens.Variable));
            if (tokens is null && !parse.GetValue(noAuth))
            {
                throw new CliInputException($"refine serve needs a token: set {ServeTokens.Variable} or pass --token-file (or --no-auth on a loopback address).");
            }

            var settings = new ServeSettings
            {
                Urls = [.. (parse.GetValue(urls) ?? []).SelectMany(u => u.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
                Tokens = parse.GetValue(noAuth) ? null : tokens,
                MaxConcurrentPerClient = parse.GetValue(maxConcurrent),
                MaxQueuePerClient = parse.GetValue(maxQueue),
                MaxRequestBodyBytes = parse.GetValue(maxBody),
                AllowedHosts = parse.GetValue(allowedHost) ?? [],
                CorsOrigins = parse.GetValue(cors) ?? [],
                ShutdownTimeout = parse.GetValue(shutdown) is var s and > 0 and <= 600 ? TimeSpan.FromSeconds(s) : throw new CliInputException("--shutdown-timeout must be above 0 and at most 600 seconds."),
            };
            settings.Validate();
            using var telemetry = CliTelemetry.Start(parse.GetValue(otlp), "serve");
            await using var app = ServeHost.Build(settings, services => setup.AddServices(services, parse));
            await app.StartAsync(ct);
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            await Console.Error.WriteLineAsync(
                $"refine serve: listening on {string.Join(", ", addresses)} (MCP at {ServeHost.McpPath}, inspector at /, {(settings.Tokens is null ? "no authentication" : "tokens from " + settings.Tokens.Source)}{(setup.Refines(parse) ? "" : ", refinement off")})");

            // Returns on SIGTERM/SIGINT (or the parser's cancellation): Kestrel stops taking requests, lets in-flight
            // ones finish within --shutdown-timeout, then cancels the rest; a search writes nothing, an ingest commits whole or not at all.
            await app.WaitForShutdownAsync(ct);
            await Console.Error.WriteLineAsync("refine serve: stopped.");
            return 0;
        });
        return command;
    }
}
