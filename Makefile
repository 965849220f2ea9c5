# Passerelle: the two commands of the README.
#   make run   installs what is missing, builds, and validates + inspects Fixtures/ (the main job for now)
#   make test  installs what is missing and runs the whole test suite
SHELL := /bin/bash
SWIFT ?= swift
BIN := .build/debug/passerelle
CORPUS ?= $(abspath ../shared/corpus)

.PHONY: run test build deps bench clean

deps:
	@./scripts/install-deps.sh

build: deps
	$(SWIFT) build --product passerelle

run: build
	@echo "== passerelle validate Fixtures/cda (CI-SIS header rules) =="
	@$(BIN) validate Fixtures/cda/valid; status=$$?; \
	  echo "== passerelle validate Fixtures/cda/invalid (expected to fail: exit 1) =="; \
	  $(BIN) validate --format text Fixtures/cda/invalid | tail -n 1; \
	  echo "== passerelle inspect Fixtures/cda/valid/ldl-ses-complete.xml (header fields) =="; \
	  $(BIN) inspect Fixtures/cda/valid/ldl-ses-complete.xml | head -n 40; \
	  exit $$status

test: deps
	$(SWIFT) build --product passerelle
	PASSERELLE_CORPUS="$${PASSERELLE_CORPUS:-$(CORPUS)}" $(SWIFT) test --skip MemoryTests
	# Peak-memory tests measure the whole process: they run alone so other suites do not inflate the figure.
	$(SWIFT) test --filter MemoryTests

bench: deps
	$(SWIFT) build -c release --product passerelle
	./Benchmarks/xml/run.sh

clean:
	rm -rf .build
