#!/usr/bin/env bash
# Makes the venv of the research-export tests (test/python/.venv): pandas, pyarrow, openpyxl and
# xmlschema at the pins of test/python/requirements.txt, redone only when that file changes.
# Prints the venv's python last (progress goes to stderr).
set -euo pipefail

dir="$(cd "$(dirname "$0")/../test/python" && pwd)"
python=${PYTHON:-python3}
stamp="$dir/.venv/.installed-$(sha256sum "$dir/requirements.txt" | cut -c1-16)"
# Test files running at once may call this together: one builds, the others wait for it.
exec 9>"$dir/.venv.lock"
flock 9
if [[ ! -f "$stamp" || ! -x "$dir/.venv/bin/python" ]]; then
  command -v "$python" >/dev/null || { echo "research python: $python is required" >&2; exit 1; }
  start=$(date +%s)
  rm -rf "$dir/.venv"
  "$python" -m venv "$dir/.venv" >&2
  "$dir/.venv/bin/pip" install --quiet --disable-pip-version-check --no-deps \
    -r "$dir/requirements.txt" >&2
  touch "$stamp"
  echo "research python: installed in $(($(date +%s) - start))s -> $dir/.venv" >&2
fi
echo "$dir/.venv/bin/python"
