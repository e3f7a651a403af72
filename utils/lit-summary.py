"""Prints 'N passed, N failed[, N skipped]' from a lit JSON result file.

Exits non-zero when a test failed or when nothing ran, so that `make check`
fails loudly.
"""

import json
import sys

PASSED = {"PASS", "XFAIL"}
SKIPPED = {"UNSUPPORTED", "SKIPPED", "EXCLUDED"}

with open(sys.argv[1]) as f:
    tests = json.load(f)["tests"]
passed = sum(t["code"] in PASSED for t in tests)
skipped = sum(t["code"] in SKIPPED for t in tests)
failed = len(tests) - passed - skipped
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed or passed == 0 else 0)
