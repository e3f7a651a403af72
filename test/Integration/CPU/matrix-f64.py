# RUN: %python %s rms-run %t | FileCheck %s
# Runs the f64 case matrix (test/lib/matrix.py) on the CPU against the float64
# reference, with the tolerance of contract section 4.

# CHECK-NOT: FAIL
# CHECK: 20 of 20 cases within tolerance

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import matrix

matrix.run_matrix(sys.argv[1], sys.argv[2], "f64")
