namespace RefineMemory.Onnx;

/// <summary>Finds the ONNX file of a model folder.</summary>
internal static class ModelFolder
{
    public static string RequireDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string full = Path.GetFullPath(directory);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"Model folder '{full}' does not exist (download one with `refine models pull NAME`).");
        }

        return full;
    }

    public static string FindModel(string directory, string? modelFile)
    {
        if (modelFile is not null)
        {
            string explicitPath = Path.Combine(directory, modelFile);
            return File.Exists(explicitPath)
                ? explicitPath
                : throw new FileNotFoundException($"Model file '{explicitPath}' does not exist.", explicitPath);
        }

        foreach (string candidate in new[] { "model.onnx", Path.Combine("onnx", "model.onnx") })
        {
            string path = Path.Combine(directory, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        string expected = Path.Combine(directory, "model.onnx");
        throw new FileNotFoundException($"ONNX model '{expected}' does not exist (nor onnx/model.onnx in that folder; download a model with `refine models pull NAME`).", expected);
    }
}
