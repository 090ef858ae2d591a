#!/usr/bin/env bash
# Strict build of the book: `make book`.
#   1. ensure .venv with the pinned requirements
#   2. write generated static assets (_static/vega-bundle.js); check data/ (scripts/check_data.py)
#   3. jupyter-book build . -W --keep-going  (warnings are errors; every notebook is
#      executed afresh, see _config.yml; tracebacks of failing notebooks are kept in
#      _build/html/reports/)
#   4. scripts/check_build.py: every _toc.yml page was built, nothing loads off-host
# Prints where the site is and the wall time.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
START=$(date +%s.%N)
bash scripts/ensure_venv.sh
PY="$ROOT/.venv/bin/python"
"$PY" scripts/build_static.py
# A bad data file stops the build here with its name and line (docs/data-rules.md).
"$PY" scripts/check_data.py
# The widget runtime of the "Udforsk" pages (npm tarballs checked against pinned sha512).
"$PY" scripts/vendor_widgets.py
# Build from scratch: a stale HTML tree could hide a page that no longer builds, and a
# stale Sphinx environment (_build/.doctrees) skips unchanged pages, and with them
# their warnings.
rm -rf _build/html _build/.doctrees _build/.jupyter_cache
status=0
"$ROOT/.venv/bin/jupyter-book" build . --all -W --keep-going || status=$?
if [ -d _build/html/reports ] && [ -n "$(ls -A _build/html/reports 2>/dev/null)" ]; then
  echo "build_book: notebook execution reports:" >&2
  find _build/html/reports -type f -name '*.log' -print | sed 's/^/  /' >&2
fi
check=0
"$PY" scripts/check_build.py || check=$?
END=$(date +%s.%N)
WALL=$(awk -v a="$START" -v b="$END" 'BEGIN { printf "%.1f", b - a }')
if [ "$status" -ne 0 ] || [ "$check" -ne 0 ]; then
  echo "build_book: FAILED (jupyter-book exit $status, check exit $check) after ${WALL} s" >&2
  exit 1
fi
echo "build_book: site at $ROOT/_build/html/index.html"
echo "build_book: wall time ${WALL} s"
