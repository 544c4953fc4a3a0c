#!/usr/bin/env bash
# The Python client's checks (clients/python): a venv cached under clients/python/.venv, the
# package with its pinned test dependencies (constraints.txt pins every transitive one), mypy,
# then pytest: unit tests, the comparison with the earlier package (skipped without
# ../shared/peers), and the integration tests against the record service (node, from the root).
# Extra arguments go to pytest, e.g. `bash scripts/python-tests.sh -m "not integration"`.
set -euo pipefail
cd "$(dirname "$0")/../clients/python"
python=${PYTHON:-python3}
stamp=".venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  rm -rf .venv
  "$python" -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
  touch "$stamp"
fi
.venv/bin/mypy
.venv/bin/pytest "$@"
