# Makefile - a thin wrapper over meson/ninja so that `make bench` and
# `make test` work on a fresh clone: each installs what is missing,
# configures the build directory once, builds, and runs.

BUILD ?= build
MESON_OPTS ?=
QUICK ?=

.PHONY: all bootstrap build bench test clean

all: build

bootstrap:
	@sh scripts/bootstrap.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

build: bootstrap $(BUILD)/build.ninja
	ninja -C $(BUILD)

bench: build
	$(BUILD)/poolbench run $(if $(QUICK),--quick)

# The last line printed is "N passed, N failed", counted from meson's own
# test log (never typed by hand); the exit status is non-zero on failure.
test: build
	@rm -f $(BUILD)/meson-logs/testlog.json
	-meson test -C $(BUILD) --print-errorlogs
	@python3 scripts/test-summary.py $(BUILD)/meson-logs/testlog.json

clean:
	rm -rf $(BUILD)
