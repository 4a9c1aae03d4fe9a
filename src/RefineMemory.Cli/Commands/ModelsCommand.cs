using System.CommandLine;
using System.Text.Json;
using RefineMemory.Onnx.Models;
using Spectre.Console;

namespace RefineMemory.Cli.Commands;

/// <summary>
/// <c>refine models pull NAME [--base-url URL] [--cache DIR] [--manifest FILE]</c>: downloads a known model's ONNX
/// export and tokenizer into the model cache (<c>$REFINE_MODEL_CACHE</c>, else <c>~/.cache/refine-memory/models</c>),
/// with resume, SHA-256 checks and a progress bar. <c>refine models list</c> names the known models.
/// </summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "Download local ONNX models (embedders and cross-encoder judges).");
        command.Subcommands.Add(CreatePull());
        command.Subcommands.Add(CreateList());
        return command;
    }

    /// <summary>The model cache: <c>$REFINE_MODEL_CACHE</c>, else <c>$XDG_CACHE_HOME/refine-memory/models</c>, else <c>~/.cache/refine-memory/models</c>.</summary>
    internal static string DefaultCache()
    {
        if (Environment.GetEnvironmentVariable("REFINE_MODEL_CACHE") is { Length: > 0 } cache)
        {
            return cache;
        }

        string root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "refine-memory", "models");
    }

    private static Command CreatePull()
    {
        var name = new Argument<string>("name") { Description = $"Model to download: {string.Join(", ", KnownModels.All.Select(m => m.Name))}." };
        var baseUrl = new Option<string>("--base-url") { Description = $"Base URL of the Hugging Face layout (default {ModelDownloadOptions.DefaultBaseUrl}, or $REFINE_HF_BASE_URL)." };
        var cacheOption = new Option<DirectoryInfo?>("--cache") { Description = "Model cache folder (default $REFINE_MODEL_CACHE or ~/.cache/refine-memory/models)." };
        var manifest = new Option<FileInfo?>("--manifest") { Description = "JSON object {\"model.onnx\": \"<sha256>\", ...} of expected checksums." };
        var command = new Command("pull", "Download a known model's ONNX export and tokenizer files.");
        command.Arguments.Add(name);
        command.Options.Add(baseUrl);
        command.Options.Add(cacheOption);
        command.Options.Add(manifest);
        command.SetAction(async (parse, ct) =>
        {
            var model = KnownModels.Get(parse.GetValue(name)!);
            string url = parse.GetValue(baseUrl) ?? Environment.GetEnvironmentVariable("REFINE_HF_BASE_URL") ?? ModelDownloadOptions.DefaultBaseUrl;
            if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
            {
                throw new CliInputException($"--base-url '{url}' is not an http(s) URL.");
            }

            var options = new ModelDownloadOptions { BaseUrl = baseUri, Manifest = ReadManifest(parse.GetValue(manifest)) };
            string target = Path.Combine(parse.GetValue(cacheOption)?.FullName ?? DefaultCache(), model.Name);
            using var http = ModelDownloader.CreateHttpClient();
            var downloader = new ModelDownloader(http, options);
            ModelPullResult result;
            try
            {
                result = await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
                    .StartAsync(ctx => downloader.PullAsync(model, target, new ProgressBars(ctx), ct));
            }
            catch (ModelDownloadException ex)
            {
                throw new CliInputException(ex.Message, ex);
            }
            catch (HttpRequestException ex)
            {
                throw new CliInputException($"cannot reach {baseUri}: {ex.Message}", ex);
            }

            foreach (var file in result.Files)
            {
                string status = file.MissingUpstream ? "not in repository (optional)"
                    : file.AlreadyPresent ? $"already present, sha256 {file.Sha256}"
                    : $"{file.Bytes} bytes, sha256 {file.Sha256} ({Describe(file.Checked)})";
                Console.Out.WriteLine(TerminalText.Clean($"{file.LocalPath}: {status}"));
            }

            // The folder is the user's text (--dir): cleaned like every other human line.
            Console.Out.WriteLine(TerminalText.Clean($"model folder: {result.Directory}"));
            Console.Out.WriteLine(TerminalText.Clean(model.IsCrossEncoder
                ? $"use it as a judge: OnnxCrossEncoderJudge.FromModelDirectory(\"{result.Directory}\")"
                : $"use it: refine embed --model onnx:{result.Directory} --input texts.txt"));
            return 0;
        });
        return command;
    }

    private static Command CreateList()
    {
        var command = new Command("list", "List the models `refine models pull` knows.");
        command.SetAction(_ =>
        {
            foreach (var m in KnownModels.All)
            {
                Console.Out.WriteLine($"{m.Name,-24} {m.Repository,-40} {(m.IsCrossEncoder ? "cross-encoder" : "embedder")}  {m.Notes}");
            }

            return 0;
        });
        return command;
    }

    private static string Describe(ChecksumSource? source) => source switch
    {
        ChecksumSource.Server => "verified against the server's X-Linked-Etag",
        ChecksumSource.Manifest => "verified against the manifest",
        _ => "not verifiable: recorded in " + ModelDownloader.LockFileName,
    };

    private static Dictionary<string, string> ReadManifest(FileInfo? file)
    {
        if (file is null)
        {
            return [];
        }

        if (!file.Exists)
        {
            throw new CliInputException($"manifest '{file.FullName}' does not exist.");
        }

        return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file.FullName))
            ?? throw new CliInputException($"manifest '{file.FullName}' is empty.");
    }

    /// <summary>One Spectre progress bar per file, created on its first report.</summary>
    private sealed class ProgressBars(ProgressContext context) : IProgress<ModelDownloadProgress>
    {
        private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);

        public void Report(ModelDownloadProgress value)
        {
            lock (_tasks)
            {
                if (!_tasks.TryGetValue(value.File, out var task))
                {
                    task = context.AddTask(value.File, maxValue: Math.Max(1, value.TotalBytes ?? 1));
                    _tasks[value.File] = task;
                }

                if (value.TotalBytes is long total && total > 0)
                {
                    task.MaxValue = total;
                }

                task.Value = value.BytesDone;
                if (value.Completed)
                {
                    task.Value = task.MaxValue;
                    task.StopTask();
                }
            }
        }
    }
}
