// Runs one hand-written GLSL baseline (bench/glsl/*.comp, compiled to
// SPIR-V) on Vulkan device RMS_VULKAN_DEVICE (default 0, as rms-run), timed as `rms-run --benchmark` times
// rms's kernels: GPU timestamps before and after the dispatch, the median of
// the repetitions after a warm-up, GB/s = (x read + y written + w read) /
// time. Used by `make bench` to measure rms against the baseline in the same
// run; not part of rms.
//
//   vk_glsl SHADER.spv ROWS N WORKGROUP_SIZE ROWS_PER_GROUP REPETITIONS
//
// ROWS_PER_GROUP 0 dispatches a workgroup per row (row.comp), k > 0 a
// workgroup per k rows (rows.comp). f32, epsilon 1e-5; N a multiple of 4 for
// the vec4 shaders.
// Prints "GB/s G max_relative_error E" (the error against a float64 loop).

#include <vulkan/vulkan.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <vector>

#define CHECK(call)                                                            \
  do {                                                                         \
    VkResult result = (call);                                                  \
    if (result != VK_SUCCESS) {                                                \
      std::fprintf(stderr, "vk_glsl: %s failed (%d)\n", #call, int(result));   \
      std::exit(1);                                                            \
    }                                                                          \
  } while (false)

struct Buffer {
  VkBuffer buffer;
  VkDeviceMemory memory;
  float *data;
};

int main(int argc, char **argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: vk_glsl SHADER.spv ROWS N WORKGROUP_SIZE "
                         "ROWS_PER_GROUP REPETITIONS\n");
    return 1;
  }
  std::ifstream file(argv[1], std::ios::binary);
  std::vector<char> code((std::istreambuf_iterator<char>(file)),
                         std::istreambuf_iterator<char>());
  uint32_t rows = std::atoi(argv[2]), n = std::atoi(argv[3]);
  uint32_t workgroupSize = std::atoi(argv[4]);
  uint32_t rowsPerGroup = std::atoi(argv[5]);
  int repetitions = std::atoi(argv[6]);
  if (code.empty() || code.size() % 4 || !rows || !workgroupSize ||
      repetitions < 1) {
    std::fprintf(stderr, "vk_glsl: bad arguments\n");
    return 1;
  }

  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.apiVersion = VK_API_VERSION_1_1;
  VkInstanceCreateInfo instanceInfo{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  instanceInfo.pApplicationInfo = &app;
  VkInstance instance;
  CHECK(vkCreateInstance(&instanceInfo, nullptr, &instance));
  uint32_t count = 0;
  CHECK(vkEnumeratePhysicalDevices(instance, &count, nullptr));
  if (!count) {
    std::fprintf(stderr, "vk_glsl: no Vulkan device\n");
    return 1;
  }
  std::vector<VkPhysicalDevice> physicalDevices(count);
  CHECK(vkEnumeratePhysicalDevices(instance, &count, physicalDevices.data()));
  // The device rms-run uses: RMS_VULKAN_DEVICE, default the first.
  const char *chosen = std::getenv("RMS_VULKAN_DEVICE");
  uint32_t index = chosen ? std::atoi(chosen) : 0;
  if (index >= count) {
    std::fprintf(stderr, "vk_glsl: no Vulkan device %u\n", index);
    return 1;
  }
  VkPhysicalDevice physical = physicalDevices[index];
  VkPhysicalDeviceProperties properties;
  vkGetPhysicalDeviceProperties(physical, &properties);

  uint32_t families = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &families, nullptr);
  std::vector<VkQueueFamilyProperties> familyProperties(families);
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &families,
                                           familyProperties.data());
  uint32_t family = 0;
  while (family < families &&
         !(familyProperties[family].queueFlags & VK_QUEUE_COMPUTE_BIT))
    ++family;
  float priority = 1.0f;
  VkDeviceQueueCreateInfo queueInfo{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  queueInfo.queueFamilyIndex = family;
  queueInfo.queueCount = 1;
  queueInfo.pQueuePriorities = &priority;
  VkDeviceCreateInfo deviceInfo{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  deviceInfo.queueCreateInfoCount = 1;
  deviceInfo.pQueueCreateInfos = &queueInfo;
  VkDevice device;
  CHECK(vkCreateDevice(physical, &deviceInfo, nullptr, &device));
  VkQueue queue;
  vkGetDeviceQueue(device, family, 0, &queue);

  VkPhysicalDeviceMemoryProperties memory;
  vkGetPhysicalDeviceMemoryProperties(physical, &memory);
  auto makeBuffer = [&](size_t elements) {
    Buffer b;
    VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    info.size = elements * sizeof(float);
    info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
    CHECK(vkCreateBuffer(device, &info, nullptr, &b.buffer));
    VkMemoryRequirements needs;
    vkGetBufferMemoryRequirements(device, b.buffer, &needs);
    VkMemoryPropertyFlags wanted = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                   VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    uint32_t type = 0;
    while (!((needs.memoryTypeBits >> type) & 1) ||
           (memory.memoryTypes[type].propertyFlags & wanted) != wanted)
      ++type;
    VkMemoryAllocateInfo allocation{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    allocation.allocationSize = needs.size;
    allocation.memoryTypeIndex = type;
    CHECK(vkAllocateMemory(device, &allocation, nullptr, &b.memory));
    CHECK(vkBindBufferMemory(device, b.buffer, b.memory, 0));
    CHECK(vkMapMemory(device, b.memory, 0, VK_WHOLE_SIZE, 0,
                      reinterpret_cast<void **>(&b.data)));
    return b;
  };
  size_t elements = size_t(rows) * n;
  Buffer x = makeBuffer(elements), w = makeBuffer(n), y = makeBuffer(elements);
  std::mt19937 random(0);
  std::uniform_real_distribution<float> uniform(-10.0f, 10.0f);
  for (size_t i = 0; i < elements; ++i)
    x.data[i] = uniform(random);
  for (uint32_t i = 0; i < n; ++i)
    w.data[i] = uniform(random) / 5.0f;

  VkDescriptorSetLayoutBinding bindings[3];
  for (uint32_t i = 0; i < 3; ++i)
    bindings[i] = {i, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1,
                   VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
  VkDescriptorSetLayoutCreateInfo setLayoutInfo{
      VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  setLayoutInfo.bindingCount = 3;
  setLayoutInfo.pBindings = bindings;
  VkDescriptorSetLayout setLayout;
  CHECK(vkCreateDescriptorSetLayout(device, &setLayoutInfo, nullptr,
                                    &setLayout));
  VkPushConstantRange pushRange{VK_SHADER_STAGE_COMPUTE_BIT, 0, 12};
  VkPipelineLayoutCreateInfo layoutInfo{
      VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  layoutInfo.setLayoutCount = 1;
  layoutInfo.pSetLayouts = &setLayout;
  layoutInfo.pushConstantRangeCount = 1;
  layoutInfo.pPushConstantRanges = &pushRange;
  VkPipelineLayout layout;
  CHECK(vkCreatePipelineLayout(device, &layoutInfo, nullptr, &layout));

  VkShaderModuleCreateInfo moduleInfo{
      VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  moduleInfo.codeSize = code.size();
  moduleInfo.pCode = reinterpret_cast<const uint32_t *>(code.data());
  VkShaderModule module;
  CHECK(vkCreateShaderModule(device, &moduleInfo, nullptr, &module));
  uint32_t constants[2] = {workgroupSize, std::max<uint32_t>(rowsPerGroup, 1)};
  VkSpecializationMapEntry entries[2] = {{0, 0, 4}, {1, 4, 4}};
  VkSpecializationInfo specialization{2, entries, sizeof(constants),
                                      constants};
  VkComputePipelineCreateInfo pipelineInfo{
      VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  pipelineInfo.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
  pipelineInfo.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  pipelineInfo.stage.module = module;
  pipelineInfo.stage.pName = "main";
  pipelineInfo.stage.pSpecializationInfo = &specialization;
  pipelineInfo.layout = layout;
  VkPipeline pipeline;
  CHECK(vkCreateComputePipelines(device, VK_NULL_HANDLE, 1, &pipelineInfo,
                                 nullptr, &pipeline));

  VkDescriptorPoolSize poolSize{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 3};
  VkDescriptorPoolCreateInfo poolInfo{
      VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  poolInfo.maxSets = 1;
  poolInfo.poolSizeCount = 1;
  poolInfo.pPoolSizes = &poolSize;
  VkDescriptorPool pool;
  CHECK(vkCreateDescriptorPool(device, &poolInfo, nullptr, &pool));
  VkDescriptorSetAllocateInfo setInfo{
      VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
  setInfo.descriptorPool = pool;
  setInfo.descriptorSetCount = 1;
  setInfo.pSetLayouts = &setLayout;
  VkDescriptorSet set;
  CHECK(vkAllocateDescriptorSets(device, &setInfo, &set));
  VkDescriptorBufferInfo infos[3] = {{x.buffer, 0, VK_WHOLE_SIZE},
                                     {w.buffer, 0, VK_WHOLE_SIZE},
                                     {y.buffer, 0, VK_WHOLE_SIZE}};
  VkWriteDescriptorSet writes[3];
  for (uint32_t i = 0; i < 3; ++i) {
    writes[i] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    writes[i].dstSet = set;
    writes[i].dstBinding = i;
    writes[i].descriptorCount = 1;
    writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    writes[i].pBufferInfo = &infos[i];
  }
  vkUpdateDescriptorSets(device, 3, writes, 0, nullptr);

  VkQueryPoolCreateInfo queryInfo{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
  queryInfo.queryType = VK_QUERY_TYPE_TIMESTAMP;
  queryInfo.queryCount = 2;
  VkQueryPool queries;
  CHECK(vkCreateQueryPool(device, &queryInfo, nullptr, &queries));
  VkCommandPoolCreateInfo commandPoolInfo{
      VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  commandPoolInfo.queueFamilyIndex = family;
  VkCommandPool commandPool;
  CHECK(vkCreateCommandPool(device, &commandPoolInfo, nullptr, &commandPool));
  VkCommandBufferAllocateInfo commandInfo{
      VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  commandInfo.commandPool = commandPool;
  commandInfo.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  commandInfo.commandBufferCount = 1;
  VkCommandBuffer commands;
  CHECK(vkAllocateCommandBuffers(device, &commandInfo, &commands));

  uint32_t groups = rowsPerGroup ? (rows + rowsPerGroup - 1) / rowsPerGroup
                                 : rows;
  uint32_t gridX = std::min<uint32_t>(groups, 65535);
  uint32_t gridY = (groups + gridX - 1) / gridX;
  struct {
    uint32_t rows, n;
    float epsilon;
  } sizes = {rows, n, 1e-5f};
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  CHECK(vkBeginCommandBuffer(commands, &begin));
  vkCmdResetQueryPool(commands, queries, 0, 2);
  vkCmdWriteTimestamp(commands, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, queries, 0);
  vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
  vkCmdBindDescriptorSets(commands, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0,
                          1, &set, 0, nullptr);
  vkCmdPushConstants(commands, layout, VK_SHADER_STAGE_COMPUTE_BIT, 0,
                     sizeof(sizes), &sizes);
  vkCmdDispatch(commands, gridX, gridY, 1);
  vkCmdWriteTimestamp(commands, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, queries,
                      1);
  VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
  barrier.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  vkCmdPipelineBarrier(commands, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                       VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &barrier, 0, nullptr,
                       0, nullptr);
  CHECK(vkEndCommandBuffer(commands));

  VkFenceCreateInfo fenceInfo{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  VkFence fence;
  CHECK(vkCreateFence(device, &fenceInfo, nullptr, &fence));
  std::vector<double> seconds;
  for (int i = 0; i <= repetitions; ++i) {
    VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &commands;
    CHECK(vkResetFences(device, 1, &fence));
    CHECK(vkQueueSubmit(queue, 1, &submit, fence));
    CHECK(vkWaitForFences(device, 1, &fence, VK_TRUE, UINT64_MAX));
    uint64_t stamps[2];
    CHECK(vkGetQueryPoolResults(
        device, queries, 0, 2, sizeof(stamps), stamps, sizeof(uint64_t),
        VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
    if (i > 0)
      seconds.push_back(double(stamps[1] - stamps[0]) *
                        properties.limits.timestampPeriod * 1e-9);
  }
  std::sort(seconds.begin(), seconds.end());
  double median = seconds[seconds.size() / 2];

  double worst = 0.0;
  for (uint32_t r = 0; r < rows; r += std::max<uint32_t>(1, rows / 64)) {
    double sum = 0.0;
    for (uint32_t j = 0; j < n; ++j)
      sum += double(x.data[size_t(r) * n + j]) * x.data[size_t(r) * n + j];
    double scale = 1.0 / std::sqrt(sum / n + double(1e-5f));
    for (uint32_t j = 0; j < n; ++j) {
      double want = x.data[size_t(r) * n + j] * scale * w.data[j];
      double got = y.data[size_t(r) * n + j];
      worst = std::max(worst, std::fabs(got - want) /
                                  std::max(std::fabs(want), 1e-30));
    }
  }
  double bytes = (2.0 * elements + n) * sizeof(float);
  std::printf("GB/s %.2f max_relative_error %.2e\n", bytes / median * 1e-9,
              worst);
  return 0;
}
