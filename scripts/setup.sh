#!/usr/bin/env bash
# Installs what Whittle needs on a fresh Debian machine: system programs (apt) and npm packages.
# Idempotent and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# espeak-ng + flite synthesise the training speech; wamerican's word list supplies `_unknown_` words; sox is kept for users' own audio tooling;
# python3-onnx validates exported ONNX files in tests (never used by the product path);
# festival (+ voices) synthesises the held-out unseen-engine test set only: no training data uses it.
APT_PACKAGES=(espeak-ng flite sox wamerican python3-onnx festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}" >&2
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "setup: please install as root: apt-get install -y ${missing[*]}" >&2; exit 1; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# onnxruntime-node would fetch CUDA files at install time; its CPU binaries ship in the package.
export ONNXRUNTIME_NODE_INSTALL=skip
stamp=node_modules/.whittle-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: npm ci" >&2
  # @tensorflow/tfjs-node is optional: its libtensorflow download fails offline and npm skips it.
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
