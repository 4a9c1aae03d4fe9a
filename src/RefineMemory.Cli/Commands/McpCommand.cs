using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RefineMemory.Cli.Mcp;

namespace RefineMemory.Cli.Commands;

/// <summary>
/// <c>refine mcp --db memory.db [--collection docs]</c>: an MCP server on stdin/stdout exposing the <c>search</c>
/// and <c>ingest</c> tools. The judge is the chat model named by REFINE_CHAT_*; logs go to stderr.
/// </summary>
internal static class McpCommand
{
    public static Command Create()
    {
        var setup = new McpServerSetup();
        var otlp = CliTelemetry.Option();
        var command = new Command("mcp", "Serve search and ingest as MCP tools over stdio.") { otlp };
        foreach (var option in setup.Options)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            using var telemetry = CliTelemetry.Start(parse.GetValue(otlp), "mcp");
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Logging.AddSimpleConsole(o =>
                {
                    o.SingleLine = true; // a tool's argument error is one line on stderr
                    o.ColorBehavior = TerminalText.ColourOnStandardError
                        ? Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Enabled
                        : Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled;
                })
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning)

                // The SDK logs a client's protocol mistake (unknown method, bad cursor) as a warning with a stack
                // trace; the client gets the JSON-RPC error, the person running the server needs neither.
                .AddFilter("ModelContextProtocol", LogLevel.Error);
            var gate = new McpStdioGate(Console.OpenStandardOutput());
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
            setup.AddServices(builder.Services, parse).WithStreamServerTransport(gate.ServerInput, gate.ServerOutput);
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
}
