namespace RefineMemory.Notebooks.Tests;

/// <summary>
/// Sets environment variables of this process (null removes one) until disposed, then puts back what was there.
/// Notebooks run in-process, so this is how a test hands a notebook its settings (e.g. <c>REFINE_CHAT_*</c>); the
/// caller must make sure that nothing else in the process reads them meanwhile.
/// </summary>
internal sealed class ScopedEnvironment : IDisposable
{
    private readonly Dictionary<string, string?> _saved;

    public ScopedEnvironment(IReadOnlyDictionary<string, string?> variables)
    {
        _saved = variables.Keys.ToDictionary(name => name, Environment.GetEnvironmentVariable, StringComparer.Ordinal);
        foreach (var (name, value) in variables)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
