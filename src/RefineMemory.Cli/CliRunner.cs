using System.CommandLine;

namespace RefineMemory.Cli;

/// <summary>
/// Runs the command tree and turns failures into one clear line on stderr: bad input exits 2, a model
/// endpoint that fails or is not configured exits 3, cancellation 130, anything unexpected 1 (with the
/// exception type, so bugs are recognisable).
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
            var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            return await root.Parse(args).InvokeAsync(config, cts.Token);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("refine: cancelled.");
            return 130;
        }
        catch (Exception ex) when (IsInputError(ex))
        {
            await Console.Error.WriteLineAsync($"refine: error: {ex.Message}");
            return 2;
        }
        catch (Exception ex) when (ex is RefineMemory.Judge.ModelCallException or RefineMemory.OpenAI.ModelConfigurationException)
        {
            // The endpoint is unreachable, refused the call, or is not configured: the message names which.
            await Console.Error.WriteLineAsync($"refine: error: {ex.Message}");
            return 3;
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"refine: unexpected {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
    }

    private static bool IsInputError(Exception ex) =>
        ex is CliInputException or RefineMemory.Embed.EmbedderMismatchException or ArgumentException or FileNotFoundException or DirectoryNotFoundException
           or System.Text.Json.JsonException or InvalidDataException or KeyNotFoundException;
}

/// <summary>Input the command cannot use; its message names what was wrong.</summary>
internal sealed class CliInputException : Exception
{
    public CliInputException(string message) : base(message) { }

    public CliInputException() { }

    public CliInputException(string message, Exception innerException) : base(message, innerException) { }
}
