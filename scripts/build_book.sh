#!/usr/bin/env bash
# Build the book into _build/html.
#
#   bash scripts/build_book.sh            `make book`: incremental, for people editing the book
#   bash scripts/build_book.sh --strict   `make book-strict` (and `make test`, CI): from scratch
#
# Both:
#   1. ensure .venv with the pinned requirements
#   2. write generated static assets (_static/vega-bundle.js); vendor the widget runtime of the
#      Udforsk pages (scripts/vendor_widgets.py); check data/ (scripts/check_data.py), beside
#      step 3: a failed check stops the build before step 4
#   3. scripts/nbcache.py: bring the jupyter-cache in _build/.jupyter_cache up to date,
#      executing notebooks in parallel (VISION_JOBS, default one more than the CPUs). A notebook is
#      executed again when its code, a file it read (data, catalog, helpers) or the
#      environment changed; see the docstring of scripts/nbcache.py.
#   4. jupyter-book build . -W --keep-going (warnings are errors; myst-nb takes every
#      notebook's outputs from the cache, `execute_notebooks: cache` in _config.yml;
#      tracebacks of failing notebooks are kept in _build/html/reports/)
#   5. scripts/check_build.py: every _toc.yml page was built, nothing loads off-host
# Incremental: keeps _build; Sphinx re-reads only changed pages (and pages whose notebook
#   was re-executed). After a failed build the next one re-reads every page, so a warning
#   cannot hide in a page that did not change.
# --strict: removes _build/html, the Sphinx environment and the cache first, so every
#   notebook is executed afresh in this run and every page is read (and warns) again.
# Prints where the site is and the wall time.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
MODE=incremental
case "${1:-}" in
  --strict) MODE=strict ;;
  "") ;;
  *) echo "usage: $0 [--strict]" >&2; exit 2 ;;
esac
START=$(date +%s.%N)
bash scripts/ensure_venv.sh
PY="$ROOT/.venv/bin/python"
"$PY" scripts/build_static.py
# A bad data file stops the build with its name and line before any page is written
# (docs/data-rules.md). The check runs beside the notebook execution below, at a lower CPU
# priority: the execution workers leave CPU idle (kernel start-up, the last notebook), which
# the check fills, so it adds little to the wall time; Sphinx only starts once it passed.
# The incremental build skips the check while nothing it reads changed, and after an edit of
# snapshot CSVs only Frictionless reads only those files again (digests in the stamp; see
# scripts/check_data.py); the strict build always checks everything.
CHECK_ARGS=()
if [ "$MODE" != strict ]; then CHECK_ARGS=(--stamp _build/.check_data.digests.json); fi
CHECK_LOG="$(mktemp)"
VENDOR_LOG="$(mktemp)"
trap 'rm -f "$CHECK_LOG" "$VENDOR_LOG"' EXIT
nice -n 10 "$PY" scripts/check_data.py "${CHECK_ARGS[@]}" > "$CHECK_LOG" 2>&1 &
check_pid=$!
# The widget runtime of the "Udforsk" pages (npm tarballs checked against pinned sha512), also
# beside the execution: only Sphinx reads it (html_extra_path), and it waits for it below.
"$PY" scripts/vendor_widgets.py > "$VENDOR_LOG" 2>&1 &
vendor_pid=$!
FAILED_STAMP=_build/.last-build-failed
SPHINX_ARGS=(-W --keep-going)
if [ "$MODE" = strict ]; then
  # A stale HTML tree could hide a page that no longer builds, a stale Sphinx environment
  # skips unchanged pages (and their warnings), a cache could serve an old execution.
  rm -rf _build/html _build/.doctrees _build/.jupyter_cache "$FAILED_STAMP"
  SPHINX_ARGS+=(--all)
  NBCACHE_ARGS=(--force)
else
  if [ -e "$FAILED_STAMP" ]; then
    echo "build_book: the last build failed; reading every page again"
    rm -rf _build/.doctrees
  fi
  NBCACHE_ARGS=()
fi
mkdir -p _build
touch "$FAILED_STAMP"   # removed again only when everything below succeeds
exec_status=0
# Notebooks in the table of contents and under chapters/ (nbval tests all of those).
"$PY" scripts/nbcache.py "${NBCACHE_ARGS[@]}" || exec_status=$?
vendor_status=0
wait "$vendor_pid" || vendor_status=$?
cat "$VENDOR_LOG"
if [ "$vendor_status" -ne 0 ]; then
  echo "build_book: FAILED ($MODE): scripts/vendor_widgets.py could not vendor the widget runtime (above); Sphinx was not run" >&2
  wait "$check_pid" || true
  exit 1
fi
data_status=0
wait "$check_pid" || data_status=$?
if [ "$data_status" -ne 0 ]; then
  # No page is written from data that failed the check. (Executions stay in the cache, keyed
  # by the exact bytes they read, so they are never served once the data is fixed.)
  cat "$CHECK_LOG" >&2
  echo "build_book: FAILED ($MODE): data/ did not pass scripts/check_data.py (problems above); Sphinx was not run" >&2
  exit 1
fi
cat "$CHECK_LOG"
status=0
"$ROOT/.venv/bin/jupyter-book" build . "${SPHINX_ARGS[@]}" || status=$?
if [ -d _build/html/reports ] && [ -n "$(ls -A _build/html/reports 2>/dev/null)" ]; then
  echo "build_book: notebook execution reports:" >&2
  find _build/html/reports -type f -name '*.log' -print | sed 's/^/  /' >&2
fi
check=0
"$PY" scripts/check_build.py || check=$?
END=$(date +%s.%N)
WALL=$(awk -v a="$START" -v b="$END" 'BEGIN { printf "%.1f", b - a }')
if [ "$status" -ne 0 ] || [ "$check" -ne 0 ] || [ "$exec_status" -ne 0 ]; then
  echo "build_book: FAILED ($MODE; notebook execution exit $exec_status, jupyter-book exit $status, check exit $check) after ${WALL} s" >&2
  exit 1
fi
rm -f "$FAILED_STAMP"
echo "build_book: site at $ROOT/_build/html/index.html"
echo "build_book: $MODE build, wall time ${WALL} s"
