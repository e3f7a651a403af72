#!/bin/bash
# Runs on a GPU machine without LLVM 22 (the lent H100), from the repository
# root, with the folder made by `bench/gpu/bundle.sh BUILD .dev` beside the
# sources: unpacks rms-run and the test tools into /tmp/rms, runs the Vulkan
# integration tests (test/Integration/Vulkan) with lit on the GPU's Vulkan
# driver, then bench/gpu/vulkan_vs_torch.py. Results go to $OUT (or
# /tmp/rms/out): lit.log, bench.log, results.md. Arguments name the steps
# (default: lit bench); `sweep:GRIDS` runs bench/gpu/sweep.py on its grid
# set GRIDS (sweep-GRIDS.log); `cpu` runs bench/gpu/cpu_vs_torch.py on the
# machine's CPU cores (cpu.log, cpu-results.md), with the OpenMP runtime
# put where rms-run loads it (/usr/lib/llvm-22/lib/libomp.so).
#
# Vulkan loader: if the machine has none, the .deb files in .gl (Debian's
# libvulkan1 and the GL dispatch libraries) are unpacked into /. To fetch
# them on a Debian machine, from the repository root:
#   mkdir -p .gl /tmp/amd64/partial
#   o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
#   apt-get $o update; (cd .gl && apt-get $o download libvulkan1 libegl1 \
#     libglvnd0 libopengl0 libgl1 libglx0 libgles2)
set -u
python=${PYTHON:-python3}
out=${OUT:-/tmp/rms/out}
root=/tmp/rms
bundle=$PWD/.dev
mkdir -p "$out" "$root/bin" "$root/lib" "$root/test/Integration/Vulkan"

if ! ldconfig -p | grep -q libvulkan.so.1; then
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
xz -dc "$bundle/rms-run.xz" >"$root/bin/rms-run"
xz -dc "$bundle/lib/libz3.so.4.xz" >"$root/lib/libz3.so.4"
chmod +x "$root/bin/rms-run"
export PATH=$root/bin:$PATH LD_LIBRARY_PATH=$root/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}

nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu \
  --format=csv 2>/dev/null
if ! rms-run --list-devices >/dev/null 2>&1; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
rms-run --list-devices || exit 1

cat >"$root/test/lit.site.cfg.py" <<SITE
config.llvm_tools_dir = "$bundle/llvm-bin"
config.rms_obj_root = "$root"
config.rms_tools_dir = "$root/bin"
config.rms_src_root = "$PWD"
config.python_numpy = "$(command -v "$python")"
config.llvm_include_dir = "/nonexistent"
config.llvm_lib_dir = "/nonexistent"
import lit.llvm
lit.llvm.initialize(lit_config, config)
lit_config.load_config(config, "$PWD/test/lit.cfg.py")
SITE
set -o pipefail
status=0
for step in ${@:-lit bench}; do
  case $step in
  lit)
    PYTHONPATH=$bundle "$python" -c "from lit.main import main; main()" \
      -sv "$root/test/Integration/Vulkan" 2>&1 | tee "$out/lit.log" | tail -25 ;;
  bench)
    PYTHONUNBUFFERED=1 "$python" bench/gpu/vulkan_vs_torch.py "$root/bin/rms-run" \
      "$root/work" --compile 2>&1 | tee "$out/bench.log"
    cp "$root/work/results.md" "$out/" 2>/dev/null ;;
  cpu)
    omp=/usr/lib/llvm-22/lib/libomp.so
    if [ ! -e $omp ]; then
      mkdir -p "$(dirname $omp)" && xz -dc "$bundle/lib/libomp.so.xz" >$omp
    fi
    PYTHONUNBUFFERED=1 "$python" bench/gpu/cpu_vs_torch.py "$root/bin/rms-run" \
      "$root/work" 2>&1 | tee "$out/cpu.log"
    cp "$root/work/cpu-results.md" "$out/" 2>/dev/null ;;
  sweep:*)
    PYTHONUNBUFFERED=1 "$python" bench/gpu/sweep.py "$root/bin/rms-run" "$root/work" \
      "${step#sweep:}" 2>&1 | tee "$out/sweep-${step#sweep:}.log" | grep BEST ;;
  *)
    echo "unknown step '$step' (lit, bench, cpu, sweep:GRIDS)"; false ;;
  esac || status=1
done
exit $status
