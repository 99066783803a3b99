# wipecert - one non-recursive GNU Makefile.
#
#   make            build ./wipecert
#   make check      install what is missing, build, run every test
#   make check-vm   the QEMU virtual-machine tests (part of make check)
#   make usb-image  the technician USB image, build/usb/wipecert-usb.img
#   make check-usb  that image booted in QEMU: BIOS, UEFI, Secure Boot
#                   (part of make check)
#   make demo       install what is missing, build, wipe the built-in demo
#   make bench      throughput and memory against dd and openssl; register
#                   append and verify times (make bench-register)
#   make analyze    cppcheck and clang-tidy
#   make format     clang-format the sources

VERSION := 0.1.0
CC ?= cc
PREFIX ?= /usr/local

PKGS := blkid json-c openssl libqrencode zlib zbar ncursesw
# libnvme: headers only (structure layouts and constants), not linked.
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) libnvme 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lhpdf

WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wvla -Wwrite-strings -Werror
HARDEN := -D_FORTIFY_SOURCE=3 -fstack-protector-strong \
	-fstack-clash-protection -fPIE
HARDEN_LD := -pie -Wl,-z,relro,-z,now
BASE_CFLAGS := -std=gnu11 -D_GNU_SOURCE -g -I. $(PKG_CFLAGS) $(WARN) -pthread \
	-DWIPECERT_VERSION='"$(VERSION)"'

CFLAGS ?= -O2
ALL_CFLAGS := $(BASE_CFLAGS) $(HARDEN) $(CFLAGS)
ALL_LDFLAGS := $(HARDEN_LD) -pthread $(LDFLAGS)
SAN_CFLAGS := $(BASE_CFLAGS) -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
SAN_LDFLAGS := -fsanitize=address,undefined -pthread

# Quiet by default; `make V=1` shows the commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

LIB_SRC := $(wildcard lib/*.c wipe/*.c verify/*.c certs/*.c register/*.c)
CLI_SRC := $(wildcard cli/*.c)
TEST_SRC := $(wildcard tests/test_*.c)
TESTS := $(patsubst tests/%.c,build/tests/%,$(TEST_SRC))
SAN_TESTS := $(patsubst tests/%.c,build/san/tests/%,$(TEST_SRC))
MANS := $(wildcard man/*.[58])

LIB_OBJ := $(patsubst %.c,build/obj/%.o,$(LIB_SRC))
CLI_OBJ := $(patsubst %.c,build/obj/%.o,$(CLI_SRC))
SAN_LIB_OBJ := $(patsubst %.c,build/san/obj/%.o,$(LIB_SRC))

all: wipecert

wipecert: $(CLI_OBJ) build/libwipecert.a
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $(CLI_OBJ) build/libwipecert.a $(ALL_LDFLAGS) $(PKG_LIBS)

build/libwipecert.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

build/san/libwipecert.a: $(SAN_LIB_OBJ)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

build/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

build/san/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC san  $<"
	$(Q)$(CC) $(SAN_CFLAGS) -MMD -MP -c -o $@ $<

build/tests/%: tests/%.c build/libwipecert.a
	@mkdir -p $(@D)
	@echo "  TEST    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -o $@ $< build/libwipecert.a \
		$(ALL_LDFLAGS) $(PKG_LIBS) -lcmocka

build/san/tests/%: tests/%.c build/san/libwipecert.a
	@mkdir -p $(@D)
	@echo "  TEST    $@"
	$(Q)$(CC) $(SAN_CFLAGS) -MMD -MP -o $@ $< build/san/libwipecert.a \
		$(SAN_LDFLAGS) $(PKG_LIBS) -lcmocka

-include $(shell find build/obj build/san build/tests -type f -name '*.d' 2>/dev/null)

deps:
	@scripts/deps.sh

# Unit tests, plain and under ASan/UBSan.
check-unit: $(TESTS) $(SAN_TESTS)
	@scripts/run-unit.sh $(TESTS) $(SAN_TESTS)

# End-to-end tests on loop devices the tests create (root) or files.
check-e2e: wipecert build/faultfs
	@tests/e2e/run.sh

# Debian's kernel in QEMU with emulated NVMe, SATA, USB and virtio-scsi
# disks; prints a skipped line without qemu-system-x86_64.
check-vm: wipecert
	@tests/vm/run.sh

# The technician USB image from Debian packages (usb/build.sh): BIOS and
# UEFI (Secure Boot too), reproducible, with its manifest beside it.
usb-image: wipecert
	@usb/build.sh

# That image booted in QEMU: SeaBIOS, OVMF, OVMF with Secure Boot, a
# scripted session each, a SIGKILL mid-wipe; prints a skipped line
# without qemu-system-x86_64 (or, for UEFI, without OVMF).
check-usb: wipecert
	@tests/usb/run.sh

check-man:
	@for m in $(MANS); do mandoc -Tlint -W warning $$m || exit 1; done; \
	echo "man pages: $(words $(MANS)) lint-clean"

check: deps
	@$(MAKE) --no-print-directory all check-unit check-man check-e2e check-vm \
		check-usb

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all build/runstat
	@bench/bench.sh
	@bench/cert.sh
	@$(MAKE) --no-print-directory bench-register

# One register append (fsync included) and verifying 10,000 entries.
bench-register: build/reg-bench
	@build/reg-bench build

build/reg-bench: bench/register.c build/libwipecert.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< build/libwipecert.a $(ALL_LDFLAGS) \
		$(PKG_LIBS)

# The FUSE fault injector of the end-to-end tests (needs libfuse3-dev).
build/faultfs: tests/tools/faultfs.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags fuse3) -o $@ $< \
		$(ALL_LDFLAGS) $(shell pkg-config --libs fuse3)

build/runstat: bench/runstat.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS)

analyze:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--inline-suppr -I. $(LIB_SRC) $(CLI_SRC)
	clang-tidy --quiet $(LIB_SRC) $(CLI_SRC) -- $(BASE_CFLAGS)

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(TEST_SRC) \
		$(wildcard */*.h)

install: wipecert
	install -D -m 0755 wipecert $(DESTDIR)$(PREFIX)/sbin/wipecert
	for m in $(MANS); do \
		s=$${m##*.}; install -D -m 0644 $$m \
		$(DESTDIR)$(PREFIX)/share/man/man$$s/$${m#man/}; done

clean:
	rm -rf build wipecert

.PHONY: all deps check check-unit check-e2e check-vm check-man demo bench \
	usb-image check-usb \
	bench-register analyze format install clean
