#!/usr/bin/env bash
# Installs the Debian packages sandbox needs, and only those that are missing.
# Idempotent: a machine that has everything runs no apt-get at all.
# Usage: scripts/install-deps.sh [build|test|bench|demo]
set -euo pipefail

profile="${1:-build}"
packages=(libbox2d-dev libcairo2-dev libgif-dev libopenblas-dev libsqlite3-dev libglfw3-dev libgl-dev fonts-dejavu-core pkg-config)
case "$profile" in
  build|demo) ;;
  # The labelling window's tests run it under Xvfb (with Mesa's software OpenGL) and type with xdotool.
  test) packages+=(ffmpeg xvfb xauth xdotool libgl1-mesa-dri libopenmpi-dev openmpi-bin) ;;
  bench) packages+=(ffmpeg python3-venv libopenmpi-dev openmpi-bin) ;;
  *) echo "install-deps: unknown profile '$profile' (use build, test, bench or demo)" >&2; exit 2 ;;
esac

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
    echo "install-deps: need root to install ${missing[*]}; run as root or install them by hand" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
