using System.CommandLine;
using System.Numerics.Tensors;
using System.Text.Json;
using RefineMemory.Cli;
using RefineMemory.Cli.Commands;
using RefineMemory.Testing;
using RefineMemory.UseLite;

namespace RefineMemory.Cli.Tests;

public sealed class EmbedCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("refine-embed-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Embeds_one_line_per_text_in_order()
    {
        string[] texts = ["how do i reset my password", string.Empty, "Café déjà vu 😀"];
        string input = Path.Combine(_dir, "texts.txt");
        string output = Path.Combine(_dir, "vectors.jsonl");
        await File.WriteAllTextAsync(input, string.Join('\n', texts) + "\n");

        int code = await Run("embed", "--model", "use-lite", "--input", input, "--output", output);

        Assert.Equal(0, code);
        string[] lines = await File.ReadAllLinesAsync(output);
        Assert.Equal(texts.Length, lines.Length);
        using var generator = UseLiteEmbeddingGenerator.Create(new UseLiteOptions { ModelDirectory = Path.Combine(RepoPaths.Assets, "use-lite") });
        var expected = await generator.GenerateAsync(texts);
        for (int i = 0; i < texts.Length; i++)
        {
            float[] vector = JsonSerializer.Deserialize<float[]>(lines[i])!;
            Assert.Equal(512, vector.Length);
            Assert.True(TensorPrimitives.CosineSimilarity(vector, expected[i].Vector.Span) > 0.999999f, $"line {i}");
        }
    }

    [Fact]
    public async Task Unknown_model_and_missing_input_are_input_errors()
    {
        string input = Path.Combine(_dir, "texts.txt");
        await File.WriteAllTextAsync(input, "hello\n");
        Assert.Equal(2, await Run("embed", "--model", "no-such-model", "--input", input));
        Assert.Equal(2, await Run("embed", "--input", Path.Combine(_dir, "absent.txt")));
        Assert.Throws<CliInputException>(() => EmbedderFactory.Create("no-such-model"));
    }

    private static Task<int> Run(params string[] args)
    {
        var root = new RootCommand("test");
        root.Subcommands.Add(EmbedCommand.Create());
        return CliRunner.RunAsync(root, args);
    }
}
