// A hand-written baseline for `make bench` on Vulkan, not part of rms: one
// workgroup per row, vec4 loads and stores (scalars when compiled with
// -DSCALAR, for any row length), each invocation striding over
// the row, subgroupAdd then shared memory and one barrier, then the scaling
// sweep reading x again. f32, with a weight.
#version 450
#extension GL_KHR_shader_subgroup_arithmetic : require
#ifdef SCALAR
#define UNIT float
#define WIDTH 1
#define SQUARE(v) ((v) * (v))
#else
#define UNIT vec4
#define WIDTH 4
#define SQUARE(v) dot(v, v)
#endif
layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer X { UNIT x[]; };
layout(std430, binding = 1) readonly buffer W { UNIT w[]; };
layout(std430, binding = 2) writeonly buffer Y { UNIT y[]; };
layout(push_constant) uniform Sizes { uint rows; uint n; float epsilon; } sizes;
shared float partial[256];

void main() {
  uint row = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  if (row >= sizes.rows)
    return;
  uint units = sizes.n / WIDTH;
  uint base = row * units;
  uint lanes = gl_WorkGroupSize.x;
  float sum = 0.0;
  for (uint j = gl_LocalInvocationID.x; j < units; j += lanes) {
    UNIT v = x[base + j];
    sum += SQUARE(v);
  }
  sum = subgroupAdd(sum);
  if (subgroupElect())
    partial[gl_SubgroupID] = sum;
  barrier();
  uint subgroups = (lanes + gl_SubgroupSize - 1) / gl_SubgroupSize;
  float total = 0.0;
  for (uint k = 0; k < subgroups; ++k)
    total += partial[k];
  float scale = inversesqrt(total / float(sizes.n) + sizes.epsilon);
  for (uint j = gl_LocalInvocationID.x; j < units; j += lanes)
    y[base + j] = x[base + j] * scale * w[j];
}
