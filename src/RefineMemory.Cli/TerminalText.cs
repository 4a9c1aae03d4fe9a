using System.Text;

namespace RefineMemory.Cli;

/// <summary>
/// What the command line prints for a human: stored documents and error messages may hold terminal escape
/// sequences (clear the screen, retitle the window, fake a prompt), so control and bidirectional-override
/// characters are replaced by spaces before printing. JSON output needs no cleaning: the serializer escapes
/// every control character. Colour is used only on a terminal and never when NO_COLOR is set (no-color.org).
/// </summary>
internal static class TerminalText
{
    /// <summary><paramref name="text"/> on one line with every control character replaced by a space.</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int i = 0;
        while (i < text.Length && !IsUnsafe(text[i]))
        {
            i++;
        }

        if (i == text.Length)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            builder.Append(IsUnsafe(text[i]) ? ' ' : text[i]);
        }

        return builder.ToString();
    }

    /// <summary>The console for tables and progress on stdout: colour and cursor control only on a terminal without NO_COLOR.</summary>
    public static Spectre.Console.IAnsiConsole StandardOutput()
    {
        bool colour = !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        return Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Ansi = colour ? Spectre.Console.AnsiSupport.Detect : Spectre.Console.AnsiSupport.No,
            ColorSystem = colour ? Spectre.Console.ColorSystemSupport.Detect : Spectre.Console.ColorSystemSupport.NoColors,
        });
    }

    /// <summary>Whether output to the standard error stream may be coloured: a terminal, and NO_COLOR unset or empty.</summary>
    public static bool ColourOnStandardError =>
        !Console.IsErrorRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    /// <summary>Whether a human is watching standard error (progress lines are for them).</summary>
    public static bool HumanOnStandardError => !Console.IsErrorRedirected;

    // C0, DEL and C1 controls (ESC, BEL, CSI...), and the bidirectional overrides that reorder what is shown.
    private static bool IsUnsafe(char c) => char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';
}
