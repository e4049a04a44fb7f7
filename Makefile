# opentapi - build, test, benchmark, install.
#   make                 library (shared + static), the tapi tool, the test runner
#   make test            the whole suite: plain, ASan+UBSan (leaks fail), TSan, ABI check
#   make check           the plain suite only (fast)
#   make mutants         tests of the tests: each deliberate breakage of tests/mutants/ must be caught
#   make demo            run `tapi demo` on the embedded switch
#   make bench           the call-cycle benchmark (not part of the tests)
#   make fuzz-campaign SECONDS=3600   every libFuzzer target that long, corpora merged (docs/testing.md)
#   make install PREFIX=/usr/local   (make uninstall PREFIX=... removes it again)
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

CPPFLAGS_LIB := -Iinclude -Isrc/core -Isrc/server
CFLAGS_ALL   := $(CSTD) $(WARN) $(OPT) $(SANFLAGS) $(CFLAGS)
LDLIBS_LIB   := -lpthread

CORE_SRC := src/core/util.c src/core/log.c src/core/config.c src/core/app.c src/core/line.c \
            src/core/call.c src/core/callapi.c src/core/confapi.c src/core/names.c \
            src/core/rpc.c src/core/client.c \
            src/server/server.c src/server/access.c src/server/dispatch.c \
            src/providers/sim/sim.c src/providers/sim/simcall.c src/providers/sim/simconf.c \
            src/providers/sim/simdigits.c \
            $(wildcard src/tapi3/*.c)
# The rest of the TAPI 2.2 API (issue 10): dialing rules, devices, call parameters, not-yet.
CORE_SRC += src/core/dialing.c src/core/location.c src/core/countries.c src/core/notyet.c \
            src/core/phone.c src/core/devapi.c src/core/callparams.c \
            src/core/precond.c src/core/assist.c src/core/handoff.c \
            src/core/statusapi.c src/core/mediaapi.c
# Routing (issue 10): forward, redirect, park, pickup, swap hold, completion, secure.
CORE_SRC += src/core/forward.c src/core/routeapi.c src/providers/sim/simroute.c
# Call-centre (agent) functions and their ACD proxies (issue 10).
CORE_SRC += src/core/agentapi.c src/core/proxy.c
# The SIP provider is built when Sofia-SIP is installed (the README commands install it).
SIP_SRC  := $(wildcard src/providers/sip/*.c)
ifneq ($(NO_SIP),1)
ifneq ($(SIP_SRC),)
# OpenSSL (libssl-dev) checks the TLS certificates of SIP lines (siptls.c).
ifeq ($(shell pkg-config --exists sofia-sip-ua openssl && echo yes),yes)
CORE_SRC     += $(SIP_SRC)
WITH_SIP     := 1
CPPFLAGS_LIB += -DOT_WITH_SIP $(shell pkg-config --cflags sofia-sip-ua openssl)
LDLIBS_LIB   += $(shell pkg-config --libs sofia-sip-ua openssl)
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
# The tool writes pcap files with libpcap when it is installed (Debian libpcap-dev).
ifeq ($(shell pkg-config --exists libpcap && echo yes),yes)
TOOL_CPPFLAGS := -DOT_WITH_PCAP $(shell pkg-config --cflags libpcap)
TOOL_LIBS     := $(shell pkg-config --libs libpcap)
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

.PHONY: all lib test check check-asan check-tsan check-fuzz fuzz fuzz-campaign abi demo bench bench-service bench-teardown soak install uninstall clean mutants

all: lib $(BUILD)/tapi $(BUILD)/tapisrv $(BUILD)/test-runner $(EXAMPLES)

lib: $(BUILD)/libopentapi.a $(BUILD)/libopentapi.so

$(BUILD)/obj/%.o: %.c $(wildcard include/*.h src/core/*.h src/server/*.h src/providers/*/*.h src/tapi3/*.h tests/*.h tools/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_LIB) $(CFLAGS_ALL) -fvisibility=hidden -c $< -o $@

$(BUILD)/pic/%.o: %.c $(wildcard include/*.h src/core/*.h src/server/*.h src/providers/*/*.h src/tapi3/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_LIB) $(CFLAGS_ALL) -fvisibility=hidden -fPIC -c $< -o $@

$(BUILD)/libopentapi.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libopentapi.so: $(PIC_OBJ)
	$(CC) -shared -Wl,-soname,libopentapi.so.0 $(SANFLAGS) -o $@ $^ $(LDLIBS_LIB)

$(BUILD)/tapi: $(TOOL_OBJ) $(BUILD)/libopentapi.a
	$(CC) $(SANFLAGS) -o $@ $(TOOL_OBJ) $(BUILD)/libopentapi.a $(LDLIBS_LIB) $(TOOL_LIBS)

$(BUILD)/obj/tools/%.o: tools/%.c $(wildcard include/*.h src/core/*.h tools/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_LIB) $(TOOL_CPPFLAGS) $(CFLAGS_ALL) -c $< -o $@

# The telephony service (docs/service.md).
$(BUILD)/tapisrv: $(BUILD)/obj/tools/tapisrv/tapisrv.o $(BUILD)/libopentapi.a
	$(CC) $(SANFLAGS) -o $@ $< $(BUILD)/libopentapi.a $(LDLIBS_LIB)

# Examples are built as an application would: public headers and the library only.
$(BUILD)/examples/%: examples/%.c $(BUILD)/libopentapi.a $(wildcard include/*.h)
	@mkdir -p $(dir $@)
	$(CC) -Iinclude $(CFLAGS_ALL) -o $@ $< $(BUILD)/libopentapi.a $(LDLIBS_LIB)

# Fuzz targets as replay programs (`make fuzz` builds the libFuzzer versions).
$(BUILD)/fuzz_%: fuzz/fuzz_%.c $(BUILD)/libopentapi.a $(wildcard include/*.h)
	$(CC) -Iinclude $(CFLAGS_ALL) -o $@ $< $(BUILD)/libopentapi.a $(LDLIBS_LIB)

# The telephony service's frame decoder (internal: rpc.h).
$(BUILD)/fuzz_frame: fuzz/fuzz_frame.c $(BUILD)/libopentapi.a $(wildcard include/*.h src/core/*.h)
	$(CC) -Iinclude -Isrc/core $(CFLAGS_ALL) -o $@ $< $(BUILD)/libopentapi.a $(LDLIBS_LIB)

# The SIP command-line tests run the tapi tool next to the runner.
# malloc, calloc and realloc wrapped: tests/test_alloc.c fails them one at a time.
TEST_WRAP := -Wl,--wrap=malloc -Wl,--wrap=calloc -Wl,--wrap=realloc
$(BUILD)/test-runner: $(TEST_OBJ) $(BUILD)/libopentapi.a $(BUILD)/tapisrv $(BUILD)/tapi
	$(CC) $(SANFLAGS) $(TEST_WRAP) -o $@ $(TEST_OBJ) $(BUILD)/libopentapi.a $(LDLIBS_LIB)

# tests/test_agent_example.c builds the example ACD proxy in.
$(BUILD)/obj/tests/test_agent_example.o: examples/acd_proxy.c
# ... and runs it as a process (a proxy serving the telephony service's clients).
$(BUILD)/test-runner: $(BUILD)/examples/acd_proxy

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
	@# received UUI beyond a line's limit is ignored with a warning, on purpose in these programs
	OPENTAPI_LOG=error build/asan/fuzz_api --random 2000 1 && OPENTAPI_LOG=error build/asan/fuzz_api --cover fuzz/corpus/api/*
	build/asan/fuzz_config --random 5000 7 2>/dev/null && build/asan/fuzz_config fuzz/corpus/config/* 2>/dev/null
	$(MAKE) --no-print-directory BUILD=build/asan SAN=address build/asan/fuzz_frame
	build/asan/fuzz_frame --random 100000 5 && build/asan/fuzz_frame fuzz/corpus/frame/*
ifeq ($(WITH_SIP),1)
	$(MAKE) --no-print-directory BUILD=build/asan SAN=address build/asan/fuzz_sipmap
	build/asan/fuzz_sipmap --random 200000 3 && build/asan/fuzz_sipmap fuzz/corpus/sipmap/*
	$(MAKE) --no-print-directory BUILD=build/asan SAN=address build/asan/fuzz_sip
	@# under a SIGALRM every millisecond, as libFuzzer's watchdog sends one (every 601 s): no wait of
	@# the harness or the library may take an interrupted system call for its end
	OPENTAPI_LOG=error FUZZ_SIP_ALARM_US=1000 build/asan/fuzz_sip fuzz/corpus/sip/*
endif

# libFuzzer builds (clang): build/fuzz/fuzz_api, build/fuzz/fuzz_config, build/fuzz/fuzz_sipmap
# (the SIP provider's header mapping: pure functions) and, with the SIP provider, build/fuzz/fuzz_sip
# (SIP messages through Sofia-SIP into the provider over 127.0.0.1).
FUZZ_CC := clang -std=c11 -D_POSIX_C_SOURCE=200809L -DOT_LIBFUZZER -g -O1 \
           -fsanitize=fuzzer,address,undefined -Iinclude
fuzz:
	$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang SAN=address $(if $(WITH_SIP),,NO_SIP=1) \
	    CFLAGS=-fsanitize=fuzzer-no-link build/fuzz/libopentapi.a
	for t in api config $(if $(WITH_SIP),sip); do $(FUZZ_CC) fuzz/fuzz_$$t.c build/fuzz/libopentapi.a \
	    $(LDLIBS_LIB) -o build/fuzz/fuzz_$$t || exit 1; done
	$(FUZZ_CC) -Isrc/core fuzz/fuzz_sipmap.c src/providers/sip/sipmap.c -o build/fuzz/fuzz_sipmap
	$(FUZZ_CC) -Isrc/core fuzz/fuzz_frame.c src/core/rpc.c -o build/fuzz/fuzz_frame

# A fuzzing campaign: each target for SECONDS (one at a time, nice 19), then the new inputs that
# add coverage are merged into fuzz/corpus/<target>; TARGETS= picks some, PARALLEL=1 runs the
# targets at the same time (fuzz/campaign.sh).
SECONDS ?= 3600
fuzz-campaign: fuzz
	FUZZ_PARALLEL=$(if $(PARALLEL),1,0) bash fuzz/campaign.sh $(SECONDS) $(TARGETS)

# Tests of the tests: apply each mutant of tests/mutants/ to a copy of the tree
# (build/mutants/tree), run the suite, report which tests caught it
# (docs/testing.md).  MUTANTS="name ..." runs some; the CI stage runs --ci.
mutants:
	bash tests/mutants/run.sh $(MUTANTS)

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

# The call cycle through the telephony service, caller and callee in two processes.
bench-service: $(BUILD)/bench-service $(BUILD)/tapisrv
	$(BUILD)/bench-service
	$(BUILD)/bench-service --fanout 1000

$(BUILD)/bench-service: bench/service.c $(BUILD)/libopentapi.a
	$(CC) -Iinclude $(CSTD) $(WARN) -O2 -g -o $@ $< $(BUILD)/libopentapi.a $(LDLIBS_LIB)

bench-teardown: $(BUILD)/bench-teardown
	$(BUILD)/bench-teardown

# Bounded soak for CI: 10,000 standing calls torn down, and (with SIP) a 2 s
# INVITE flood at twice the default rate that must get a final response to
# every INVITE and let an ordinary call through right after.
soak: $(BUILD)/bench-teardown $(BUILD)/tapi
	$(BUILD)/bench-teardown --max 10000
ifeq ($(WITH_SIP),1)
	FLOOD_QUICK=1 TAPI=$(BUILD)/tapi bash bench/sip-flood.sh 1000 2
endif

$(BUILD)/bench-teardown: bench/teardown.c $(BUILD)/libopentapi.a
	$(CC) $(CPPFLAGS_LIB) $(CSTD) $(WARN) -O2 -g -o $@ $< $(BUILD)/libopentapi.a $(LDLIBS_LIB)

# Requests to an ACD proxy that never answers: the bound (docs/robustness.md).
$(BUILD)/bench-proxy-pending: bench/proxy-pending.c $(BUILD)/libopentapi.a
	$(CC) -Iinclude $(CSTD) $(WARN) -O2 -g -o $@ $< $(BUILD)/libopentapi.a $(LDLIBS_LIB)

# --- install -----------------------------------------------------------------
# A prefix the dynamic linker searches (/usr, /usr/local) gets `ldconfig` after
# the install; any other prefix gets an rpath in opentapi.pc and in the CMake
# target, so programs linked against it run without LD_LIBRARY_PATH.
SYSTEM_PREFIX := $(filter /usr /usr/local,$(patsubst %/,%,$(PREFIX)))
PC_RPATH      := $(if $(SYSTEM_PREFIX),,-Wl,-rpath,$${libdir} )
PC_REQPRIV    := $(strip $(if $(WITH_SIP),sofia-sip-ua openssl) $(if $(WITH_KAM),jansson))
MAJOR         := $(firstword $(subst ., ,$(VERSION)))
MANPAGES      := $(wildcard man/*.1)
MANPAGES8     := $(wildcard man/*.8)
CMAKEDIR      := $(PREFIX)/lib/cmake/opentapi

install: lib $(BUILD)/tapi $(BUILD)/tapisrv
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin \
	    $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(CMAKEDIR) \
	    $(DESTDIR)$(PREFIX)/lib/systemd/system $(DESTDIR)$(PREFIX)/share/doc/opentapi
	install -m 755 $(BUILD)/tapisrv $(DESTDIR)$(PREFIX)/bin/tapisrv
	sed -e 's|/usr/local|$(PREFIX)|g' dist/tapisrv.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/tapisrv.service
	install -m 644 dist/tapisrv.socket $(DESTDIR)$(PREFIX)/lib/systemd/system/tapisrv.socket
	install -m 644 docs/service.md $(DESTDIR)$(PREFIX)/share/doc/opentapi/service.md
	$(if $(MANPAGES8),install -m 644 $(MANPAGES8) $(DESTDIR)$(PREFIX)/share/man/man8/)
	install -m 644 $(wildcard include/*.h) $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(BUILD)/libopentapi.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(BUILD)/libopentapi.so $(DESTDIR)$(PREFIX)/lib/libopentapi.so.$(VERSION)
	ln -sf libopentapi.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libopentapi.so.0
	ln -sf libopentapi.so.0 $(DESTDIR)$(PREFIX)/lib/libopentapi.so
	install -m 755 $(BUILD)/tapi $(DESTDIR)$(PREFIX)/bin/tapi
	install -m 644 $(MANPAGES) $(DESTDIR)$(PREFIX)/share/man/man1/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' -e 's|@RPATH@|$(PC_RPATH)|g' \
	    -e 's|@REQPRIV@|$(PC_REQPRIV)|g' opentapi.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/opentapi.pc
	sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@RPATH_CMAKE@|$(if $(SYSTEM_PREFIX),FALSE,TRUE)|g' \
	    cmake/opentapi-config.cmake.in > $(DESTDIR)$(CMAKEDIR)/opentapi-config.cmake
	sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@MAJOR@|$(MAJOR)|g' \
	    cmake/opentapi-config-version.cmake.in > $(DESTDIR)$(CMAKEDIR)/opentapi-config-version.cmake
ifneq ($(SYSTEM_PREFIX),)
	if [ -z "$(DESTDIR)" ] && [ -w /etc/ld.so.cache ]; then ldconfig; fi
endif

# Removes exactly what `make install` put there (same PREFIX and DESTDIR).
uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/include/,$(notdir $(wildcard include/*.h))) \
	    $(DESTDIR)$(PREFIX)/lib/libopentapi.a $(DESTDIR)$(PREFIX)/lib/libopentapi.so \
	    $(DESTDIR)$(PREFIX)/lib/libopentapi.so.0 $(DESTDIR)$(PREFIX)/lib/libopentapi.so.$(VERSION) \
	    $(DESTDIR)$(PREFIX)/bin/tapi $(DESTDIR)$(PREFIX)/lib/pkgconfig/opentapi.pc \
	    $(addprefix $(DESTDIR)$(PREFIX)/share/man/man1/,$(notdir $(MANPAGES))) \
	    $(DESTDIR)$(CMAKEDIR)/opentapi-config.cmake $(DESTDIR)$(CMAKEDIR)/opentapi-config-version.cmake \
	    $(DESTDIR)$(PREFIX)/bin/tapisrv $(addprefix $(DESTDIR)$(PREFIX)/share/man/man8/,$(notdir $(MANPAGES8))) \
	    $(DESTDIR)$(PREFIX)/lib/systemd/system/tapisrv.service \
	    $(DESTDIR)$(PREFIX)/lib/systemd/system/tapisrv.socket \
	    $(DESTDIR)$(PREFIX)/share/doc/opentapi/service.md
	-rmdir $(DESTDIR)$(CMAKEDIR) $(DESTDIR)$(PREFIX)/share/doc/opentapi 2>/dev/null
ifneq ($(SYSTEM_PREFIX),)
	if [ -z "$(DESTDIR)" ] && [ -w /etc/ld.so.cache ]; then ldconfig; fi
endif

clean:
	rm -rf build
