using System.ClientModel;
using RefineMemory.Embed;
using RefineMemory.OpenAI;

namespace RefineMemory.Samples.Agents;

/// <summary>
/// The command line the agent samples share: <c>--db PATH --collection NAME [--embedder NAME] "question"</c> (the
/// embedder defaults to the one <c>refine ingest</c> defaults to), the chat model from
/// REFINE_CHAT_ENDPOINT / REFINE_CHAT_MODEL / REFINE_CHAT_API_KEY, and the exit codes of <c>refine</c>: 0 answered,
/// 2 bad input (one line), 3 model endpoint missing, unreachable or refusing (one line), 130 cancelled.
/// </summary>
internal sealed record AgentCommandLine(string Database, string Collection, string Embedder, string Question)
{
    /// <summary>Parses <paramref name="args"/>, then runs <paramref name="answer"/> and prints what it returns.</summary>
    public static async Task<int> RunAsync(string program, string[] args, Func<AgentCommandLine, ChatModelSettings, CancellationToken, Task<string>> answer)
    {
        if (Parse(args, out string problem) is not { } command)
        {
            Console.Error.WriteLine($"{program}: {problem} Usage: {program} --db PATH --collection NAME [--embedder {EmbedderName.Default}] \"question\"");
            return 2;
        }

        if (!File.Exists(command.Database))
        {
            Console.Error.WriteLine($"{program}: there is no memory at '{command.Database}'; write one with `refine ingest ./docs --collection {command.Collection} --db {command.Database}`.");
            return 2;
        }

        if (!ChatModelSettings.TryFromVariables(Environment.GetEnvironmentVariable, out var model, out problem))
        {
            Console.Error.WriteLine($"{program}: the agent needs a chat model: {problem}");
            return 3;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        try
        {
            Console.WriteLine(await answer(command, model!, cancel.Token).ConfigureAwait(false));
            return 0;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine($"{program}: cancelled.");
            return 130;
        }
        catch (Exception ex) when (EndpointFailure(ex) is { } failure)
        {
            Console.Error.WriteLine($"{program}: the chat model {model!.Model} at {model.Endpoint} failed: {failure.Message}");
            return 3;
        }
    }

    private static AgentCommandLine? Parse(string[] args, out string problem)
    {
        string? db = null, collection = null;
        string embedder = EmbedderName.Default;
        var question = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--db" when i + 1 < args.Length:
                    db = args[++i];
                    break;
                case "--collection" when i + 1 < args.Length:
                    collection = args[++i];
                    break;
                case "--embedder" when i + 1 < args.Length:
                    embedder = args[++i];
                    break;
                case "--db" or "--collection" or "--embedder":
                    problem = $"{args[i]} needs a value.";
                    return null;
                default:
                    question.Add(args[i]);
                    break;
            }
        }

        problem = db is null ? "--db is missing." : collection is null ? "--collection is missing." : question.Count == 0 ? "the question is missing." : string.Empty;
        return problem.Length == 0 ? new AgentCommandLine(db!, collection!, embedder, string.Join(' ', question)) : null;
    }

    // The connectors wrap transport errors differently (OpenAI SDK: ClientResultException; SK: HttpOperationException).
    private static Exception? EndpointFailure(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is ClientResultException or HttpRequestException or TimeoutException || e.GetType().Name == "HttpOperationException")
            {
                return e;
            }
        }

        return null;
    }
}
