#!/usr/bin/env bash
# The Python client's checks (clients/python): its venv (scripts/install-python-client.sh,
# cached), mypy, then pytest: unit tests, the comparison with the earlier package (skipped
# without ../shared/peers), and the integration tests against the record service (node, from
# the repository root), and the agreement figures against the `krippendorff` and `statsmodels`
# packages (clients/python/agreement-requirements.txt, installed here into the same venv).
# Extra arguments go to pytest, e.g. `-m "not integration"`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="$(bash "$root/scripts/install-python-client.sh")"
cd "$root/clients/python"
venv="$(dirname "$(dirname "$python")")"
stamp="$venv/.agreement-$(sha256sum agreement-requirements.txt | cut -c1-16)"
if [[ ! -f "$stamp" ]]; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r agreement-requirements.txt >&2
  touch "$stamp"
fi
"$(dirname "$python")/mypy"
"$python" -m pytest "$@"
