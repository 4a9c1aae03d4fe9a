using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace RefineMemory.Cli.Serve;

/// <summary>
/// The inspector page at <c>/</c>: four static files compiled into the tool (no build step, nothing fetched from
/// the internet). They hold no data, so they are served without a token; the page asks for the token and sends it
/// with each call to <see cref="InspectorApi"/>.
/// </summary>
internal static class InspectorPage
{
    private static readonly Dictionary<string, (string Resource, string ContentType)> Files = new(StringComparer.Ordinal)
    {
        ["/"] = ("index.html", "text/html; charset=utf-8"),
        ["/inspector.js"] = ("inspector.js", "text/javascript; charset=utf-8"),
        ["/inspector.css"] = ("inspector.css", "text/css; charset=utf-8"),
        ["/favicon.svg"] = ("favicon.svg", "image/svg+xml"),
        ["/favicon.ico"] = ("favicon.svg", "image/svg+xml"),
    };

    public static bool Serves(PathString path) => path.HasValue && Files.ContainsKey(path.Value!);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        foreach (var (path, (resource, type)) in Files)
        {
            byte[] body = Read(resource);
            endpoints.MapGet(path, (HttpContext context) =>
            {
                // The page runs no inline script and loads nothing from elsewhere; say so to the browser.
                context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'";
                context.Response.Headers.XContentTypeOptions = "nosniff";
                context.Response.Headers.CacheControl = "no-cache";
                return Results.Bytes(body, type);
            });
        }
    }

    private static byte[] Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("RefineMemory.Cli.Serve.wwwroot." + name)
            ?? throw new InvalidOperationException($"The inspector page's {name} is missing from the build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
