#!/usr/bin/env bash
# The Python client's checks (clients/python): its venv (scripts/install-python-client.sh,
# cached), mypy, then pytest: unit tests, the comparison with the earlier package (skipped
# without ../shared/peers), and the integration tests against the record service (node, from
# the repository root). Extra arguments go to pytest, e.g. `-m "not integration"`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="$(bash "$root/scripts/install-python-client.sh")"
cd "$root/clients/python"
"$(dirname "$python")/mypy"
"$python" -m pytest "$@"
