#!/usr/bin/env bash
# Builds this project's small OpenTelemetry Collector (collector-config/builder-config.yaml) with
# the OpenTelemetry Collector Builder, both pinned, into a cache directory that later runs reuse.
# The cache key is the builder version plus a hash of the manifest, so editing the manifest
# rebuilds. Prints the binary's path last (progress goes to stderr).
#
#   scripts/install-collector.sh     # build if missing, print the path
#   OTELCOL_BIN=/path/to/otelcol     # use an existing binary (it must have the same components)
set -euo pipefail

OCB_VERSION="${OCB_VERSION:-v0.161.0}"
root="$(cd "$(dirname "$0")/.." && pwd)"
manifest="$root/collector-config/builder-config.yaml"
# shellcheck source=lib/cached-binary.sh
source "$root/scripts/lib/cached-binary.sh"
key="$(sha256sum "$manifest" | cut -c1-12)"
TARGET_DIR="$CACHE_DIR/otelcol-$OCB_VERSION-$key"
TARGET="$TARGET_DIR/eh-otelcol"
use_given_or_cached collector "$TARGET" OTELCOL_BIN

work=$(mktemp -d "$TARGET_DIR/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "collector: building with the Collector Builder $OCB_VERSION (the first build takes minutes)" >&2
start=$(date +%s)
(
  cd "$work"
  export CGO_ENABLED=0 GOTOOLCHAIN=local GOBIN="$work/bin"
  go install "go.opentelemetry.io/collector/cmd/builder@$OCB_VERSION" >&2
  cp "$manifest" builder-config.yaml
  "$work/bin/builder" --config builder-config.yaml >&2
)
mv "$work/eh-otelcol/eh-otelcol" "$TARGET"
echo "collector: built in $(($(date +%s) - start))s -> $TARGET" >&2
echo "$TARGET"
