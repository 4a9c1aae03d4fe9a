# RefineMemory: the README's commands.
#   make demo   set up, then run the main job (refine demo)
#   make test   set up, build, pack, then run every test (the package tests build a consumer from the packs)
#   make pack   set up, build, then pack every package and the tool into artifacts/packages
#   make bench  set up, then run the benchmarks
# Set-up (eng/setup.sh) is idempotent: NuGet restore and the npm assets, verified by checksum.

DOTNET ?= dotnet
CONFIG ?= Release
CLI = src/RefineMemory.Cli/RefineMemory.Cli.csproj

.PHONY: setup build pack test demo bench fixtures clean

setup:
	./eng/setup.sh

build: setup
	$(DOTNET) build RefineMemory.sln -c $(CONFIG) --no-restore --nologo -v quiet

# The packages and the tool, one version (Directory.Build.props); emptied first so no stale package is tested.
# The tool is packed from the CLI's publish folder, which publish refreshes only with newer files: a package
# update whose files carry older timestamps (many do) would keep the previous DLLs there, so it starts empty too.
pack: build
	rm -rf artifacts/packages $(dir $(CLI))bin/$(CONFIG)/net10.0/publish
	$(DOTNET) pack RefineMemory.sln -c $(CONFIG) --no-build --nologo -v quiet

test: pack
	$(DOTNET) test RefineMemory.sln -c $(CONFIG) --no-build --nologo -v quiet

demo: build
	$(DOTNET) run --project $(CLI) -c $(CONFIG) --no-build -- demo

bench: build
	$(DOTNET) run --project benchmarks/RefineMemory.Benchmarks -c $(CONFIG) --no-build -- $(ARGS)

# Regenerates the committed reference fixtures (needs Debian's python3-torch and python3-sklearn; not run by CI).
fixtures:
	/usr/bin/python3 eng/fixtures/make_refinement_fixtures.py
	/usr/bin/python3 eng/fixtures/make_metric_fixtures.py
	/usr/bin/python3 eng/fixtures/onnx/make_tokenizer_fixtures.py
	/usr/bin/python3 eng/fixtures/onnx/make_model_fixtures.py

clean:
	$(DOTNET) clean RefineMemory.sln --nologo -v quiet
