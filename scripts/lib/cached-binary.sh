# Sourced by the install-*.sh scripts: where built binaries are cached, and the common start of
# each script (a binary given by a variable, or one already cached, is printed and the script
# ends; otherwise Go must be there to build it).

# The cache directory shared by the install scripts.
CACHE_DIR="${EXECUTION_HISTORY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/execution-history}"

# use_given_or_cached NAME TARGET [VARIABLE]: exits 0 after printing the binary VARIABLE names
# (if set) or TARGET (if built); exits 1 if VARIABLE names no executable or Go is missing.
use_given_or_cached() {
  local name="$1" target="$2" variable="${3:-}"
  local given="${variable:+${!variable:-}}"
  if [[ -n "$given" ]]; then
    [[ -x "$given" ]] || { echo "$name: $variable=$given is not executable" >&2; exit 1; }
    echo "$given"
    exit 0
  fi
  if [[ -x "$target" ]]; then
    echo "$name: cached at $target" >&2
    echo "$target"
    exit 0
  fi
  command -v go >/dev/null || { echo "$name: Go is required to build it (https://go.dev/dl/)" >&2; exit 1; }
  mkdir -p "$(dirname "$target")"
}
