# xtream: build, run, test.  `make run` sets up and starts everything
# locally; `make test` runs the whole suite (C unit tests + t/*.t).
# Both install the Debian packages they need first (scripts/install-deps.sh,
# a no-op when all are present), so either works on a fresh Debian 12.

HTTP_PORT ?= 8080
RTMP_PORT ?= 1935
BUILD     := $(CURDIR)/build

export HTTP_PORT RTMP_PORT

.PHONY: all build module daemon deps run stop test unit-test t-test bench clean

all: build

build: daemon module

daemon:
	$(MAKE) -C xtreamd BUILD=$(BUILD)

module:
	scripts/build-module.sh $(BUILD)

deps:
	scripts/install-deps.sh

# web panel: npm ci from web/package-lock.json, hls.js into web/admin/vendor/
.PHONY: panel
panel:
	scripts/build-panel.sh

run: deps build panel
	scripts/run.sh

stop:
	scripts/stop.sh

unit-test: deps build
	$(MAKE) -C xtreamd BUILD=$(BUILD) test
	$(MAKE) -C ngx_xtream_module BUILD=$(BUILD) test smoke

t-test: deps build panel
	scripts/prove.sh

test: unit-test fuzz-regress t-test

bench: build
	bench/run.sh

# hardening (docs/HARDENING.md): libFuzzer targets in fuzz/ (clang, into
# build-fuzz/), and the sanitizer build + suite (scripts/asan.sh, build-asan/)
.PHONY: fuzz fuzz-regress asan
FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) -C fuzz fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)

fuzz-regress: deps
	$(MAKE) -C fuzz regress

asan:
	scripts/asan.sh

# Debian packages into dist/ (docs/INSTALL.md); test-install installs them
# on this machine, runs them against the Debian nginx and MariaDB, and
# purges them again (root; separate from `make test`)
.PHONY: deb test-install
deb: deps panel
	scripts/build-deb.sh

test-install: deb
	scripts/test-install.sh

clean:
	rm -rf $(BUILD)
