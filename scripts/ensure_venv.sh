#!/usr/bin/env bash
# Create .venv when missing and install the pinned requirements into it (quietly).
# constraints.txt pins the whole tested dependency tree, so a fresh machine gets the same versions.
# Re-installs only when requirements.txt, constraints.txt or pyproject.toml changed since the last install.
set -euo pipefail
# VISION_SKIP_VENV=1: use the existing .venv as it is (parallel work trees sharing one venv).
if [ "${VISION_SKIP_VENV:-}" = "1" ]; then exit 0; fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"
UV_VERSION=0.13.9
if [ ! -x "$VENV/bin/python" ]; then
  echo "ensure_venv: creating $VENV with $($PYTHON --version 2>&1)"
  "$PYTHON" -m venv "$VENV"
fi
STAMP="$VENV/.requirements.sha256"
WANT="$(cat "$ROOT/requirements.txt" "$ROOT/constraints.txt" "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  echo "ensure_venv: installing requirements.txt"
  # uv installs the same pinned versions as pip in about 7 s instead of about 32 s (December
  # 2026). --compile-bytecode because pip compiles too, and a process run with
  # PYTHONDONTWRITEBYTECODE (as here) would otherwise compile every import on every start.
  # Where uv cannot be had or fails, pip does the same install.
  PIP=("$VENV/bin/python" -m pip install -qq --disable-pip-version-check)
  REQUIREMENTS=(-r requirements.txt -c constraints.txt)
  cd "$ROOT"
  if ! { "${PIP[@]}" "uv==$UV_VERSION" \
         && "$VENV/bin/uv" pip install -q --python "$VENV/bin/python" --compile-bytecode "${REQUIREMENTS[@]}"; }; then
    echo "ensure_venv: uv $UV_VERSION could not install requirements.txt (above); installing with pip"
    "${PIP[@]}" "${REQUIREMENTS[@]}"
  fi
  echo "$WANT" > "$STAMP"
fi
