# Makefile - a thin wrapper over meson/ninja so that `make bench` and
# `make test` work on a fresh clone: each installs what is missing,
# configures the build directory once, builds, and runs.

BUILD ?= build
MESON_OPTS ?=
QUICK ?=

.PHONY: all bootstrap build bench bench-hyperfine test clean

all: build

bootstrap:
	@sh scripts/bootstrap.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

build: bootstrap $(BUILD)/build.ninja
	ninja -C $(BUILD)

# The default suite (poolbench run --suite default: every workload x every
# executor x workers 1, CPUs, 2 x CPUs), then charts and the report. A run
# that failed (exit 3) is still drawn, and make fails after.
bench: build
	@t0=$$(date +%s.%N); rc=0; mkdir -p results plots; \
	$(BUILD)/poolbench run --suite default $(if $(QUICK),--quick) || rc=$$?; \
	if [ $$rc -ne 0 ] && [ $$rc -ne 3 ]; then exit $$rc; fi; \
	$(BUILD)/poolbench plot results/latest.json -o plots > plots/plot.log \
	    || exit $$?; \
	$(BUILD)/poolbench report results/latest.json -o plots/report.html \
	    2> /dev/null > /dev/null || exit $$?; \
	echo; \
	echo "results: results/latest.json (and a timestamped copy in results/)"; \
	echo "charts:  $$(tail -n 1 plots/plot.log | sed 's/^plot: //')"; \
	echo "         list: plots/plot.log"; \
	echo "report:  plots/report.html"; \
	echo "make bench$(if $(QUICK), QUICK=1) took $$(echo "$$t0 $$(date +%s.%N)" \
	    | awk '{ printf "%.1f", $$2 - $$1 }') s"; \
	exit $$rc

# Whole-process times per executor with hyperfine (scripts/hyperfine.sh).
bench-hyperfine: build
	@$(if $(QUICK),RUNS=3 WARMUP=1 TASKS=5000) sh scripts/hyperfine.sh

# The last line printed is "N passed, N failed", counted from meson's own
# test log (never typed by hand); the exit status is non-zero on failure.
test: build
	@rm -f $(BUILD)/meson-logs/testlog.json
	-meson test -C $(BUILD) --print-errorlogs
	@python3 scripts/test-summary.py $(BUILD)/meson-logs/testlog.json

clean:
	rm -rf $(BUILD)
