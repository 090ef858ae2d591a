#!/usr/bin/env bash
# The whole test suite: `make test`.
#   1. Debian chromium (for the browser tests), axe-core and the venv, installed side by side
#   2. the strict book build (the browser tests need _build/html): empties the cache and
#      executes every notebook afresh, in parallel (scripts/nbcache.py --force).
#      At the same time, pytest runs the tests that do not need the build (phase 1), at a
#      lower CPU priority (nice 15), so the build, which phase 2 waits for, finishes first
#      (its own data check runs at nice 10: below the notebook execution, above phase 1).
#      tests/conftest.py decides which tests need the build (--vision-phase).
#   3. As soon as the build is done, and while phase 1 may still run, pytest runs the tests
#      that need the build (browser tests, tests of _build/html) and, with nbval, every
#      notebook in chapters/ against its stored outputs (phase 2). Everything here is
#      CPU-bound, so the two phases overlapping keeps both cores busy until the end instead
#      of idling while one phase's last test runs. Each phase's output is printed when it
#      is done (phase 1 first), so the two never interleave. nbval
#      compares the stored outputs with the execution step 2 made in this run
#      (scripts/nbval_cached.py) instead of executing every notebook a second time; a
#      notebook without a valid execution from this run (e.g. one outside the build) is
#      executed live, as plain --nbval does.
#   Both pytest runs spread over VISION_JOBS (default: one per CPU) pytest-xdist workers;
#   tests/conftest.py decides what runs together (a notebook's cells, a page's browser
#   checks, a module with a shared fixture). _build/test-results.xml holds both runs.
# Prints a final line "N passed, M failed" (failed = failures + errors; the book build
# counts as one test) and exits non-zero on any failure.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
START=$(date +%s.%N)
# nbval may only use notebook executions made after this moment (see step 3).
SINCE=$(date +%s)

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# Set-up, the three side by side: installing chromium (apt) and axe-core (npm) mostly waits for
# the network and the disk, creating the venv (pip) keeps one CPU busy.
bash scripts/ensure_chromium.sh > "$WORK/chromium.log" 2>&1 &
chromium_pid=$!
# axe-core for the accessibility browser test (pinned in tests/browser/axe/package-lock.json).
axe_pid=
if [ ! -f tests/browser/axe/node_modules/axe-core/axe.min.js ]; then
  (cd tests/browser/axe && npm ci --no-audit --no-fund --loglevel=error) > "$WORK/axe.log" 2>&1 &
  axe_pid=$!
fi
setup_failed=
failed_setup() { setup_failed="${setup_failed:+$setup_failed; }$1"; }
bash scripts/ensure_venv.sh || failed_setup "could not set up .venv"
wait "$chromium_pid" || failed_setup "chromium is missing"
cat "$WORK/chromium.log"
if [ -n "$axe_pid" ]; then
  wait "$axe_pid" || failed_setup "could not install axe-core from npm"
  cat "$WORK/axe.log"
fi
if [ -n "$setup_failed" ]; then echo "run_tests: $setup_failed"; echo "0 passed, 1 failed"; exit 1; fi
PY="$ROOT/.venv/bin/python"

mkdir -p _build
RESULTS="$ROOT/_build/test-results.xml"
rm -f "$RESULTS"
PYTEST=("$PY" -m pytest -p no:cacheprovider -rfEs -n "${VISION_JOBS:-auto}" --dist loadgroup --no-loadscope-reorder)

# Phase 1 (background, beside the build): the tests that need no build. Only unit tests;
# they write to temporary folders, never to _build/ or data/.
PYTHONPATH="$ROOT/scripts${PYTHONPATH:+:$PYTHONPATH}" \
  nice -n 15 "${PYTEST[@]}" tests --vision-phase=before-build --junitxml="$WORK/phase1.xml" "$@" \
  > "$WORK/phase1.log" 2>&1 &
phase1_pid=$!

build_passed=0; build_failed=0
if bash scripts/build_book.sh --strict; then build_passed=1; else build_failed=1; echo "run_tests: the book build FAILED (see above); running the tests anyway" >&2; fi

echo "run_tests: phase 2 (the tests of the built book, nbval over chapters/) starts; phase 1 may still be running"
PYTHONPATH="$ROOT/scripts${PYTHONPATH:+:$PYTHONPATH}" \
"${PYTEST[@]}" tests chapters --vision-phase=after-build -p nbval_cached --nbval-cached --nbval-current-env \
  --nbval-cached-since="$SINCE" --ignore-glob='*.ipynb_checkpoints*' \
  --junitxml="$WORK/phase2.xml" "$@" > "$WORK/phase2.log" 2>&1 &
phase2_pid=$!

wait "$phase1_pid"; code1=$?
echo "run_tests: phase 1, the tests that need no build (run beside the build):"
cat "$WORK/phase1.log"
wait "$phase2_pid"; code2=$?
echo "run_tests: phase 2, the tests of the built book and nbval over chapters/:"
cat "$WORK/phase2.log"
# 5 = nothing collected (e.g. no notebooks and no tests): not a failure by itself.
if [ "$code1" -eq 5 ]; then code1=0; fi
if [ "$code2" -eq 5 ]; then code2=0; fi
code=$((code1 > code2 ? code1 : code2))

# One junit file with both runs (a missing or broken one counts as a failure below).
"$PY" - "$RESULTS" "$WORK/phase1.xml" "$WORK/phase2.xml" <<'PYEOF'
import sys, xml.etree.ElementTree as ET
merged = ET.Element("testsuites")
for path in sys.argv[2:]:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        ET.SubElement(merged, "testsuite", name=f"missing {path}", tests="1", errors="1")
        continue
    merged.extend([root] if root.tag == "testsuite" else root.findall("testsuite"))
ET.ElementTree(merged).write(sys.argv[1], encoding="utf-8", xml_declaration=True)
PYEOF

read -r passed failed skipped < <("$PY" - "$RESULTS" <<'PYEOF'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print(0, 1, 0); raise SystemExit
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
tests = sum(int(s.get("tests", 0)) for s in suites)
failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
print(tests - failed - skipped, failed, skipped)
PYEOF
)
passed=$((passed + build_passed)); failed=$((failed + build_failed))
END=$(date +%s.%N)
WALL=$(awk -v a="$START" -v b="$END" 'BEGIN { printf "%.1f", b - a }')
echo "run_tests: wall time ${WALL} s (book build counted as one test; ${skipped} skipped)"
echo "${passed} passed, ${failed} failed"
if [ "$code" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
