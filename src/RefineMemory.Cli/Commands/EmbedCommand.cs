using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace RefineMemory.Cli.Commands;

/// <summary>
/// <c>refine embed --model NAME --input texts.txt [--output vectors.jsonl]</c>: one text per input line
/// (UTF-8; an empty line is the empty text), embedded as documents (no query prefix), one JSON array of floats per
/// output line, same order. A summary line with the timing goes to stderr.
/// </summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var model = EmbedderFactory.Option("--model");
        var input = new Option<FileInfo>("--input") { Description = "UTF-8 text file, one text per line.", Required = true };
        var output = new Option<FileInfo?>("--output") { Description = "Where to write the vectors, one JSON array per line (default: stdout)." };
        var command = new Command("embed", "Embed texts, one per line, into JSON vectors (works offline after set-up).");
        command.Options.Add(model);
        command.Options.Add(input);
        command.Options.Add(output);
        command.SetAction(async (parse, ct) =>
        {
            var file = parse.GetValue(input)!;
            if (!file.Exists)
            {
                throw new CliInputException($"input file '{file.FullName}' does not exist.");
            }

            string[] texts = await File.ReadAllLinesAsync(file.FullName, Encoding.UTF8, ct);
            if (texts.Length == 0)
            {
                throw new CliInputException($"input file '{file.FullName}' holds no lines to embed.");
            }

            var load = Stopwatch.StartNew();
            using IEmbeddingGenerator<string, Embedding<float>> generator = EmbedderFactory.Create(parse.GetValue(model)!);
            load.Stop();
            var run = Stopwatch.StartNew();
            var embeddings = await generator.GenerateAsync(texts, cancellationToken: ct);
            run.Stop();

            var destination = parse.GetValue(output);
            CliFiles.CheckOutput(destination, "--output");
            await using (Stream stream = destination is null ? Console.OpenStandardOutput() : File.Create(destination.FullName))
            {
                Write(embeddings, stream);
            }

            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"refine: embedded {texts.Length} texts in {run.Elapsed.TotalSeconds:F3} s ({texts.Length / run.Elapsed.TotalSeconds:F1} texts/s; model load {load.Elapsed.TotalMilliseconds:F0} ms)."));
            return 0;
        });
        return command;
    }

    /// <summary>Writes one JSON array per embedding, one per line (shortest round-trip float formatting).</summary>
    internal static void Write(IEnumerable<Embedding<float>> embeddings, Stream stream)
    {
        using var buffered = new BufferedStream(stream, 1 << 16);
        using var writer = new Utf8JsonWriter(buffered);
        foreach (var embedding in embeddings)
        {
            writer.WriteStartArray();
            foreach (float v in embedding.Vector.Span)
            {
                writer.WriteNumberValue(v);
            }

            writer.WriteEndArray();
            writer.Flush();
            writer.Reset();
            buffered.WriteByte((byte)'\n');
        }
    }
}
