# -*- Python -*-
# lit configuration of the rms test suite.

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "RMS"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".py"]
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py", "lit.site.cfg.py",
                   "Inputs", "lib"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.rms_obj_root, "test")

# Checks must not lean on variables leaking between CHECK-LABEL blocks or on
# prefixes that nothing uses.
config.environment["FILECHECK_OPTS"] = "-enable-var-scope --allow-unused-prefixes=false"

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# The integration tests share a small NumPy library with the float64
# reference; Debian's python3 has NumPy.
config.substitutions.append(("%python", config.python_numpy))
config.substitutions.append(("%rms_test_lib", os.path.join(config.test_source_root, "lib")))

tool_dirs = [config.rms_tools_dir, config.llvm_tools_dir]
tools = ["rms-opt", "rms-translate", "rms-run", "mlir-opt"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# The C-interface test builds a host program with the LLVM toolchain the
# project is built with, against its OpenMP runtime.
config.substitutions.append(("%clangxx", os.path.join(config.llvm_tools_dir, "clang++")))
# The MSL tests check the generated source's syntax and types with clang's
# C++ for OpenCL against a stand-in for <metal_stdlib> (test/lib/metal-shim).
config.substitutions.append(("%msl_syntax_check", " ".join([
    config.python_numpy, os.path.join(config.test_source_root, "lib", "msl-syntax-check.py"),
    os.path.join(config.llvm_tools_dir, "clang"),
    os.path.join(config.test_source_root, "lib", "metal-shim")])))
config.substitutions.append(("%llvm_include_dir", config.llvm_include_dir))
config.substitutions.append(("%llvm_lib_dir", config.llvm_lib_dir))
config.substitutions.append(("%rms_include_dir", os.path.join(config.rms_src_root, "include")))
config.substitutions.append(("%rms_plugin", os.path.join(config.rms_obj_root, "lib", "RmsPlugin.so")))
config.substitutions.append(("%rms_cmake_dir", os.path.join(config.rms_obj_root, "lib", "cmake", "rms")))
config.substitutions.append(("%rms_lib_dir", os.path.join(config.rms_obj_root, "lib")))
config.substitutions.append(("%rms_obj_root", config.rms_obj_root))
config.substitutions.append(("%clang", os.path.join(config.llvm_tools_dir, "clang")))

# The Vulkan tests run on the first Vulkan device (Mesa's lavapipe where there
# is no GPU). `make check` installs lavapipe, so in CI a missing device is an
# error, never a silent skip.
import subprocess
_devices = subprocess.run([os.path.join(config.rms_tools_dir, "rms-run"), "--list-devices"],
                          capture_output=True, text=True)
if _devices.returncode == 0:
    config.available_features.add("vulkan")
elif os.environ.get("CI"):
    lit_config.fatal("no Vulkan device for the vulkan tests: " + _devices.stderr.strip())
else:
    lit_config.warning("no Vulkan device: the vulkan tests are skipped (" +
                       _devices.stderr.strip() + ")")
llvm_config.add_tool_substitutions(["spirv-val"], ["/usr/bin"])
