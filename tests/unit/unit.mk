# Unit tests: every tests/unit/test_NAME.c is a host program, built by
# pattern into $(O)/test/unit/test_NAME under ASan and UBSan, and `make unit`
# runs them all (each prints PASS/FAIL lines). A test of a source file names
# it in UNIT_LINK_test_NAME; adding a test is adding its file (and that line).
UNIT_TESTS := $(patsubst tests/unit/%.c,$(O)/test/unit/%,$(wildcard tests/unit/test_*.c))
UNIT_FLAGS := -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -MMD -MP -Ihyp/core \
              -Ihyp/arch/aarch64/include -iquote hyp/lib -Iplatforms/$(PLATFORM) -Itrace -Itools/llc -iquote monitor
UNIT_LINK_test_pt   := hyp/arch/aarch64/pt.c
UNIT_LINK_test_llc  := tools/llc/llc_model.c
UNIT_LINK_test_llc_time := tools/llc/llc_time.c
UNIT_LINK_test_fold := trace/dump.c
UNIT_LINK_test_siphash := hyp/lib/siphash.c
UNIT_LINK_test_trace_query := monitor/trace_query.c
.PHONY: unit

.SECONDEXPANSION:
$(UNIT_TESTS): $(O)/test/unit/%: tests/unit/%.c $$(UNIT_LINK_$$*) | $(DEPS_OK)
	$(call host_link,$(UNIT_FLAGS),-lm)

# A test that fails without saying so (a crash, a sanitizer's report) gets a line of its own.
unit: $(UNIT_TESTS)
	$(Q)for t in $^; do out=$$($$t 2>&1); rc=$$?; echo "$$out"; [ $$rc = 0 ] || \
		echo "$$out" | grep -q '^FAIL' || echo "FAIL unit/$${t##*/}: exit status $$rc"; done
