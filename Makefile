# Vision 2026 i tal: build, test and data targets. Everything runs in .venv
# (created from requirements.txt when missing).
PY := .venv/bin/python

.PHONY: book book-strict test notebooks nbval bench bench-quick data import venv chromium clean

## book: incremental build into _build/html for people editing the book: only notebooks
## whose code, input files or environment changed are executed (in parallel); -W, checks
book:
	bash scripts/build_book.sh

## book-strict: the CI build: empty caches, every notebook executed afresh, -W, checks
book-strict:
	bash scripts/build_book.sh --strict

## test: chromium, venv, strict book build, unit + browser tests, nbval over chapters/
## (against the build's fresh executions); ends with "N passed, M failed"
test:
	bash scripts/run_tests.sh

## notebooks: write fresh stored outputs into every notebook in chapters/ (for nbval);
## reuses still-valid executions from the cache, executes the rest in parallel
notebooks: venv
	$(PY) scripts/execute_notebooks.py

## nbval: plain nbval, every notebook executed live in its own kernel (no cache),
## notebooks spread over VISION_JOBS (default: one per CPU) pytest-xdist workers
nbval: venv
	$(PY) -m pytest --nbval --nbval-current-env -p no:cacheprovider -q -n $${VISION_JOBS:-auto} --dist loadfile chapters

## bench: build/test timings and page weights, printed and written to _build/bench.json
bench: venv
	$(PY) scripts/bench.py

bench-quick: venv
	$(PY) scripts/bench.py --quick

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

## clean: remove _build (the site, the Sphinx environment and the notebook cache)
clean:
	rm -rf _build
