namespace RefineMemory.Cli;

/// <summary>Checks of the files a command writes, before any work, so that a wrong path costs nothing.</summary>
internal static class CliFiles
{
    /// <summary>Refuses an output path that is a folder or whose folder does not exist.</summary>
    public static void CheckOutput(FileInfo? destination, string option)
    {
        if (destination is null)
        {
            return;
        }

        if (Directory.Exists(destination.FullName))
        {
            throw new CliInputException($"{option} '{destination.FullName}' is a folder; name a file to write.");
        }

        if (destination.Directory is { Exists: false } folder)
        {
            throw new CliInputException($"{option} '{destination.FullName}': the folder '{folder.FullName}' does not exist.");
        }
    }
}
