# landrun - top-level Makefile. `make demo` and `make check` do all the set-up on a fresh Debian
# machine: install missing packages (build-aux/deps.sh), configure, build, run. A plain `make`
# only builds: it needs the build set of build-aux/deps.sh and names what is missing.

# B: build directory (the sanitizer build uses its own).
B ?= .

# The package sets of build-aux/deps.sh each target needs beyond the build set. These targets
# install what is missing (as root, with apt-get) when make starts, before config.mk is made,
# so that one command sets up a fresh machine; `make -n` installs nothing.
NEEDS_demo = git
NEEDS_check = test git man valgrind jobs
NEEDS_check-asan = $(NEEDS_check)
NEEDS_check-abi = test
NEEDS_check-nolandlock = uml
NEEDS_check-valgrind = valgrind
NEEDS_check-man = man
NEEDS_lint = lint
NEEDS_bench = git bench
NEEDS_deps = $(NEEDS_check)
NEEDS_deb = deb git
# fuzz needs the build set only (tests/fuzz/run.sh installs clang's libFuzzer itself).
INSTALLING_GOALS = demo check check-asan check-abi check-nolandlock check-valgrind check-man lint fuzz bench deps deb

ifneq ($(filter clean distclean,$(MAKECMDGOALS)),)
else
ifneq ($(filter $(INSTALLING_GOALS),$(MAKECMDGOALS)),)
ifeq ($(findstring n,$(firstword -$(MAKEFLAGS))),)
# deps.sh writes its report to stderr, which make shows; $(shell) returns its exit status.
DEPS_STATUS := $(shell sh build-aux/deps.sh build $(sort $(foreach g,$(MAKECMDGOALS),$(NEEDS_$(g)))) >&2; echo $$?)
ifneq ($(DEPS_STATUS),0)
$(error missing packages (see above))
endif
endif
endif
# make deb builds from a copy of the tree: it configures nothing here
ifneq ($(MAKECMDGOALS),deb)
include config.mk
endif
endif

SRC_LIB = src/util.c src/policy.c src/names.c src/syscall_groups.c src/baseline.c src/landlock_rights.c src/landlock.c src/seccomp.c src/bpf_dispatch.c \
          src/env.c src/process.c src/sandbox.c src/apply.c src/exec.c src/explain.c src/lib.c src/command.c src/supervise.c \
          src/policy_guard.c src/resolve.c src/check.c src/trace.c src/denials.c src/learn.c src/learn_base.c src/workdir.c src/tmpdir.c \
          src/catalog.c src/explain_json.c src/metadata.c src/netcalls.c src/notify.c src/notify_pool.c
OBJ_CORE = $(SRC_LIB:%.c=$(B)/%.o) $(B)/src/default_policy.o
OBJ_LIB = $(OBJ_CORE) $(B)/src/seccomp_prebuilt.o
OBJ_CLI = $(B)/src/cli.o $(B)/src/nettle_cpuid.o $(B)/src/static_origin.o
SRC_LIB += src/ldd.c

# make install PREFIX=/usr DESTDIR=/tmp/pkg (PREFIX defaults to configure's --prefix)
PREFIX ?= $(prefix)
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
POLICY_DIR = $(PREFIX)/share/landrun/policies
# Each object depends on the headers it includes, as the compiler lists them in $(B)/src/*.d.
DEPFLAGS = -MMD -MP
WARN = -Wall -Wextra -Werror -Wvla -Wshadow -Wstrict-prototypes
BASE_CFLAGS = -std=gnu11 -D_GNU_SOURCE -O2 -g $(WARN) -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIC
SAN_CFLAGS ?=
ALL_CFLAGS = $(BASE_CFLAGS) $(SAN_CFLAGS) $(SECCOMP_CFLAGS) $(INIH_CFLAGS) $(NETTLE_CFLAGS) \
             -DLANDRUN_VERSION='"$(VERSION)"' -DLANDRUN_POLICY_DIR='"$(POLICY_DIR)"' $(CFLAGS)
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now $(SAN_CFLAGS) $(LDFLAGS)
LIBS = $(SECCOMP_LIBS) $(INIH_LIBS) $(NETTLE_LIBS)

# Criterion is needed for the tests only: asked when they are built, so that a tree configured
# before `make check` installed it builds them.
CRITERION_CFLAGS = $(shell pkg-config --cflags criterion)
CRITERION_LIBS = $(shell pkg-config --libs criterion)
# libcap-ng is the tests' independent oracle for capability names and sets (not linked into
# landrun: see src/names.c)
CAPNG_LIBS = $(shell pkg-config --libs libcap-ng)
TEST_COMMON = tests/common.c
UNIT_SRC = $(wildcard tests/unit/*.c)
INTEG_SRC = $(wildcard tests/integration/*.c)
TEST_CFLAGS = $(ALL_CFLAGS) $(CRITERION_CFLAGS) -Isrc -Itests \
              -DLANDRUN_BIN='"$(abspath $(B))/src/landrun"' -DLANDRUN_SRCDIR='"$(CURDIR)"' \
              -DLANDRUN_TESTS_BIN='"$(abspath $(B))/tests"'

.PHONY: FORCE all bench deb deps demo check check-abi check-asan check-man check-nolandlock check-valgrind fuzz lint install uninstall \
        clean distclean

# The shell completions, their option lists generated from the CLI's option table and help texts.
COMPLETIONS = $(B)/completions/landrun.bash $(B)/completions/_landrun $(B)/completions/landrun.fish

all: $(B)/src/landrun $(B)/src/liblandrun.so $(B)/src/landrun.pc $(COMPLETIONS)

config.mk: configure.ac config.mk.in
	@sh build-aux/deps.sh --check build
	autoconf -o configure configure.ac
	./configure --quiet

# make deps: installs what make check needs (done when make starts, see NEEDS_ above).
deps:
	@:

$(B)/src/default_policy.c: policies/default.ini build-aux/embed.sh
	@mkdir -p $(@D)
	sh build-aux/embed.sh lr_default_policy policies/default.ini > $@

$(B)/src/%.o: src/%.c config.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -Isrc -c $< -o $@

$(B)/src/default_policy.o: $(B)/src/default_policy.c
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c $< -o $@

# The seccomp programs of the common policies, compiled at build time by the runtime's own code.
$(B)/src/gen_seccomp: $(B)/src/gen_seccomp.o $(OBJ_CORE) $(B)/src/seccomp_prebuilt_none.o
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(B)/src/seccomp_prebuilt.c: $(B)/src/gen_seccomp
	$< > $@.tmp && mv $@.tmp $@

$(B)/src/seccomp_prebuilt.o: $(B)/src/seccomp_prebuilt.c
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -Isrc -c $< -o $@

$(B)/src/liblandrun.a: $(OBJ_LIB)
	rm -f $@
	ar rcs $@ $^

# The shared library exports landrun_* only (for C, cgo and Python ctypes users).
$(B)/src/liblandrun.so: $(OBJ_LIB) build-aux/liblandrun.map
	$(CC) -shared -Wl,-soname,liblandrun.so.1 -Wl,--version-script=build-aux/liblandrun.map \
		-Wl,-z,relro,-z,now $(SAN_CFLAGS) -o $@ $(OBJ_LIB) $(LIBS)
	ln -sf liblandrun.so $(B)/src/liblandrun.so.1 # the soname, for programs run from the build tree

$(B)/completions/landrun.bash: completions/landrun.bash.in src/cli.c build-aux/gen-completions.sh
	@mkdir -p $(@D)
	sh build-aux/gen-completions.sh bash src/cli.c $< > $@.tmp && mv $@.tmp $@
$(B)/completions/_landrun: completions/_landrun.in src/cli.c build-aux/gen-completions.sh
	@mkdir -p $(@D)
	sh build-aux/gen-completions.sh zsh src/cli.c $< > $@.tmp && mv $@.tmp $@
$(B)/completions/landrun.fish: completions/landrun.fish.in src/cli.c build-aux/gen-completions.sh
	@mkdir -p $(@D)
	sh build-aux/gen-completions.sh fish src/cli.c $< > $@.tmp && mv $@.tmp $@

# What PREFIX (and LIBDIR) was last built with: cli.o, lib.o (the policy directory) and landrun.pc
# follow it.
$(B)/src/prefix.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(PREFIX) $(LIBDIR)' | cmp -s - $@ || echo '$(PREFIX) $(LIBDIR)' > $@
FORCE:
$(B)/src/cli.o $(B)/src/lib.o: $(B)/src/prefix.stamp
# landrun run from its build directory also finds NAME.ini in the source tree's policies/
$(B)/src/cli.o: ALL_CFLAGS += -DLANDRUN_BUILD_BINDIR='"$(abspath $(B))/src"' -DLANDRUN_SOURCE_POLICIES='"$(CURDIR)/policies"'

$(B)/src/landrun.pc: build-aux/landrun.pc.in config.mk $(B)/src/prefix.stamp
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
		-e 's|@VERSION@|$(VERSION)|g' build-aux/landrun.pc.in > $@

# The CLI is linked static-pie: no shared objects to load and relocate on every run (the
# sanitizer build cannot be static). Nothing in it uses glibc's NSS (see lr_passwd_lookup).
# nettle's start-up CPU probe reads glibc's (src/nettle_cpuid.c): no cpuid instruction of its own;
# static glibc's start-up does not read /proc/self/exe (src/static_origin.c).
CLI_LINK = $(if $(SAN_CFLAGS),$(ALL_LDFLAGS),-static-pie -Wl,-z,relro,-z,now $(LDFLAGS)) -Wl,--wrap=_nettle_cpuid,--wrap=_dl_get_origin
$(B)/src/landrun: $(OBJ_CLI) $(B)/src/liblandrun.a
	$(CC) $(CLI_LINK) -o $@ $^ $(LIBS)

$(B)/tests/unit_tests: $(UNIT_SRC) $(TEST_COMMON) $(B)/src/nettle_cpuid.o $(B)/src/liblandrun.a tests/common.h $(wildcard tests/unit/*.h)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(ALL_LDFLAGS) -o $@ $(UNIT_SRC) $(TEST_COMMON) $(B)/src/nettle_cpuid.o $(B)/src/liblandrun.a $(LIBS) $(CRITERION_LIBS) $(CAPNG_LIBS)

$(B)/tests/integration_tests: $(INTEG_SRC) $(TEST_COMMON) $(B)/src/liblandrun.a tests/common.h
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(ALL_LDFLAGS) -o $@ $(INTEG_SRC) $(TEST_COMMON) $(B)/src/liblandrun.a $(LIBS) $(CRITERION_LIBS) $(CAPNG_LIBS)

$(B)/tests/helpers/%: tests/helpers/%.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

# The bench's reference (tests/bench/): refgen, landrun's command line with its kernel calls
# recorded, and the reference's source, which a test compiles from a record and compares with
# landrun. Staged with the helpers, so that the unprivileged run finds them (not as *.c there: each
# of those is a helper program).
REFGEN_WRAPS = -Wl,--wrap=syscall,--wrap=prctl,--wrap=setrlimit,--wrap=setsid,--wrap=execve
$(B)/tests/helpers/refgen: tests/bench/refgen.c $(OBJ_CLI) $(B)/src/liblandrun.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Isrc $(CLI_LINK) $(REFGEN_WRAPS) -o $@ $^ $(LIBS)
$(B)/tests/helpers/reference.src: tests/bench/reference.c
	@mkdir -p $(@D)
	cp $< $@
$(B)/tests/helpers/landlock_abi.h: src/landlock_abi.h
	@mkdir -p $(@D)
	cp $< $@

HELPERS = $(patsubst tests/helpers/%.c,$(B)/tests/helpers/%,$(wildcard tests/helpers/*.c)) \
          $(B)/tests/helpers/refgen $(B)/tests/helpers/reference.src $(B)/tests/helpers/landlock_abi.h

# The suite: unit tests, then the integration tests as root and, when root, again as an
# unprivileged user (nobody) whose sandbox cannot lean on root's privileges.
check: $(B)/src/landrun $(B)/src/liblandrun.so $(B)/src/landrun.pc $(COMPLETIONS) $(B)/tests/unit_tests $(B)/tests/integration_tests $(HELPERS)
	$(B)/tests/unit_tests
	sh build-aux/stage-policies.sh $(B)/tests/integration_tests
	@if [ "$$(id -u)" = 0 ]; then \
		echo "== integration tests as an unprivileged user (nobody) =="; \
		sh build-aux/check-unprivileged.sh $(B); \
	fi
	@$(MAKE) --no-print-directory check-man
	@if [ -z "$(SAN_CFLAGS)" ]; then $(MAKE) --no-print-directory check-valgrind; fi
	@# the library examples of landrun(3): C, Python (ctypes), Go (when installed)
	@if [ -z "$(SAN_CFLAGS)" ]; then sh tests/examples/run.sh $(CURDIR) $(B); fi

# The parser and CLI under valgrind (valgrind does not know the Landlock syscalls: best-effort),
# on a dynamically linked build: valgrind's glibc suppressions do not apply to a static one.
# The policies are explained from tests/: rw ${CWD} on the repository would cover policies/,
# a policy file its sandbox could rewrite, which landrun refuses.
$(B)/src/landrun-dynamic: $(OBJ_CLI) $(B)/src/liblandrun.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

check-valgrind: $(B)/src/landrun-dynamic
	@sh build-aux/stage-policies.sh sh build-aux/check-valgrind.sh $(abspath $(B))/src/landrun-dynamic

check-man:
	mandoc -T lint -W warning man/landrun.1 man/landrun.ini.5 man/landrun.3

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer, in build-asan/. The test
# harness's own small leaks are not checked; landrun, started by the tests with a clean
# environment, runs with leak detection on.
check-asan: config.mk
	ASAN_OPTIONS=detect_leaks=0 $(MAKE) B=build-asan \
		SAN_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" check

# The integration suite once per Landlock ABI 1..7 (LANDRUN_TEST_ABI=N: every run gets --test-abi
# N). A test that needs a feature the ABI lacks sees strict mode refuse it, naming the feature, and
# is skipped with that message; best-effort tests run degraded.
check-abi: $(B)/src/landrun $(B)/tests/integration_tests $(HELPERS)
	@for n in 1 2 3 4 5 6 7; do \
		echo "== integration tests at Landlock ABI $$n =="; \
		LANDRUN_TEST_ABI=$$n sh build-aux/stage-policies.sh $(B)/tests/integration_tests -j2 || exit 1; \
	done

# The strict, best-effort and --explain checks on a real kernel without Landlock: Debian's
# user-mode-linux (Linux 6.1, no Landlock, seccomp on), booted with the host's root as its own.
check-nolandlock: $(B)/src/landrun $(B)/tests/helpers/probe
	@sh build-aux/check-nolandlock-uml.sh $(B)

# Benchmarks, not tests: medians and ratios against the targets (tests/bench/run.sh).
bench: $(B)/src/landrun $(B)/src/liblandrun.a $(B)/tests/helpers/refgen
	@sh tests/bench/run.sh $(B)

# Static analysers on the sources (not the generated files), each must report nothing: cppcheck
# (suppressions: build-aux/cppcheck.supp and marked lines) and clang-tidy (checks: .clang-tidy)
# with the compiler's own flags, two files at a time.
LINT_SRC = $(SRC_LIB) src/cli.c src/nettle_cpuid.c src/static_origin.c src/gen_seccomp.c src/seccomp_prebuilt_none.c
lint: config.mk
	cppcheck --enable=warning,performance,portability --library=posix --std=c11 -D_GNU_SOURCE -Isrc \
		--inline-suppr --suppressions-list=build-aux/cppcheck.supp --error-exitcode=1 --quiet $(LINT_SRC)
	printf '%s\n' $(LINT_SRC) | xargs -P2 -n1 sh -c 'clang-tidy --quiet "$$0" -- $(subst ','\'',$(ALL_CFLAGS)) -Isrc 2>/dev/null'
	@echo "lint: cppcheck and clang-tidy clean"

# libFuzzer harnesses (tests/fuzz/): replays tests/fuzz/regressions/, then runs each harness for
# FUZZ_SECONDS with clang (installed with its libFuzzer runtime when missing, as root).
FUZZ_SECONDS ?= 60
fuzz: $(B)/src/default_policy.c $(B)/src/seccomp_prebuilt.c
	sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(B)

# The Debian packages (debian/), built from a copy of the tree, linted, and run from a scratch
# root; DEB_OUT: where the .debs go (default: a new directory under /var/tmp). Not part of check.
deb:
	@sh build-aux/deb.sh $(DEB_OUT)

demo: $(B)/src/landrun
	@sh build-aux/demo.sh $(B)/src/landrun

# What `make install` writes, below $(DESTDIR): `make uninstall` removes exactly these files, then
# the directories of landrun's own that are left empty (not bin/, lib/, share/man/...).
# LIBDIR=/usr/lib/x86_64-linux-gnu (Debian's multiarch directory) at build and install time
LIBDIR = $(PREFIX)/lib
INCLUDEDIR = $(PREFIX)/include
PKGCONFIGDIR = $(LIBDIR)/pkgconfig
DATADIR = $(PREFIX)/share
BASHCOMPDIR = $(DATADIR)/bash-completion/completions
ZSHCOMPDIR = $(DATADIR)/zsh/vendor-completions
FISHCOMPDIR = $(DATADIR)/fish/vendor_completions.d
POLICIES = $(notdir $(wildcard policies/*.ini))
INSTALLED = $(BINDIR)/landrun $(addprefix $(POLICY_DIR)/,$(POLICIES)) \
            $(MANDIR)/man1/landrun.1 $(MANDIR)/man5/landrun.ini.5 $(MANDIR)/man3/landrun.3 \
            $(LIBDIR)/liblandrun.a $(LIBDIR)/liblandrun.so.1 $(LIBDIR)/liblandrun.so \
            $(INCLUDEDIR)/landrun.h $(PKGCONFIGDIR)/landrun.pc \
            $(BASHCOMPDIR)/landrun $(ZSHCOMPDIR)/_landrun $(FISHCOMPDIR)/landrun.fish

install: $(B)/src/landrun $(B)/src/liblandrun.so $(B)/src/landrun.pc $(COMPLETIONS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(POLICY_DIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 755 $(B)/src/landrun $(DESTDIR)$(BINDIR)/landrun
	install -m 644 $(addprefix policies/,$(POLICIES)) $(DESTDIR)$(POLICY_DIR)/
	install -m 644 man/landrun.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/landrun.ini.5 $(DESTDIR)$(MANDIR)/man5/
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MANDIR)/man3
	install -m 644 $(B)/src/liblandrun.a $(DESTDIR)$(LIBDIR)/
	install -m 755 $(B)/src/liblandrun.so $(DESTDIR)$(LIBDIR)/liblandrun.so.1
	ln -sf liblandrun.so.1 $(DESTDIR)$(LIBDIR)/liblandrun.so
	install -m 644 src/landrun.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 $(B)/src/landrun.pc $(DESTDIR)$(PKGCONFIGDIR)/
	install -m 644 man/landrun.3 $(DESTDIR)$(MANDIR)/man3/
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 644 $(B)/completions/landrun.bash $(DESTDIR)$(BASHCOMPDIR)/landrun
	install -m 644 $(B)/completions/_landrun $(DESTDIR)$(ZSHCOMPDIR)/_landrun
	install -m 644 $(B)/completions/landrun.fish $(DESTDIR)$(FISHCOMPDIR)/landrun.fish

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	rmdir $(DESTDIR)$(POLICY_DIR) $(DESTDIR)$(PREFIX)/share/landrun 2>/dev/null || true

clean:
	rm -rf src/*.o src/*.d src/default_policy.c src/seccomp_prebuilt.c src/gen_seccomp src/prefix.stamp src/liblandrun.so.1 src/landrun-dynamic src/liblandrun.a src/liblandrun.so src/landrun.pc src/landrun $(COMPLETIONS) tests/unit_tests \
		tests/integration_tests tests/helpers/bin build-asan tests/fuzz/build
	rm -f $(HELPERS)

distclean: clean
	rm -rf config.mk config.log config.status configure autom4te.cache

# The header dependencies the compiler wrote (DEPFLAGS), last: their rules must not become the default goal.
-include $(wildcard $(B)/src/*.d)
