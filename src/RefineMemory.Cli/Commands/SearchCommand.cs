using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RefineMemory.Agents;
using RefineMemory.Judge;
using RefineMemory.OpenAI;
using RefineMemory.Refine;
using RefineMemory.Memory;
using RefineMemory.Search;
using RefineMemory.Hosting;

namespace RefineMemory.Cli.Commands;

/// <summary>
/// <c>refine search "query" --collection docs [--top 10] [--no-refine] [--filter k=v] [--json] [--exact] [--hyde]</c>: one refined
/// search over the memory (SQLite or PostgreSQL), printing results with their rank before refinement and the time of each stage.
/// </summary>
internal static class SearchCommand
{
    public static Command Create()
    {
        var query = new Argument<string>("query") { Description = "What to look for." };
        var db = MemoryCommandSupport.DatabaseOption();
        var embedder = EmbedderFactory.Option();
        var collection = new Option<string>("--collection", "-c") { Description = "The collection to search.", Required = true };
        var top = new Option<int>("--top", "-k") { Description = "Results to return.", DefaultValueFactory = _ => 10 };
        var noRefine = new Option<bool>("--no-refine") { Description = "Plain cosine search: no judge, no refinement." };
        var instruction = new Option<string?>("--instruction") { Description = "Task instruction overriding the collection's." };
        var feedback = new Option<int?>("--feedback") { Description = "Documents judged (default 20)." };
        var filter = new Option<string[]>("--filter") { Description = "Metadata tag key=value every result must have (repeatable).", AllowMultipleArgumentsPerToken = false };
        var json = new Option<bool>("--json") { Description = "Print the tool's JSON output plus diagnostics." };
        var hyde = new Option<bool>("--hyde") { Description = "HyDE: the chat model (REFINE_CHAT_*) writes a hypothetical answer, whose embedding is searched and refined instead of the query's." };
        var exact = new Option<bool>("--exact") { Description = "PostgreSQL: search every chunk exactly instead of through the HNSW index (SQLite is always exact)." };
        var judgeBudget = MemoryCommandSupport.JudgeBudgetOption();
        var strategy = FeedbackCommandOptions.Strategy();
        var judgeBatch = FeedbackCommandOptions.JudgeBatch();
        var otlp = CliTelemetry.Option();
        var command = new Command("search", "Refined search over a memory collection.") { query, db, embedder, collection, top, noRefine, instruction, feedback, strategy, judgeBatch, filter, json, exact, hyde, judgeBudget, otlp };
        command.SetAction(async (parse, ct) =>
        {
            using var telemetry = CliTelemetry.Start(parse.GetValue(otlp), "search");
            // Every number is checked before any work (and before a paid judge is called).
            int topValue = parse.GetValue(top);
            if (topValue is < 1 or > MaxTop)
            {
                throw new CliInputException(FormattableString.Invariant($"--top must be from 1 to {MaxTop}; got {topValue}."));
            }

            if (parse.GetValue(feedback) is int f && f is < 1 or > RefinementOptions.MaxFeedbackCount)
            {
                throw new CliInputException(FormattableString.Invariant(
                    $"--feedback must be from 1 to {RefinementOptions.MaxFeedbackCount} (each judged document is a judge call, which a paid model bills); got {f}."));
            }

            var feedbackStrategy = FeedbackCommandOptions.ParseStrategy(parse.GetValue(strategy));
            int batchSize = FeedbackCommandOptions.ParseJudgeBatch(parse.GetValue(judgeBatch));
            var budget = MemoryCommandSupport.JudgeBudget(parse, judgeBudget);
            var filterTags = ParseFilter(parse.GetValue(filter) ?? []);
            bool refine = !parse.GetValue(noRefine);
            IRelevanceJudge judge;
            using var chat = MemoryCommandSupport.TryCreateChatClient(out string problem);
            if (chat is null)
            {
                judge = refine || parse.GetValue(hyde) ? throw new ModelConfigurationException(problem) : MemoryCommandSupport.NoJudge(problem);
            }
            else
            {
                judge = new ChatRelevanceJudge(chat, new ChatRelevanceJudgeOptions { BatchSize = batchSize });
            }

            using var generator = EmbedderFactory.Create(parse.GetValue(embedder)!);
            var store = MemoryDatabase.Parse(parse.GetValue(db)!).Open(generator, parse.GetValue(exact));
            using var owned = store as IDisposable;
            var search = new RefinedSearch(store, generator, judge, new RefinedSearchOptions
            {
                QueryWriter = parse.GetValue(hyde) ? new Embed.HydeQueryWriter(chat!) : null,
                Refinement = new RefinementOptions { FeedbackStrategy = feedbackStrategy },
            });
            var result = await search.SearchAsync(parse.GetValue(collection)!, parse.GetValue(query)!, topValue, new()
            {
                Refine = refine,
                Instruction = parse.GetValue(instruction),
                FeedbackCount = parse.GetValue(feedback),
                SearchOptions = new() { Filter = MemoryRecord.TagFilter(filterTags) },
                JudgeBudget = budget,
                JudgeProgress = TerminalText.HumanOnStandardError ? new JudgeProgressLine() : null,
            }, ct);
            ThrowIfTheJudgeWasNeverReached(result.Diagnostics, refine);
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new { tool = RefinedSearchFunction.ToJson(result), diagnostics = result.Diagnostics }));
            }
            else
            {
                Print(result);
            }

            return 0;
        });
        return command;
    }

    /// <summary>Most results one search prints.</summary>
    private const int MaxTop = 10_000;

    internal static Dictionary<string, string>? ParseFilter(string[] pairs)
    {
        if (pairs.Length == 0)
        {
            return null;
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in pairs)
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new CliInputException($"--filter '{pair}' is not key=value.");
            }

            tags[pair[..eq]] = pair[(eq + 1)..];
        }

        return tags;
    }

    /// <summary>
    /// A refined search whose judge failed for every document because of its endpoint (unreachable, failing, rate
    /// limited or refusing the call) answered with the plain ranking: for a command the user asked to refine, that is
    /// the model endpoint failing (exit 3, one line), not a result. Some documents judged, even too few to refine, means
    /// the endpoint works: the results stand with their note. The MCP tools and the server keep answering with the note.
    /// </summary>
    private static void ThrowIfTheJudgeWasNeverReached(SearchDiagnostics d, bool refine)
    {
        if (!refine || d.Refined || d.Judged.Count == 0 || d.Judged.Any(j => j.Score is not null || j.FailureKind is not (JudgeFailureKind.ServerError or JudgeFailureKind.RateLimited or JudgeFailureKind.RequestRejected)))
        {
            return;
        }

        string first = d.Judged[0].Failure!;
        throw new ModelCallException(FormattableString.Invariant(
            $"the judge failed for all {d.Judged.Count} documents sent to it ({first.Replace("ModelCallException: ", "", StringComparison.Ordinal)}), so nothing was refined; check REFINE_CHAT_ENDPOINT / REFINE_CHAT_MODEL / REFINE_CHAT_API_KEY, or pass --no-refine for plain similarity search."));
    }

    private static void Print(RefinedSearchResult result)
    {
        var d = result.Diagnostics;
        var inv = CultureInfo.InvariantCulture;
        Console.Out.WriteLine(d.Refined
            ? string.Create(inv, $"refined with {d.Judged.Count(j => j.Score.HasValue)} judged documents; loss {d.Loss[0]:0.####} -> {d.Loss[^1]:0.####}")
            : $"not refined: {TerminalText.Clean(d.SkippedReason ?? "")}");
        if (d.HypotheticalDocuments.Count > 0)
        {
            Console.Out.WriteLine($"HyDE searched with {d.HypotheticalDocuments.Count} hypothetical document(s): {TerminalText.Clean(d.HypotheticalDocuments[0])}");
        }

        if (d.Step is { } step)
        {
            Console.Out.WriteLine(string.Create(inv, $"step: lr {step.LearningRate:0.######}, {step.StepsTaken} Adam steps, the query turned {step.AngleTurned:0.###} rad{(step.StopReason is { } why ? $" ({why})" : "")}"));
        }

        if (d.Refined && d.Note is { } note)
        {
            Console.Out.WriteLine($"note: {TerminalText.Clean(note)}");
        }

        if (d.Judgements > 0)
        {
            Console.Out.WriteLine(string.Create(inv, $"judge: {d.Judgements} judgements in {d.JudgeCalls} calls, {d.FeedbackRounds} round(s){(d.StoppedEarly ? " (stopped early: the ranking's top held)" : "")}"));
        }

        Console.Out.WriteLine("rank  before  score   id / source / text");
        foreach (var h in result.Hits)
        {
            // Stored text is untrusted: an escape sequence in a document must not drive the user's terminal.
            string text = TerminalText.Clean(h.Text);
            text = text.Length > 100 ? text[..99] + "…" : text;
            // A rank before is unknown below the first search's depth in a store searched in the server.
            string before = h.RankBefore?.ToString(inv) ?? "-";
            Console.Out.WriteLine(string.Create(inv, $"{h.Rank,4}  {before,6}  {h.Score,6:0.0000}  {TerminalText.Clean(h.Id)}  [{TerminalText.Clean(h.Source ?? "")}]  {text}"));
        }

        Console.Out.WriteLine(string.Create(inv,
            $"time: embed {Ms(d.EmbedTime)}, retrieve {Ms(d.RetrieveTime)}, judge {Ms(d.JudgeTime)}, optimise {Ms(d.OptimiseTime)}, re-score {Ms(d.RescoreTime)}, total {Ms(d.TotalTime)} ms ({d.Candidates} candidates)"));
    }

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);
}
