#!/usr/bin/env bash
# Installs Jaeger v2 (one binary for the all-in-one and the collector roles) from the Go module
# proxy, pinned, into a cache directory that later runs reuse. Prints the binary's path last
# (progress goes to stderr).
#
#   scripts/install-jaeger.sh        # build if missing, print the path
#   JAEGER_BIN=/path/to/jaeger       # use an existing binary instead
#
# Why not `go install …/cmd/jaeger@<commit>`: the v2 tags are not valid module versions, the module
# proxy here answers 403 for the v2.20.0 commit, and `go install pkg@version` refuses modules whose
# go.mod has replace directives (Jaeger's has one). So this builds v1.76.0 — the Go-module tag of
# the Jaeger v2.13.0 release (each v2 release carries a v1.x twin tag) — from a tiny wrapper module
# that requires it and repeats its replace line; the dependency versions are Jaeger's own.
set -euo pipefail

JAEGER_VERSION="${JAEGER_VERSION:-v1.76.0}"
# shellcheck source=lib/cached-binary.sh
source "$(dirname "$0")/lib/cached-binary.sh"
TARGET_DIR="$CACHE_DIR/jaeger-$JAEGER_VERSION"
TARGET="$TARGET_DIR/jaeger"
use_given_or_cached jaeger "$TARGET" JAEGER_BIN

work=$(mktemp -d "$TARGET_DIR/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat >"$work/go.mod" <<MOD
module execution-history/jaeger-build

go 1.24

replace github.com/Shopify/sarama => github.com/Shopify/sarama v1.33.0
MOD
echo "jaeger: building github.com/jaegertracing/jaeger/cmd/jaeger@$JAEGER_VERSION (the first build takes minutes)" >&2
start=$(date +%s)
(
  cd "$work"
  export GOFLAGS="-mod=mod" CGO_ENABLED=0 GOTOOLCHAIN=local
  # Jaeger's own go.sum pins every dependency's hash (the checksum database cannot be asked
  # for some of them through the module proxy here).
  jaeger_dir=$(go mod download -json "github.com/jaegertracing/jaeger@$JAEGER_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -f "$jaeger_dir/go.sum" ]] || { echo "jaeger: module download failed" >&2; exit 1; }
  cp "$jaeger_dir/go.sum" go.sum
  chmod u+w go.sum
  go get "github.com/jaegertracing/jaeger/cmd/jaeger@$JAEGER_VERSION" >&2
  # Build to a temporary name, then rename, so an interrupted build never leaves half a binary.
  go build -trimpath -o "$work/jaeger" github.com/jaegertracing/jaeger/cmd/jaeger >&2
)
mv "$work/jaeger" "$TARGET"
echo "jaeger: built in $(($(date +%s) - start))s -> $TARGET" >&2
echo "$TARGET"
