# Vision 2026 i tal: build, test and data targets. Everything runs in .venv
# (created from requirements.txt when missing).
PY := .venv/bin/python

.PHONY: book test notebooks data import venv chromium clean

## book: strict build of the site into _build/html (warnings are errors) + checks
book:
	bash scripts/build_book.sh

## test: chromium, venv, book build, unit + browser tests, nbval over chapters/
test:
	bash scripts/run_tests.sh

## notebooks: execute every notebook in chapters/ in place (fresh stored outputs for nbval)
notebooks: venv
	$(PY) scripts/execute_notebooks.py

## data: refresh the snapshot from live sources (ARGS="--plan", "--only ID ...", "--dry-run";
## STATBANK_BASE_URL points the refresh at another API root, e.g. a local replay server)
ARGS ?=
data: venv
	$(PY) -m helpers.refresh $(ARGS)

## import: import the curated harvest into data/
import: venv
	$(PY) -m helpers.import_harvest

venv:
	bash scripts/ensure_venv.sh

chromium:
	bash scripts/ensure_chromium.sh

clean:
	rm -rf _build
