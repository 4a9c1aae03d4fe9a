using System.CommandLine;
using RefineMemory.Cli;
using RefineMemory.Cli.Commands;

// Each command lives in Commands/; add new ones to this list.
var root = new RootCommand("refine: test-time query refinement for retrieval (RefineMemory).");
root.Subcommands.Add(OptimizeCommand.Create());
root.Subcommands.Add(EmbedCommand.Create());
root.Subcommands.Add(ModelsCommand.Create());
root.Subcommands.Add(InitCommand.Create());
root.Subcommands.Add(IngestCommand.Create());
root.Subcommands.Add(SearchCommand.Create());
root.Subcommands.Add(McpCommand.Create());
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(DemoCommand.Create());

return await CliRunner.RunAsync(root, args);
