#!/usr/bin/env bash
# Installs Arize Phoenix (an LLM-observability backend with OTLP ingest and SQLite storage) from
# PyPI, pinned with every package it pulls in (scripts/phoenix-constraints.txt, from `pip freeze`
# of a working install), into a venv in the install scripts' cache; later runs reuse it. Prints the
# `phoenix` command's path last (progress goes to stderr). For the GenAI end-to-end test
# (test/e2e/phoenix.e2e.test.ts). About 850 MB and a few minutes the first time.
#
#   scripts/install-phoenix.sh        # install if missing, print the path
#   PHOENIX_BIN=/path/to/phoenix      # use an existing installation instead
set -euo pipefail

PHOENIX_VERSION="${PHOENIX_VERSION:-20.26.1}"
# shellcheck source=lib/cached-binary.sh
source "$(dirname "$0")/lib/cached-binary.sh"
if [[ -n "${PHOENIX_BIN:-}" ]]; then
  [[ -x "$PHOENIX_BIN" ]] || { echo "phoenix: PHOENIX_BIN=$PHOENIX_BIN is not executable" >&2; exit 1; }
  echo "$PHOENIX_BIN"
  exit 0
fi
constraints="$(dirname "$0")/phoenix-constraints.txt"
venv="$CACHE_DIR/phoenix-$PHOENIX_VERSION-$(sha256sum "$constraints" | cut -c1-12)"
stamp="$venv/.installed"
if [[ ! -f "$stamp" ]]; then
  python=${PYTHON:-python3}
  command -v "$python" >/dev/null || { echo "phoenix: $python (3.10+) is required" >&2; exit 1; }
  start=$(date +%s)
  rm -rf "$venv"
  mkdir -p "$CACHE_DIR"
  "$python" -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check -c "$constraints" \
    "arize-phoenix==$PHOENIX_VERSION" >&2
  touch "$stamp"
  echo "phoenix: installed in $(($(date +%s) - start))s -> $venv" >&2
fi
echo "$venv/bin/phoenix"
