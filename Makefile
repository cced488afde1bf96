# Makefile - a thin wrapper over meson/ninja so that `make bench` and
# `make test` work on a fresh clone: each installs what is missing,
# configures its build directory once, builds, and runs.

BUILD ?= build
MESON_OPTS ?=
QUICK ?=
SECONDS ?= 600

# Sanitizer and fuzz builds live beside the main one; `make test` runs the
# whole suite under ASan+UBSan, the concurrent parts under TSan, and a
# bounded fuzz run of the results reader.
ASAN_BUILD = build-asan
TSAN_BUILD = build-tsan
FUZZ_BUILD = build-fuzz
TSAN_SUITES = --suite unit --suite executor --suite workloads
TEST_PACKAGES = clang libclang-rt-14-dev valgrind chromium
SAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
          UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
          TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
LOGS = $(BUILD)/meson-logs/testlog.json \
       $(ASAN_BUILD)/meson-logs/testlog.json \
       $(TSAN_BUILD)/meson-logs/testlog.json \
       $(FUZZ_BUILD)/meson-logs/testlog.json

.PHONY: all bootstrap build bench bench-hyperfine test test-main test-asan \
        test-tsan test-fuzz fuzz clean

all: build

bootstrap:
	@sh scripts/bootstrap.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

build: bootstrap $(BUILD)/build.ninja
	@ninja -C $(BUILD) --quiet

# The default suite (poolbench run --suite default: every workload x every
# executor x the worker sweep 1, 2, 4, .. CPUs, 2 x CPUs, calibrated,
# repeated until precise), then charts and the report; the answer is
# printed last (the summary). The charts of the previous make bench are
# removed first.
# A run that failed (exit 3) is still drawn and shown, and make fails
# after.
bench: build
	@t0=$$(date +%s.%N); rc=0; mkdir -p results plots; \
	$(BUILD)/poolbench run --suite default $(if $(QUICK),--quick) \
	    > plots/run.log || rc=$$?; \
	if [ $$rc -ne 0 ] && [ $$rc -ne 3 ]; then cat plots/run.log; \
	    exit $$rc; fi; \
	rm -f plots/*.svg plots/*.png plots/*.gp plots/*.dat; \
	$(BUILD)/poolbench plot results/latest.json -o plots > plots/plot.log \
	    2>&1 || { cat plots/plot.log; exit 2; }; \
	$(BUILD)/poolbench report results/latest.json -o plots/report.html \
	    > /dev/null 2> plots/report.log || { cat plots/report.log; exit 2; }; \
	echo "results: $$(sed -n 's/^results: //p' plots/run.log | head -n 1)" \
	    "(also results/latest.json; table: $(BUILD)/poolbench show)"; \
	echo "charts:  $$(tail -n 1 plots/plot.log | sed 's/^plot: //')"; \
	echo "report:  plots/report.html"; \
	echo "make bench$(if $(QUICK), QUICK=1) took $$(echo "$$t0 $$(date +%s.%N)" \
	    | awk '{ printf "%.0f", $$2 - $$1 }') s; the answer:"; \
	echo; \
	$(BUILD)/poolbench show results/latest.json --summary; \
	exit $$rc

# Whole-process times per executor with hyperfine (scripts/hyperfine.sh).
bench-hyperfine: build
	@$(if $(QUICK),RUNS=3 WARMUP=1 TASKS=5000) sh scripts/hyperfine.sh

# The last line printed is "N passed, N failed", counted by
# scripts/test-summary.py from meson's own test logs (never typed by
# hand); a build that fails leaves no log and counts as a failure.
test:
	@sh scripts/bootstrap.sh $(TEST_PACKAGES)
	@rm -f $(LOGS)
	-@$(MAKE) --no-print-directory test-main
	-@$(MAKE) --no-print-directory test-asan
	-@$(MAKE) --no-print-directory test-tsan
	-@$(MAKE) --no-print-directory test-fuzz SECONDS=60
	@python3 scripts/test-summary.py $(LOGS)

test-main: build
	meson test -C $(BUILD) --print-errorlogs

test-asan:
	@[ -f $(ASAN_BUILD)/build.ninja ] || meson setup $(ASAN_BUILD) \
	    -Dbuildtype=debug -Db_sanitize=address,undefined
	ninja -C $(ASAN_BUILD)
	$(SAN_ENV) meson test -C $(ASAN_BUILD) --print-errorlogs \
	    --no-suite fuzz --no-suite valgrind --timeout-multiplier 3

test-tsan:
	@[ -f $(TSAN_BUILD)/build.ninja ] || meson setup $(TSAN_BUILD) \
	    -Dbuildtype=debug -Db_sanitize=thread
	ninja -C $(TSAN_BUILD)
	$(SAN_ENV) meson test -C $(TSAN_BUILD) --print-errorlogs $(TSAN_SUITES) \
	    --timeout-multiplier 5

test-fuzz:
	@[ -f $(FUZZ_BUILD)/build.ninja ] || CC=clang meson setup $(FUZZ_BUILD) \
	    -Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false \
	    -Dfuzz=true -Dfuzz_seconds=$(SECONDS)
	meson configure $(FUZZ_BUILD) -Dfuzz_seconds=$(SECONDS)
	ninja -C $(FUZZ_BUILD)
	meson test -C $(FUZZ_BUILD) --print-errorlogs --suite fuzz

# A long fuzz run of the results reader: make fuzz SECONDS=600
fuzz: bootstrap
	@sh scripts/bootstrap.sh $(TEST_PACKAGES)
	$(MAKE) --no-print-directory test-fuzz SECONDS=$(SECONDS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD)
