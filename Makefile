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
	  echo "== passerelle ingest Fixtures (CDA valid + invalid, HPRIM, an LGC export) into ./passerelle.sqlite =="; \
	  rm -f passerelle.sqlite passerelle.sqlite-wal passerelle.sqlite-shm; \
	  $(BIN) ingest Fixtures/cda Fixtures/hprim Fixtures/lgc/lgc-cp1252-crlf.csv \
	    --profile Fixtures/profiles/lgc-semicolon-cp1252.json; \
	  echo "== passerelle quarantine list (sample query) =="; \
	  $(BIN) quarantine list | head -n 12; \
	  echo "== passerelle patients search --family REVUE-TEST (sample query) =="; \
	  $(BIN) patients search --family REVUE-TEST --format table; \
	  exit $$status

test: deps
	$(SWIFT) build --product passerelle
	# The store tests also run against a throwaway PostgreSQL server (skipped by name without one).
	PASSERELLE_CORPUS="$${PASSERELLE_CORPUS:-$(CORPUS)}" ./scripts/with-postgres.sh $(SWIFT) test --skip MemoryTests
	# Peak-memory tests measure the whole process: they run alone so other suites do not inflate the figure.
	$(SWIFT) test --filter MemoryTests --no-parallel

bench: deps
	$(SWIFT) build -c release --product passerelle
	$(SWIFT) build -c release --product xml-bench
	./Benchmarks/xml/run.sh

clean:
	rm -rf .build
