using System.Reflection;
using Microsoft.Extensions.AI;

namespace RefineMemory.Judge;

/// <summary>
/// The judge's default <see cref="ChatOptions.RawRepresentationFactory"/>: an OpenAI SDK
/// <c>OpenAI.Chat.ChatCompletionOptions { IncludeLogProbabilities = true, TopLogProbabilityCount = N }</c>, which every
/// Microsoft.Extensions.AI.OpenAI chat client takes as the base of its request, whoever built it (RefineMemory.OpenAI,
/// Semantic Kernel's <c>AddOpenAIChatClient</c>, the host's own <c>AsIChatClient()</c>). The core does not reference
/// the OpenAI SDK, so the type is found by name in the loaded application: where the SDK is absent the factory
/// returns <c>null</c>, and a client of another provider ignores an object it does not know.
/// </summary>
internal static class OpenAILogprobsRequest
{
    private const string OptionsTypeName = "OpenAI.Chat.ChatCompletionOptions, OpenAI";

    private static readonly Lazy<(Type Type, PropertyInfo Include, PropertyInfo Top)?> Shape = new(FindShape);

    /// <summary>A factory asking for <paramref name="topLogprobs"/> alternatives per token.</summary>
    public static Func<IChatClient, object?> Factory(int topLogprobs) => _ => Create(topLogprobs);

    /// <summary>Whether the OpenAI SDK is loadable here with the properties this factory sets.</summary>
    public static bool IsAvailable => Shape.Value is not null;

    private static object? Create(int topLogprobs)
    {
        if (Shape.Value is not { } shape)
        {
            return null;
        }

        object options = Activator.CreateInstance(shape.Type)!;
        shape.Include.SetValue(options, true);
        shape.Top.SetValue(options, topLogprobs);
        return options;
    }

    private static (Type, PropertyInfo, PropertyInfo)? FindShape()
    {
        Type? type;
        try
        {
            type = Type.GetType(OptionsTypeName, throwOnError: false);
        }
        catch (Exception ex) when (ex is FileLoadException or BadImageFormatException)
        {
            return null;
        }

        return type?.GetConstructor(Type.EmptyTypes) is not null
            && type.GetProperty("IncludeLogProbabilities") is { CanWrite: true } include && include.PropertyType == typeof(bool?)
            && type.GetProperty("TopLogProbabilityCount") is { CanWrite: true } top && top.PropertyType == typeof(int?)
            ? (type, include, top)
            : null;
    }
}
