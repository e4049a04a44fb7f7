# opentapi - build, test, benchmark, install.
#   make                 library (shared + static), the tapi tool, the test runner
#   make test            the whole suite: plain, ASan+UBSan (leaks fail), TSan, ABI check
#   make check           the plain suite only (fast)
#   make demo            run `tapi demo` on the embedded switch
#   make bench           the call-cycle benchmark (not part of the tests)
#   make install PREFIX=/usr/local
# Variables: CC, BUILD (output dir), SAN (address|thread), WERROR=1 (-Werror; CI sets it),
#            NO_SIP=1 (leave the SIP provider out even if Sofia-SIP is installed),
#            NO_KAMAILIO=1 (leave the Kamailio provider out even if Jansson is installed).

CC       ?= cc
BUILD    ?= build
PREFIX   ?= /usr/local
VERSION  := 0.1.0

WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
            -Wno-missing-field-initializers
ifeq ($(WERROR),1)
WARN     += -Werror
endif
OPT      ?= -O2 -g
CSTD     := -std=c11 -D_POSIX_C_SOURCE=200809L
SANFLAGS :=
ifeq ($(SAN),address)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
OPT      := -O1 -g
endif
ifeq ($(SAN),thread)
SANFLAGS := -fsanitize=thread
OPT      := -O1 -g
endif

CPPFLAGS_LIB := -Iinclude -Isrc/core
CFLAGS_ALL   := $(CSTD) $(WARN) $(OPT) $(SANFLAGS) $(CFLAGS)
LDLIBS_LIB   := -lpthread

CORE_SRC := src/core/util.c src/core/config.c src/core/app.c src/core/line.c \
            src/core/call.c src/core/callapi.c src/core/confapi.c src/core/names.c \
            src/providers/sim/sim.c src/providers/sim/simconf.c \
            $(wildcard src/tapi3/*.c)
# The SIP provider is built when Sofia-SIP is installed (the README commands install it).
SIP_SRC  := $(wildcard src/providers/sip/*.c)
ifneq ($(NO_SIP),1)
ifneq ($(SIP_SRC),)
ifeq ($(shell pkg-config --exists sofia-sip-ua && echo yes),yes)
CORE_SRC     += $(SIP_SRC)
WITH_SIP     := 1
CPPFLAGS_LIB += -DOT_WITH_SIP $(shell pkg-config --cflags sofia-sip-ua)
LDLIBS_LIB   += $(shell pkg-config --libs sofia-sip-ua)
endif
endif
endif
# The Kamailio provider is built when Jansson is installed (libjansson-dev);
# it shares the SIP provider's header mapping (sipmap.c, no Sofia-SIP needed).
KAM_SRC  := $(wildcard src/providers/kamailio/*.c)
ifneq ($(NO_KAMAILIO),1)
ifneq ($(KAM_SRC),)
ifeq ($(shell pkg-config --exists jansson && echo yes),yes)
CORE_SRC     += $(KAM_SRC) $(if $(WITH_SIP),,src/providers/sip/sipmap.c)
WITH_KAM     := 1
CPPFLAGS_LIB += -DOT_WITH_KAMAILIO $(shell pkg-config --cflags jansson)
LDLIBS_LIB   += $(shell pkg-config --libs jansson)
endif
endif
endif
LIB_OBJ  := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
PIC_OBJ  := $(CORE_SRC:%.c=$(BUILD)/pic/%.o)

TEST_SRC := $(wildcard tests/*.c)
ifneq ($(WITH_SIP),1)
TEST_SRC := $(foreach f,$(TEST_SRC),$(if $(findstring sip,$(notdir $f)),,$f))
endif
# the Kamailio provider's tests (test_kam*.c) use the SIP tests' helpers
ifneq ($(WITH_KAM)$(WITH_SIP),11)
TEST_SRC := $(foreach f,$(TEST_SRC),$(if $(findstring test_kam,$(notdir $f)),,$f))
endif
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)
TOOL_SRC := $(wildcard tools/*.c)
ifneq ($(WITH_SIP),1)
TOOL_SRC := $(foreach f,$(TOOL_SRC),$(if $(findstring sip,$(notdir $f)),,$f))
endif
TOOL_OBJ := $(TOOL_SRC:%.c=$(BUILD)/obj/%.o)
EXAMPLES := $(patsubst examples/%.c,$(BUILD)/examples/%,$(wildcard examples/*.c))

.PHONY: all lib test check check-asan check-tsan check-fuzz fuzz abi demo bench install clean

all: lib $(BUILD)/tapi $(BUILD)/test-runner $(EXAMPLES)

lib: $(BUILD)/libopentapi.a $(BUILD)/libopentapi.so

$(BUILD)/obj/%.o: %.c $(wildcard include/*.h src/core/*.h src/providers/*/*.h tests/*.h tools/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_LIB) $(CFLAGS_ALL) -fvisibility=hidden -c $< -o $@

$(BUILD)/pic/%.o: %.c $(wildcard include/*.h src/core/*.h src/providers/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_LIB) $(CFLAGS_ALL) -fvisibility=hidden -fPIC -c $< -o $@

$(BUILD)/libopentapi.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libopentapi.so: $(PIC_OBJ)
	$(CC) -shared -Wl,-soname,libopentapi.so.0 $(SANFLAGS) -o $@ $^ $(LDLIBS_LIB)

$(BUILD)/tapi: $(TOOL_OBJ) $(BUILD)/libopentapi.a
	$(CC) $(SANFLAGS) -o $@ $(TOOL_OBJ) $(BUILD)/libopentapi.a $(LDLIBS_LIB)

# Examples are built as an application would: public headers and the library only.
$(BUILD)/examples/%: examples/%.c $(BUILD)/libopentapi.a $(wildcard include/*.h)
	@mkdir -p $(dir $@)
	$(CC) -Iinclude $(CFLAGS_ALL) -o $@ $< $(BUILD)/libopentapi.a $(LDLIBS_LIB)

# Fuzz targets as replay programs (`make fuzz` builds the libFuzzer versions).
$(BUILD)/fuzz_%: fuzz/fuzz_%.c $(BUILD)/libopentapi.a $(wildcard include/*.h)
	$(CC) -Iinclude $(CFLAGS_ALL) -o $@ $< $(BUILD)/libopentapi.a $(LDLIBS_LIB)

# The SIP command-line tests run the tapi tool next to the runner.
$(BUILD)/test-runner: $(TEST_OBJ) $(BUILD)/libopentapi.a $(if $(WITH_SIP),$(BUILD)/tapi)
	$(CC) $(SANFLAGS) -o $@ $(TEST_OBJ) $(BUILD)/libopentapi.a $(LDLIBS_LIB)

# --- tests -----------------------------------------------------------------
check: $(BUILD)/test-runner
	$(BUILD)/test-runner

check-asan:
	$(MAKE) --no-print-directory BUILD=build/asan SAN=address build/asan/test-runner
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    build/asan/test-runner

check-tsan:
	$(MAKE) --no-print-directory BUILD=build/tsan SAN=thread build/tsan/test-runner
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 build/tsan/test-runner --threaded

abi:
	bash tests/abi/check.sh
	bash tests/abi/check_tapi3.sh

# Replay the fuzz corpora and a fixed set of generated inputs under ASan+UBSan.
check-fuzz:
	$(MAKE) --no-print-directory BUILD=build/asan SAN=address build/asan/fuzz_api build/asan/fuzz_config
	build/asan/fuzz_api --random 2000 1 && build/asan/fuzz_api fuzz/corpus/api/*
	build/asan/fuzz_config --random 5000 7 2>/dev/null && build/asan/fuzz_config fuzz/corpus/config/* 2>/dev/null
ifeq ($(WITH_SIP),1)
	$(MAKE) --no-print-directory BUILD=build/asan SAN=address build/asan/fuzz_sipmap
	build/asan/fuzz_sipmap --random 200000 3 && build/asan/fuzz_sipmap fuzz/corpus/sipmap/*
endif

# libFuzzer builds (clang): build/fuzz/fuzz_api, build/fuzz/fuzz_config, build/fuzz/fuzz_sipmap
# (the SIP provider's header mapping: pure functions, no Sofia-SIP needed).
fuzz:
	$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang SAN=address NO_SIP=1 \
	    CFLAGS=-fsanitize=fuzzer-no-link build/fuzz/libopentapi.a
	for t in api config; do clang -std=c11 -D_POSIX_C_SOURCE=200809L -DOT_LIBFUZZER -g -O1 \
	    -fsanitize=fuzzer,address,undefined -Iinclude fuzz/fuzz_$$t.c build/fuzz/libopentapi.a \
	    -lpthread -o build/fuzz/fuzz_$$t || exit 1; done
	clang -std=c11 -D_POSIX_C_SOURCE=200809L -DOT_LIBFUZZER -g -O1 -fsanitize=fuzzer,address,undefined \
	    -Iinclude -Isrc/core fuzz/fuzz_sipmap.c src/providers/sip/sipmap.c -o build/fuzz/fuzz_sipmap

# The whole suite; the last line is the runner's "N passed, N failed" total.
test: all
	bash tests/run-all.sh

# --- main job, benchmark -----------------------------------------------------
demo: $(BUILD)/tapi
	$(BUILD)/tapi demo

bench: $(BUILD)/bench-cycle
	$(BUILD)/bench-cycle

# The Kamailio provider's benchmark program (bench/kamailio.sh runs it).
$(BUILD)/bench-kamailio: bench/kamailio.c $(BUILD)/libopentapi.a
	$(CC) -Iinclude $(CSTD) $(WARN) -O2 -g -o $@ $< $(BUILD)/libopentapi.a $(LDLIBS_LIB)

$(BUILD)/bench-cycle: bench/cycle.c $(BUILD)/libopentapi.a
	$(CC) $(CPPFLAGS_LIB) $(CSTD) $(WARN) -O2 -g -o $@ $< $(BUILD)/libopentapi.a $(LDLIBS_LIB)

# --- install -----------------------------------------------------------------
install: lib $(BUILD)/tapi
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin
	install -m 644 $(wildcard include/*.h) $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(BUILD)/libopentapi.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(BUILD)/libopentapi.so $(DESTDIR)$(PREFIX)/lib/libopentapi.so.$(VERSION)
	ln -sf libopentapi.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libopentapi.so.0
	ln -sf libopentapi.so.0 $(DESTDIR)$(PREFIX)/lib/libopentapi.so
	install -m 755 $(BUILD)/tapi $(DESTDIR)$(PREFIX)/bin/tapi
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' -e 's|@PRIVLIBS@|$(LDLIBS_LIB)|g' opentapi.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/opentapi.pc

clean:
	rm -rf build
