// A hand-written baseline for `make bench` on Vulkan, not part of rms: short
// rows, one subgroup per row and `rows_per_group` rows per workgroup, vec4
// loads and stores, one subgroupAdd, no shared memory, no barrier. f32,
// with a weight.
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
layout(constant_id = 1) const uint rows_per_group = 8;
layout(std430, binding = 0) readonly buffer X { UNIT x[]; };
layout(std430, binding = 1) readonly buffer W { UNIT w[]; };
layout(std430, binding = 2) writeonly buffer Y { UNIT y[]; };
layout(push_constant) uniform Sizes { uint rows; uint n; float epsilon; } sizes;

void main() {
  uint group = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  uint units = sizes.n / WIDTH;
  uint subgroups = (gl_WorkGroupSize.x + gl_SubgroupSize - 1) / gl_SubgroupSize;
  for (uint r = gl_SubgroupID; r < rows_per_group; r += subgroups) {
    uint row = group * rows_per_group + r;
    if (row >= sizes.rows)
      return;
    uint base = row * units;
    float sum = 0.0;
    for (uint j = gl_SubgroupInvocationID; j < units; j += gl_SubgroupSize) {
      UNIT v = x[base + j];
      sum += SQUARE(v);
    }
    float scale = inversesqrt(subgroupAdd(sum) / float(sizes.n) + sizes.epsilon);
    for (uint j = gl_SubgroupInvocationID; j < units; j += gl_SubgroupSize)
      y[base + j] = x[base + j] * scale * w[j];
  }
}
