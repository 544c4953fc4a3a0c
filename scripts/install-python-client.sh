#!/usr/bin/env bash
# Makes the Python client's venv (clients/python/.venv): the package, editable, with its pinned
# test dependencies (constraints.txt pins every transitive one), redone only when pyproject.toml
# or constraints.txt change. Prints the venv's python last (progress goes to stderr).
set -euo pipefail

dir="$(cd "$(dirname "$0")/../clients/python" && pwd)"
python=${PYTHON:-python3}
stamp="$dir/.venv/.installed-$(cat "$dir/pyproject.toml" "$dir/constraints.txt" | sha256sum | cut -c1-16)"
if [[ ! -f "$stamp" ]]; then
  command -v "$python" >/dev/null || { echo "python client: $python is required" >&2; exit 1; }
  start=$(date +%s)
  rm -rf "$dir/.venv"
  "$python" -m venv "$dir/.venv" >&2
  "$dir/.venv/bin/pip" install --quiet --disable-pip-version-check \
    -c "$dir/constraints.txt" -e "$dir[test]" >&2
  touch "$stamp"
  echo "python client: installed in $(($(date +%s) - start))s -> $dir/.venv" >&2
fi
echo "$dir/.venv/bin/python"
