#!/usr/bin/env bash
# Builds examples/go-stillepost (the Go twin of examples/python, with the OpenTelemetry Go SDK
# pinned in its go.mod and go.sum) into a cache directory keyed by a hash of its sources.
# Prints the binary's path last (progress goes to stderr).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/examples/go-stillepost"
# shellcheck source=lib/cached-binary.sh
source "$root/scripts/lib/cached-binary.sh"
key="$(cat "$src/go.mod" "$src/go.sum" "$src"/*.go | sha256sum | cut -c1-12)"
TARGET_DIR="$CACHE_DIR/go-stillepost-$key"
TARGET="$TARGET_DIR/go-stillepost"
use_given_or_cached go-stillepost "$TARGET"
start=$(date +%s)
# Build to a temporary name, then rename, so an interrupted build never leaves half a binary.
(cd "$src" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=readonly go build -trimpath -o "$TARGET.tmp" . >&2)
mv "$TARGET.tmp" "$TARGET"
echo "go-stillepost: built in $(($(date +%s) - start))s -> $TARGET" >&2
echo "$TARGET"
