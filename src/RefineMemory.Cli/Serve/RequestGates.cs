using Microsoft.AspNetCore.Http;

namespace RefineMemory.Cli.Serve;

/// <summary>
/// The checks every request passes before it reaches MCP, the API or the page: the Host it names (DNS rebinding),
/// its <c>Origin</c> (MCP's streamable HTTP transport requires servers to validate it: a page from another origin
/// gets 403), then its bearer token (401). <c>/healthz</c> passes without a token and says only "ok".
/// </summary>
internal sealed class RequestGates(ServeSettings settings)
{
    public const string HealthPath = "/healthz";

    private readonly HashSet<string> _hosts = settings.AnsweredHosts();
    private readonly HashSet<string> _corsOrigins = new(settings.CorsOrigins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="path"/> is served without a token: the health check and the page's static files, which hold no data.</summary>
    public static bool IsPublic(PathString path) =>
        path == HealthPath || InspectorPage.Serves(path);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (settings.ChecksHost && !_hosts.Contains(request.Host.Host))
        {
            await RefuseAsync(context, StatusCodes.Status421MisdirectedRequest, "this server does not answer to that host name").ConfigureAwait(false);
            return;
        }

        if (request.Headers.Origin is [{ } origin, ..] && !OriginAllowed(origin, request))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, "requests from this origin are not allowed").ConfigureAwait(false);
            return;
        }

        if (settings.Tokens is { } tokens && !IsPublic(request.Path) && !HttpMethods.IsOptions(request.Method) && !Authorized(tokens, request))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "a bearer token is required (Authorization: Bearer <token>)").ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    private bool OriginAllowed(string origin, HttpRequest request)
    {
        if (_corsOrigins.Contains(origin.TrimEnd('/')))
        {
            return true;
        }

        // Same origin: the page this server served calls its own API.
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            && (!settings.ChecksHost || _hosts.Contains(uri.Host));
    }

    private static bool Authorized(ServeTokens tokens, HttpRequest request)
    {
        const string Scheme = "Bearer ";
        return request.Headers.Authorization is [{ } value]
            && value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            && tokens.Accepts(value.AsSpan(Scheme.Length).Trim());
    }

    private static Task RefuseAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = message });
    }
}
