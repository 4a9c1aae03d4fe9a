using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RefineMemory.Agents;
using RefineMemory.Embed;
using RefineMemory.Memory;
using RefineMemory.Refine;
using RefineMemory.Search;

namespace RefineMemory.Cli.Serve;

/// <summary>
/// The JSON the inspector page reads: <c>GET /api/collections</c> and <c>POST /api/search</c>. A search answers with
/// the refined search's own result (the MCP tool's JSON and the pipeline's diagnostics, the shape
/// <c>refine search --json</c> prints) plus the plain ranking of the same query, for the page to set side by side.
/// </summary>
internal static class InspectorApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/collections", ListAsync);
        endpoints.MapPost("/api/search", SearchAsync);
    }

    private static async Task<IResult> ListAsync(RefinedSearch search, IOptions<RefineMemoryOptions> options, CancellationToken cancellationToken)
    {
        var names = await search.Store.ListCollectionsAsync(cancellationToken).ConfigureAwait(false);
        return Results.Json(new
        {
            collections = names,
            defaultCollection = options.Value.Tools.DefaultCollection,
            refine = search.Options.Refine,
            feedback = search.Options.Refinement.FeedbackCount,
            maxFeedback = RefinementOptions.MaxFeedbackCount,
            strategy = FeedbackStrategyNames.Of(search.Options.Refinement.FeedbackStrategy),
            strategies = FeedbackStrategyNames.All,
        }, Json);
    }

    private static async Task<IResult> SearchAsync(InspectorQuery body, RefinedSearch search, IOptions<RefineMemoryOptions> options, CancellationToken cancellationToken)
    {
        string? collection = string.IsNullOrWhiteSpace(body.Collection) ? options.Value.Tools.DefaultCollection : body.Collection;
        if (string.IsNullOrWhiteSpace(body.Query) || collection is null)
        {
            return Problem("Give a query and a collection.");
        }

        if (body.Top is < 1 or > 100 || body.Feedback is < 1 or > RefinementOptions.MaxFeedbackCount)
        {
            return Problem($"top must be from 1 to 100 and feedback from 1 to {RefinementOptions.MaxFeedbackCount}.");
        }

        FeedbackStrategy? strategy = null;
        if (body.Strategy is not null)
        {
            if (!FeedbackStrategyNames.TryParse(body.Strategy, out var parsed))
            {
                return Problem($"strategy must be one of {string.Join(", ", FeedbackStrategyNames.All)}.");
            }

            strategy = parsed;
        }

        try
        {
            int top = body.Top ?? search.Options.Top;
            var before = await search.SearchAsync(collection, body.Query, top, new() { Refine = false }, cancellationToken).ConfigureAwait(false);
            var after = await search.SearchAsync(collection, body.Query, top, new()
            {
                Refine = body.Refine,
                FeedbackCount = body.Feedback,
                FeedbackStrategy = strategy,
            }, cancellationToken).ConfigureAwait(false);
            return Results.Json(new
            {
                before = RefinedSearchFunction.ToJson(before),
                tool = RefinedSearchFunction.ToJson(after),
                diagnostics = after.Diagnostics,
                timings = new
                {
                    embed = after.Diagnostics.EmbedTime.TotalMilliseconds,
                    retrieve = after.Diagnostics.RetrieveTime.TotalMilliseconds,
                    judge = after.Diagnostics.JudgeTime.TotalMilliseconds,
                    refine = after.Diagnostics.OptimiseTime.TotalMilliseconds,
                    rescore = after.Diagnostics.RescoreTime.TotalMilliseconds,
                    total = after.Diagnostics.TotalTime.TotalMilliseconds,
                },
            }, Json);
        }
        catch (Exception ex) when (ex is ArgumentException or CollectionNotFoundException or EmbedderMismatchException or DimensionMismatchException)
        {
            return Problem(ex.Message);
        }
    }

    private static IResult Problem(string message) => Results.Json(new { error = message }, Json, statusCode: StatusCodes.Status400BadRequest);

    /// <summary>The page's search request.</summary>
    internal sealed record InspectorQuery(string? Query, string? Collection, int? Top, int? Feedback, string? Strategy, bool? Refine);
}
