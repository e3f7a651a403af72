"""Checks a --msl-manifest against the MSL source it describes.

For every kernel: the entry point exists, its [[buffer(i)]] parameters have
the manifest's indices, names, address spaces (device arrays, constant
scalars) and element types (read from the struct definitions), its
threadgroup array has threads_per_threadgroup[0] floats
(threadgroup_memory_bytes) and one barrier for long rows, none of either
for short rows, the element type and vector width match the variant, a
vectorized kernel requires n % width == 0, a registers kernel n <= its
register_row_limit and a tiny-row kernel n <= its invocation_row_limit, and the threadgroup count formula uses the kernel's
rows_per_threadgroup.
Prints one line per kernel; exits non-zero on any disagreement.
"""

import json
import re
import sys

MSL_TYPE = {"f16": "half", "f32": "float", "bf16": "ushort"}

source = open(sys.argv[1]).read()
manifest = json.load(open(sys.argv[2]))

structs = {}
for name, body in re.findall(r"^struct (\w+)\n\{\n(.*?)\n\};", source, re.M | re.S):
    structs[name] = body.strip()

kernels = dict(re.findall(r"^kernel void (\w+)\((.*)\)$", source, re.M))
errors = []
described = [k["entry_point"] for k in manifest["kernels"]]
if sorted(described) != sorted(kernels):
    errors.append(f"entry points differ: manifest {described}, source {sorted(kernels)}")

for kernel in manifest["kernels"]:
    name = kernel["entry_point"]
    if name not in kernels:
        continue
    problems = []
    params = re.findall(r"(device|constant) (\w+)& (\w+) \[\[buffer\((\d+)\)\]\]",
                        kernels[name])
    in_source = []
    for space, struct, param, index in params:
        member = re.match(r"(\w+) (?:data\[1\]|value);", structs.get(struct, ""))
        kind = "constant" if space == "constant" else "array"
        in_source.append((int(index), param, member.group(1) if member else "?", kind))
    in_manifest = [(b["index"], b["name"], b["type"], b["kind"]) for b in kernel["buffers"]]
    if in_source != in_manifest:
        problems.append(f"buffers: source {in_source}, manifest {in_manifest}")
    width = kernel["vector_width"]
    stored = MSL_TYPE[kernel["element_type"]] + (str(width) if width > 1 else "")
    if in_source and in_source[0][2] != stored:
        problems.append(f"element type {kernel['element_type']} x {width} stored as {in_source[0][2]}")
    needs = [f"n % {width} == 0"] if width > 1 else []
    if kernel["path"] == "reg":
        needs.append(f"n <= {kernel['register_row_limit']}")
    if kernel["path"] == "lane":
        needs.append(f"n <= {kernel['invocation_row_limit']}")
    if kernel["requires"] != (" && ".join(needs) or "always"):
        problems.append(f"requires {kernel['requires']!r}, expected {needs}")
    rows = kernel["rows_per_threadgroup"]
    groups = f"ceildiv(rows, {rows})" if rows > 1 else "rows"
    if kernel["threadgroups"][0] != f"max(min({groups}, 65535), 1)":
        problems.append(f"threadgroups {kernel['threadgroups'][0]!r} ignore the geometry")
    if kernel["weight"] != any(p == "weight" for _, p, _, _ in in_source):
        problems.append("weight flag disagrees with the buffers")
    # The kernel's body runs to the next top-level closing brace.
    body = source[source.index(f"kernel void {name}("):]
    body = body[:body.index("\n}\n")]
    shared = re.search(r"threadgroup (\w+) partials;", body)
    size = 0
    if shared:
        array = re.search(r"spvUnsafeArray<float, (\d+)>", structs.get(shared.group(1), ""))
        size = int(array.group(1)) if array else None
    threads = kernel["threads_per_threadgroup"][0]
    # Short rows (a simdgroup per row) and tiny rows (a thread per row): no
    # threadgroup memory, no barrier. Long rows: one float per thread and
    # one barrier.
    short = kernel["path"] in ("rows", "lane")
    floats = 0 if short else threads
    if size != floats or kernel["threadgroup_memory_bytes"] != 4 * floats:
        problems.append(f"threadgroup memory of {size} floats for {threads} threads")
    if body.count("threadgroup_barrier(") != (0 if short else 1):
        problems.append(f"{body.count('threadgroup_barrier(')} barriers on path {kernel['path']}")
    if (kernel["rows_per_threadgroup"] > 1) != short:
        problems.append("rows per threadgroup disagree with the path")
    errors += [f"{name}: {p}" for p in problems]
    print(f"{name}: {len(in_source)} buffers, {threads} threads, "
          f"{'agrees' if not problems else 'DISAGREES'}")

for error in errors:
    print("error:", error)
if errors:
    sys.exit(1)
print(f"{len(kernels)} kernels, manifest agrees with the source")
