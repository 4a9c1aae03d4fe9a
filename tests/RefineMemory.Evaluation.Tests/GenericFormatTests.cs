using RefineMemory.Evaluation.Datasets;
using RefineMemory.Evaluation.Tests.Support;

namespace RefineMemory.Evaluation.Tests;

public sealed class GenericFormatTests
{
    [Fact]
    public void A_slice_of_ArgKp21_round_trips_through_labelled_pairs_jsonl()
    {
        var slice = SharedSets.ArgKp21.Take(12);
        string path = Path.Combine(TempFiles.NewDirectory(), "slice.jsonl");
        LabelledPairsWriter.WriteJsonLines(slice, path);
        var back = LabelledPairsLoader.Load(path);

        Assert.Equal(slice.Queries.Count, back.Queries.Count);
        Assert.Equal(slice.PairCount, back.PairCount);
        for (int q = 0; q < slice.Queries.Count; q++)
        {
            var a = slice.Queries[q];
            var b = back.Queries[q];
            Assert.Equal(a.Text, b.Text);
            Assert.Equal(a.Instruction, b.Instruction);
            Assert.Equal(a.Labels, b.Labels);
            Assert.Equal(a.Pool.Select(i => slice.Documents[i].Text), b.Pool.Select(i => back.Documents[i].Text));
        }
    }

    [Fact]
    public void Csv_pairs_allow_quoted_commas_quotes_and_line_breaks_and_an_optional_instruction()
    {
        string path = TempFiles.Write("pairs.csv",
            "query,document,label,instruction\n" +
            "what is a wing,\"a wing, which \"\"lifts\"\", is\nan airfoil\",1,Find definitions.\n" +
            "what is a wing,a tail is not a wing,0,\n" +
            "\n" +
            "why is the sky blue,rayleigh scattering,1,\n");
        var set = LabelledPairsLoader.Load(path, defaultInstruction: "Default.");
        Assert.Equal(2, set.Queries.Count);
        Assert.Equal("a wing, which \"lifts\", is\nan airfoil", set.Documents[set.Queries[0].Pool[0]].Text);
        Assert.Equal(new[] { 1f, 0f }, set.Queries[0].Labels);
        Assert.Equal("Find definitions.", set.Queries[0].Instruction);
        Assert.Equal("Default.", set.Queries[1].Instruction);
    }

    [Fact]
    public void A_repeated_document_under_one_query_keeps_its_first_label()
    {
        string path = TempFiles.Write("dups.jsonl",
            "{\"query\":\"q\",\"document\":\"same text\",\"label\":1}\n" +
            "{\"query\":\"q\",\"document\":\"same text\",\"label\":0}\n" +
            "{\"query\":\"q\",\"document\":\"other\",\"label\":false}\n" +
            "{\"query\":\"r\",\"document\":\"same text\",\"label\":0}\n");
        var set = LabelledPairsLoader.Load(path);
        Assert.Equal(new[] { 1f, 0f }, set.Queries[0].Labels);
        Assert.Single(set.Queries[1].Labels);
        Assert.Equal(2, set.Documents.Count);
    }

    [Theory]
    [InlineData("{\"query\":\"q\",\"document\":\"d\",\"label\":1}\n\n{\"query\":\"q\",\"document\":\"e\",\"label\":\"yes\"}\n", 3, "label")]
    [InlineData("{\"query\":\"q\",\"document\":\"d\",\"label\":1}\n{\"query\":\"q\",\"label\":0}\n", 2, "document")]
    [InlineData("{\"query\":\"q\",\"document\":\"d\",\"label\":1}\n{\"query\":\"q\",\"document\":\"d2\",\"label\":1\n", 2, "not valid JSON")]
    [InlineData("{\"query\":\"\",\"document\":\"d\",\"label\":1}\n", 1, "query")]
    [InlineData("{\"query\":\"q\",\"document\":\"d\",\"label\":-1}\n", 1, "label")]
    [InlineData("[1,2]\n", 1, "JSON object")]
    public void Malformed_jsonl_fails_naming_file_and_line(string content, int line, string mentions)
    {
        string path = TempFiles.Write("bad.jsonl", content);
        var ex = Assert.Throws<DatasetFormatException>(() => LabelledPairsLoader.Load(path));
        Assert.Equal(path, ex.File);
        Assert.Equal(line, ex.Line);
        Assert.StartsWith($"{path}:{line}: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(mentions, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("query,document,label\nq,d,1\nq,e,maybe\n", 3, "label")]
    [InlineData("query,document\nq,d\n", 1, "label")]
    [InlineData("query,document,label\nq,\"unterminated,1\n", 2, "not closed")]
    [InlineData("query,document,label\nq,d,1\nq,\"a\"b,1\n", 3, "after a closing quote")]
    [InlineData("query,document,label\nq,\"multi\nline\",1\nq,,1\n", 4, "'document' is empty")]
    [InlineData("query,document,label\nq,d,1,extra\n", 2, "fields")]
    public void Malformed_csv_fails_naming_file_and_line(string content, int line, string mentions)
    {
        string path = TempFiles.Write("bad.csv", content);
        var ex = Assert.Throws<DatasetFormatException>(() => LabelledPairsLoader.Load(path));
        Assert.Equal(line, ex.Line);
        Assert.StartsWith($"{path}:{line}: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(mentions, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_pairs_file_is_an_error_not_an_empty_result()
    {
        string path = TempFiles.Write("empty.jsonl", "\n\n");
        var ex = Assert.Throws<DatasetFormatException>(() => LabelledPairsLoader.Load(path));
        Assert.Contains("no labelled pairs", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => LabelledPairsLoader.Load("/no/such/pairs.jsonl"));
        Assert.Contains("/no/such/pairs.jsonl", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Beir_folder_loads_with_the_corpus_as_pool_and_graded_qrels()
    {
        string dir = TempFiles.NewDirectory();
        File.WriteAllText(Path.Combine(dir, "corpus.jsonl"),
            "{\"_id\":\"d1\",\"title\":\"Wings\",\"text\":\"Lift comes from pressure.\"}\n" +
            "{\"_id\":\"d2\",\"title\":\"\",\"text\":\"Tails stabilise.\"}\n" +
            "{\"_id\":\"d3\",\"text\":\"Engines push.\"}\n");
        File.WriteAllText(Path.Combine(dir, "queries.jsonl"),
            "{\"_id\":\"q1\",\"text\":\"how do wings lift\"}\n{\"_id\":\"q2\",\"text\":\"unjudged\"}\n{\"_id\":\"q3\",\"text\":\"engines\"}\n");
        Directory.CreateDirectory(Path.Combine(dir, "qrels"));
        File.WriteAllText(Path.Combine(dir, "qrels", "test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t2\nq3\td3\t1\nq3\td2\t0\n");
        var set = BeirLoader.Load(dir, instruction: "Find it.");
        Assert.Equal(new[] { "q1", "q3" }, set.Queries.Select(q => q.Id));
        Assert.Equal("Wings. Lift comes from pressure.", set.Documents[0].Text);
        Assert.Equal(new[] { 2f, 0f, 0f }, set.Queries[0].Labels);
        Assert.Equal(new[] { 0f, 0f, 1f }, set.Queries[1].Labels);
        Assert.Equal("Find it.", set.Queries[0].Instruction);

        File.AppendAllText(Path.Combine(dir, "qrels", "test.tsv"), "q1\tnope\t1\n");
        var ex = Assert.Throws<DatasetFormatException>(() => BeirLoader.Load(dir));
        Assert.Equal(5, ex.Line);
        Assert.Contains("nope", ex.Message, StringComparison.Ordinal);
    }
}
