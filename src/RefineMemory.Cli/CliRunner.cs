using System.CommandLine;

namespace RefineMemory.Cli;

/// <summary>
/// Runs the command tree and turns failures into one clear line on stderr: bad input, a usage error and every
/// I/O problem exit 2, a model endpoint that fails or is not configured exits 3, a database server that is unreachable, refuses us or times out 4, cancellation 130,
/// anything unexpected 1 (with the exception type, so bugs are recognisable). Messages are stripped of control characters.
/// </summary>
internal static class CliRunner
{
    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };

        try
        {
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
            {
                // A usage error is bad input: exit 2 with the parser's lines, not the help text and exit 1.
                foreach (var error in parsed.Errors)
                {
                    await Console.Error.WriteLineAsync($"refine: error: {TerminalText.Clean(error.Message)}");
                }

                await Console.Error.WriteLineAsync($"refine: see `{parsed.CommandResult.Command.Name} --help`.");
                return 2;
            }

            var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            if (parsed.CommandResult.Command.Name == "serve")
            {
                // refine serve drains in-flight requests on SIGTERM within its own --shutdown-timeout (its host
                // handles the signal); the parser's 2-second termination limit would cut that short.
                config.ProcessTerminationTimeout = null;
            }

            return await parsed.InvokeAsync(config, cts.Token);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("refine: cancelled.");
            return 130;
        }
        catch (Exception ex) when (IsInputError(ex))
        {
            await Console.Error.WriteLineAsync($"refine: error: {TerminalText.Clean(ex.Message)}");
            return 2;
        }
        catch (Exception ex) when (ex is RefineMemory.Judge.ModelCallException or RefineMemory.OpenAI.ModelConfigurationException)
        {
            // The model endpoint is unreachable, refused the call, or is not configured: the message names which.
            await Console.Error.WriteLineAsync($"refine: error: {TerminalText.Clean(ex.Message)}");
            return 3;
        }
        catch (Exception ex) when (ex is RefineMemory.Postgres.PostgresUnavailableException or RefineMemory.Postgres.PostgresNoWritableServerException
            or RefineMemory.Postgres.PostgresRefusedException or RefineMemory.Postgres.PostgresTimeoutException)
        {
            // The database server is unreachable, refused us (password, database, privilege, shutting down), timed
            // out (lock or statement timeout), or no writable one answered a write: the message names the servers.
            await Console.Error.WriteLineAsync($"refine: error: {TerminalText.Clean(ex.Message)}");
            return 4;
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"refine: unexpected {ex.GetType().Name}: {TerminalText.Clean(ex.Message)}");
            return 1;
        }
    }

    // Every I/O problem (a folder where a file was expected, a link loop, a read-only or foreign database,
    // permissions) is the user's input to fix: exit 2 with the one line the exception carries.
    private static bool IsInputError(Exception ex) =>
        ex is CliInputException or RefineMemory.Embed.EmbedderMismatchException or ArgumentException or IOException or UnauthorizedAccessException
           or System.Text.Json.JsonException or InvalidDataException or KeyNotFoundException or RefineMemory.Refine.RefinementDivergedException;
}

/// <summary>Input the command cannot use; its message names what was wrong.</summary>
internal sealed class CliInputException : Exception
{
    public CliInputException(string message) : base(message) { }

    public CliInputException() { }

    public CliInputException(string message, Exception innerException) : base(message, innerException) { }
}
