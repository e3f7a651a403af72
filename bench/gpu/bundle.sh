#!/bin/bash
# Packs what a GPU machine without LLVM 22 needs to run the Vulkan tests and
# bench/gpu/vulkan_vs_torch.py (see bench/gpu/device.sh) into one folder:
#   rms-run.xz   rms-run linked from BUILD's objects with MLIR, LLVM and
#                libstdc++ linked in statically (Debian's static archives); it
#                still loads libc, libvulkan, libz and libzstd there;
#   llvm-bin/    FileCheck, not and count, and lib/libz3.so.4.xz that they load;
#   lib/libomp.so.xz  the OpenMP runtime that rms-run --target=cpu loads;
#   lit/         lit, as Debian ships it.
#
#   bench/gpu/bundle.sh BUILD OUTPUT_FOLDER
set -euo pipefail
build=$1
out=$2
llvm=/usr/lib/llvm-22
objects=$build/tools/rms-run/CMakeFiles/rms-run.dir
ninja -C "$build" rms-run >/dev/null
rm -rf "$out"
mkdir -p "$out/llvm-bin" "$out/lib"
# The archives in one group: the linker takes from them what rms-run needs.
clang++-22 -fuse-ld=lld -Wl,--gc-sections -static-libstdc++ -static-libgcc \
  -o "$out/rms-run" \
  "$objects/rms-run.cpp.o" "$objects/Npy.cpp.o" "$objects/VulkanRunner.cpp.o" \
  -Wl,--start-group "$build"/lib/libRms*.a \
  $(ls $llvm/lib/libMLIR*.a | grep -v -e CAPI -e /libmlir_) $llvm/lib/libLLVM*.a \
  -Wl,--end-group \
  -lvulkan -lz /lib/x86_64-linux-gnu/libzstd.so.1 -lpthread -ldl
strip "$out/rms-run"
"$out/rms-run" --help >/dev/null
xz -T0 -6 "$out/rms-run"
cp $llvm/bin/FileCheck $llvm/bin/not $llvm/bin/count "$out/llvm-bin/"
xz -T0 -6 -c /lib/x86_64-linux-gnu/libz3.so.4 >"$out/lib/libz3.so.4.xz"
xz -T0 -6 -c "$(readlink -f $llvm/lib/libomp.so)" >"$out/lib/libomp.so.xz"
cp -r $llvm/utils/lit/lit "$out/lit"
find "$out/lit" -name __pycache__ -prune -exec rm -rf {} +
du -sh "$out"
