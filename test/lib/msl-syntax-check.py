"""Syntax and type check of generated MSL with clang's C++ for OpenCL.

usage: msl-syntax-check.py CLANG SHIM_DIR FILE.metal

Metal's vector constructors convert (float4(half4) converts each lane);
C++ for OpenCL reads T4(v) as a reinterpreting vector cast. The source is
checked with every `float4(`, `half4(`, `uint4(`, `ushort4(` and `bool4(`
renamed to the shim's `rms_float4(` ... functions, which take exactly the
arguments Metal's constructors take here (a vector of another element type,
one scalar to splat, or four bools); everything else is checked as written.
"""

import re
import subprocess
import sys
import tempfile

clang, shim, path = sys.argv[1:4]
source = open(path).read()
renamed = re.sub(r"(?<![\w.])(float|half|uint|ushort|bool)4\(", r"rms_\g<1>4(", source)
with tempfile.NamedTemporaryFile("w", suffix=".cl") as f:
    f.write(renamed)
    f.flush()
    result = subprocess.run(
        [clang, "-x", "clcpp", "-cl-std=clc++2021", "-Xclang", "-finclude-default-header",
         "-fsyntax-only", "-Wno-unknown-attributes", "-Werror", "-I", shim, f.name],
        capture_output=True, text=True)
sys.stderr.write(result.stderr.replace(f.name, path))
sys.exit(result.returncode)
