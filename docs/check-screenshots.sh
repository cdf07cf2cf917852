#!/usr/bin/env bash
# CI: the screenshots in docs/images are exactly what the documented command takes from the current code
# (DocScreenshots stops the clock and hides the caret, so a retake of an unchanged view is byte-identical).
# The live latency-lab screenshots (LatencyScreenshots) show measured numbers, so they cannot be compared byte for
# byte: the same command takes them, and this check covers the deterministic scenes only.
# On a difference it leaves the new pictures in place: look at them, then commit docs/images.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -Pscreenshots package -Dtest=DocScreenshots
changed="$(git status --porcelain -- docs/images)"
if [ -n "$changed" ]; then
  echo "check-screenshots: docs/images is not what the current code shows:" >&2
  echo "$changed" >&2
  echo "check-screenshots: run ./mvnw -B -q -Pscreenshots package and commit docs/images" >&2
  exit 1
fi
echo "check-screenshots: docs/images is what the current code shows ($(ls docs/images/*.png | wc -l) screenshots)"
