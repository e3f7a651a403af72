# many-functions.py N: N functions that each allocate, assert and free, with
# vector code between: what rms-convert-to-llvm converts inside functions
# (in parallel) next to what declares malloc, free and abort in the module.
import sys

for i in range(int(sys.argv[1])):
    print(f"""func.func @f{i}(%n: index) -> f32 {{
  %c0 = arith.constant 0 : index
  %zero = arith.constant dense<0.0> : vector<16xf32>
  %a = memref.alloc(%n) : memref<?xf32>
  %dim = memref.dim %a, %c0 : memref<?xf32>
  %ok = arith.cmpi eq, %dim, %n : index
  cf.assert %ok, "f{i}"
  %mask = vector.create_mask %n : vector<16xi1>
  %v = vector.maskedload %a[%c0], %mask, %zero : memref<?xf32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
  %s = vector.reduction <add>, %v : vector<16xf32> into f32
  memref.dealloc %a : memref<?xf32>
  return %s : f32
}}""")
