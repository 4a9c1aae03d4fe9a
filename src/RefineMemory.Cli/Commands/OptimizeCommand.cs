using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RefineMemory.Refine;

namespace RefineMemory.Cli.Commands;

/// <summary>
/// <c>refine optimize --input case.json [--output out.json]</c>: runs the refinement on explicit vectors,
/// so that notebooks and other languages can check parity. Input
/// <c>{"query":[..], "documents":[[..],..], "scores":[..], "learningRate":1e-4, "steps":100, "refit":false}</c>,
/// output <c>{"refined":[..], "loss":[..], "finalLoss":x}</c>.
/// </summary>
internal static class OptimizeCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo>("--input") { Description = "JSON case: query, documents, scores, learningRate, steps, refit.", Required = true };
        var output = new Option<FileInfo?>("--output") { Description = "Where to write the result JSON (default: stdout)." };
        var command = new Command("optimize", "Refine a query vector against judged document vectors (parity checks).");
        command.Options.Add(input);
        command.Options.Add(output);
        command.SetAction(async (parse, ct) =>
        {
            var file = parse.GetValue(input)!;
            if (!file.Exists)
            {
                throw new CliInputException($"input file '{file.FullName}' does not exist.");
            }

            if (file.Length > OptimizeCase.MaxInputBytes)
            {
                throw new CliInputException(FormattableString.Invariant($"input file '{file.FullName}' has {file.Length} bytes; at most {OptimizeCase.MaxInputBytes} are read."));
            }

            var destination = parse.GetValue(output);
            CliFiles.CheckOutput(destination, "--output");
            var json = await File.ReadAllTextAsync(file.FullName, ct);
            var result = Run(json, file.Name, ct);
            if (destination is null)
            {
                Console.Out.WriteLine(result);
            }
            else
            {
                await File.WriteAllTextAsync(destination.FullName, result, ct);
            }

            return 0;
        });
        return command;
    }

    internal static string Run(string json, string source, CancellationToken cancellationToken)
    {
        OptimizeCase c = OptimizeCase.Parse(json, source);
        // The paper's loop, step for step (the PyTorch parity fixtures): every given step runs, the rate as given.
        var options = new RefinementOptions().UsePaperStep();
        options.Steps = c.Steps;
        options.LearningRate = c.LearningRate;
        options.Mode = c.ReFit ? RefinementMode.ReFit : RefinementMode.KlDivergence;
        if (c.Temperature is double t)
        {
            options.Temperature = t;
        }

        var result = QueryRefiner.Refine(c.Query, c.Documents, c.Scores, null, options, cancellationToken);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("refined");
            foreach (float v in result.RefinedQuery)
            {
                writer.WriteNumberValue(v);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("loss");
            foreach (double v in result.Loss)
            {
                writer.WriteNumberValue(v);
            }

            writer.WriteEndArray();
            writer.WriteNumber("finalLoss", result.FinalLoss);
            writer.WriteNumber("learningRate", result.LearningRate);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
