using System.Text.RegularExpressions;

namespace RefineMemory.Postgres;

/// <summary>
/// Identifiers: every name that reaches SQL text is checked against a strict pattern and double-quoted; every
/// value travels as a parameter.
/// </summary>
internal static partial class PostgresSql
{
    /// <summary>Letters, digits, '_' and '-', starting with a letter or '_'; 48 characters leave room for index-name suffixes within PostgreSQL's 63.</summary>
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]{0,47}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    public static string CheckName(string name, string what)
    {
        ArgumentNullException.ThrowIfNull(name, what);
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException($"The {what} name '{name}' is not allowed: use 1 to 48 letters, digits, '_' or '-', starting with a letter or '_'.", what);
        }

        return name;
    }

    /// <summary>A double-quoted identifier (names are checked first; storage names of properties may hold other characters).</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// A string literal for the few places SQL text must hold a value (an index predicate, and the search condition
    /// that must match it): an escape string (<c>E'...'</c>), so backslashes and quotes are escaped whatever
    /// <c>standard_conforming_strings</c> says.
    /// </summary>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A PostgreSQL text value cannot hold the NUL character.", nameof(value));
        }

        return "E'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    public static string Table(string schema, string name) => Quote(schema) + "." + Quote(name);
}
