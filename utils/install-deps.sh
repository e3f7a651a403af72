#!/usr/bin/env bash
# Installs the Debian packages rms needs, if any is missing. Idempotent and
# silent when everything is there; uses sudo when not run as root.
set -euo pipefail

PACKAGES=(
  # Toolchain: LLVM/MLIR 22, linked through the shared libMLIR.so.
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
  # The OpenMP runtime behind the multi-threaded CPU code.
  libomp-22-dev
  cmake ninja-build
  # The Vulkan target: loader and headers, Mesa's lavapipe (a CPU Vulkan
  # driver, so the GPU path runs and is tested everywhere), spirv-val.
  libvulkan-dev mesa-vulkan-drivers spirv-tools
  # The Metal target: SPIRV-Cross turns the kernels into MSL.
  libspirv-cross-c-shared-dev
  # The float64 references of the integration tests.
  python3 python3-numpy
)

# Extra packages a target needs (make bench: gnuplot-nox).
PACKAGES+=("$@")

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
