# The two commands of the README, plus the steps they are made of. Each step installs the Debian
# packages it needs (as root) and builds DuckDB once into ~/.cache/mallard (see
# scripts/build-duckdb.sh), so a fresh machine needs nothing else.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)

.PHONY: all deps build test demo clean

all: build

deps:
	@bash scripts/install-deps.sh build

build: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	@bash scripts/install-deps.sh test
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The event pipeline end to end (src/pipeline/demo_command.cpp): it starts and stops its own
# PostgreSQL, so it needs the server package; the lake stays in build/demo/mallard-demo/.
demo: build
	@bash scripts/install-deps.sh demo
	@mkdir -p $(BUILD_DIR)/demo
	@cd $(BUILD_DIR)/demo && $(CURDIR)/$(BUILD_DIR)/mallard demo

clean:
	rm -rf $(BUILD_DIR)
