//===- VulkanRunner.cpp - run rms SPIR-V kernels through Vulkan -----------===//
//
// Interprets the host code of `--rms-spirv-pipeline` (index arithmetic,
// memref.alloc/dim/collapse_shape/cast, scf.if between kernels,
// gpu.launch_func, return), records every launch into one command buffer
// with a barrier between launches, and submits it. Buffers live in device
// memory; where the host cannot map it (a discrete GPU), inputs and results
// travel through host-visible staging buffers, copied outside the timed
// dispatches. Scalar kernel arguments travel in 4-byte uniform buffers, as
// convert-rms-to-gpu declares them.
//
//===----------------------------------------------------------------------===//

#include "VulkanRunner.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Target/SPIRV/Serialization.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

#include <vulkan/vulkan.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <variant>

using namespace mlir;
using namespace mlir::rms;
using llvm::Error;
using llvm::Expected;

static Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

static const char *resultName(VkResult result) {
  switch (result) {
  case VK_ERROR_OUT_OF_HOST_MEMORY:
    return "out of host memory";
  case VK_ERROR_OUT_OF_DEVICE_MEMORY:
    return "out of device memory";
  case VK_ERROR_INITIALIZATION_FAILED:
    return "initialization failed";
  case VK_ERROR_DEVICE_LOST:
    return "device lost";
  case VK_ERROR_INCOMPATIBLE_DRIVER:
    return "no compatible Vulkan driver";
  case VK_ERROR_FEATURE_NOT_PRESENT:
    return "feature not present";
  default:
    return "error";
  }
}

#define VK_CHECK(call, what)                                                   \
  do {                                                                         \
    VkResult vkResult = (call);                                                \
    if (vkResult != VK_SUCCESS)                                                \
      return fail(llvm::Twine("Vulkan: ") + what + " failed (" +               \
                  resultName(vkResult) + ", " + llvm::Twine(int(vkResult)) +   \
                  ")");                                                        \
  } while (false)

/// Records a memory barrier: writes of `written` access in stage `from` made
/// available and visible to `access` in stage `to`.
static void recordBarrier(VkCommandBuffer commands, VkPipelineStageFlags from,
                          VkAccessFlags written, VkPipelineStageFlags to,
                          VkAccessFlags access) {
  VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  barrier.srcAccessMask = written;
  barrier.dstAccessMask = access;
  vkCmdPipelineBarrier(commands, from, to, 0, 1, &barrier, 0, nullptr, 0,
                       nullptr);
}

namespace {
/// A buffer holding the elements of one memref, in the device's own memory.
/// Where the host cannot map that memory (a discrete GPU), the host reads and
/// writes a staging copy instead, copied in before the kernels run and out
/// after them: kernels reading host memory over the bus ran 50x slower than a
/// copy on an H100.
struct Buffer {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkBuffer staging = VK_NULL_HANDLE;
  VkDeviceMemory stagingMemory = VK_NULL_HANDLE;
  /// What the host reads and writes: `memory` or `stagingMemory`, mapped.
  void *mapped = nullptr;
  VkDeviceSize bytes = 0;
};

/// What a host SSA value holds while interpreting: an integer, or a view of
/// a buffer with a shape and an element type.
struct View {
  unsigned buffer;
  std::vector<int64_t> shape;
  Type elementType;
};
using HostValue = std::variant<int64_t, View>;

/// One compute pipeline per kernel entry point.
struct Kernel {
  VkDescriptorSetLayout setLayout = VK_NULL_HANDLE;
  VkPipelineLayout layout = VK_NULL_HANDLE;
  VkPipeline pipeline = VK_NULL_HANDLE;
};
} // namespace

struct VulkanRunner::Impl {
  VkInstance instance = VK_NULL_HANDLE;
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  uint32_t queueFamily = 0;
  VkCommandPool commandPool = VK_NULL_HANDLE;
  VkPhysicalDeviceProperties properties{};
  VkPhysicalDeviceMemoryProperties memoryProperties{};
  unsigned subgroupSize = 0;
  /// The optional features the kernels may need, as the device has them.
  bool hasFloat64 = false, hasFloat16 = false, hasInt16 = false,
       hasStorage16 = false;
  /// Whether kernels may declare DenormPreserve for f32
  /// (VK_KHR_shader_float_controls, enabled, with
  /// shaderDenormPreserveFloat32).
  bool preservesDenormals = false;
  /// RMS_VULKAN_STAGING=1: staging copies even where the host can map the
  /// device memory, to run the path of discrete GPUs on lavapipe.
  bool alwaysStage = false;
  VkShaderModule shader = VK_NULL_HANDLE;
  llvm::StringMap<Kernel> kernels;
  std::vector<Buffer> buffers;

  ~Impl();
  Error init();
  Expected<unsigned> createBuffer(VkDeviceSize bytes);
  /// Creates `buffer` for `usage`, bound to new memory of the first type that
  /// has all of `wanted`; returns all the flags of that type.
  Expected<VkMemoryPropertyFlags> allocate(VkDeviceSize bytes,
                                           VkBufferUsageFlags usage,
                                           VkMemoryPropertyFlags wanted,
                                           VkBuffer &buffer,
                                           VkDeviceMemory &memory);
  /// Records commands with `record`, submits them and waits for them.
  Error submitOnce(llvm::function_ref<void(VkCommandBuffer)> record);
  /// Copies the staging copies of buffers `ids` to the device memory
  /// (`toDevice`) or back; buffers the host maps directly need nothing.
  Error copyStaging(ArrayRef<unsigned> ids, bool toDevice);
  Error loadShader(spirv::ModuleOp module);
  /// The pipeline of entry point `name`, whose binding i holds a descriptor
  /// of `types[i]`.
  Expected<Kernel *> getKernel(StringRef name,
                               ArrayRef<VkDescriptorType> types);
};

static int64_t elementBytes(Type type) {
  return std::max<int64_t>(type.getIntOrFloatBitWidth() / 8, 1);
}

VulkanRunner::Impl::~Impl() {
  if (device) {
    vkDeviceWaitIdle(device);
    for (auto &entry : kernels) {
      vkDestroyPipeline(device, entry.second.pipeline, nullptr);
      vkDestroyPipelineLayout(device, entry.second.layout, nullptr);
      vkDestroyDescriptorSetLayout(device, entry.second.setLayout, nullptr);
    }
    for (Buffer &b : buffers) {
      vkDestroyBuffer(device, b.buffer, nullptr);
      vkFreeMemory(device, b.memory, nullptr);
      vkDestroyBuffer(device, b.staging, nullptr);
      vkFreeMemory(device, b.stagingMemory, nullptr);
    }
    if (shader)
      vkDestroyShaderModule(device, shader, nullptr);
    if (commandPool)
      vkDestroyCommandPool(device, commandPool, nullptr);
    vkDestroyDevice(device, nullptr);
  }
  if (instance)
    vkDestroyInstance(instance, nullptr);
}

Error VulkanRunner::Impl::init() {
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "rms-run";
  app.apiVersion = VK_API_VERSION_1_1;
  VkInstanceCreateInfo instanceInfo{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  instanceInfo.pApplicationInfo = &app;
  VK_CHECK(vkCreateInstance(&instanceInfo, nullptr, &instance),
           "creating an instance");

  uint32_t count = 0;
  VK_CHECK(vkEnumeratePhysicalDevices(instance, &count, nullptr),
           "listing devices");
  if (count == 0)
    return fail("no Vulkan device found (install a driver, e.g. Mesa's "
                "lavapipe: mesa-vulkan-drivers)");
  std::vector<VkPhysicalDevice> devices(count);
  VK_CHECK(vkEnumeratePhysicalDevices(instance, &count, devices.data()),
           "listing devices");
  unsigned index = 0;
  if (const char *chosen = std::getenv("RMS_VULKAN_DEVICE")) {
    char *end = nullptr;
    long value = std::strtol(chosen, &end, 10);
    if (*chosen == '\0' || *end != '\0' || value < 0 || value >= long(count))
      return fail(llvm::Twine("RMS_VULKAN_DEVICE=") + chosen +
                  " is not a device index (0 to " + llvm::Twine(count - 1) +
                  ")");
    index = static_cast<unsigned>(value);
  }
  physical = devices[index];
  if (const char *staging = std::getenv("RMS_VULKAN_STAGING")) {
    if (StringRef(staging) != "0" && StringRef(staging) != "1")
      return fail(llvm::Twine("RMS_VULKAN_STAGING=") + staging +
                  " is not 0 or 1");
    alwaysStage = StringRef(staging) == "1";
  }
  vkGetPhysicalDeviceProperties(physical, &properties);
  vkGetPhysicalDeviceMemoryProperties(physical, &memoryProperties);
  VkPhysicalDeviceSubgroupProperties subgroup{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
  VkPhysicalDeviceProperties2 properties2{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
  properties2.pNext = &subgroup;
  // Float controls are an extension of Vulkan 1.1 (core in 1.2, where
  // drivers still list it): its properties only where it is.
  uint32_t extensionCount = 0;
  vkEnumerateDeviceExtensionProperties(physical, nullptr, &extensionCount,
                                       nullptr);
  std::vector<VkExtensionProperties> extensions(extensionCount);
  vkEnumerateDeviceExtensionProperties(physical, nullptr, &extensionCount,
                                       extensions.data());
  bool hasFloatControls = llvm::any_of(extensions, [](const auto &e) {
    return StringRef(e.extensionName) ==
           VK_KHR_SHADER_FLOAT_CONTROLS_EXTENSION_NAME;
  });
  VkPhysicalDeviceFloatControlsPropertiesKHR floatControls{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FLOAT_CONTROLS_PROPERTIES_KHR};
  if (hasFloatControls)
    subgroup.pNext = &floatControls;
  vkGetPhysicalDeviceProperties2(physical, &properties2);
  subgroupSize = subgroup.subgroupSize;
  preservesDenormals =
      hasFloatControls && floatControls.shaderDenormPreserveFloat32;
  // The kernels sum each subgroup's partials with a subgroup reduction.
  if (!(subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) ||
      !(subgroup.supportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT))
    return fail(llvm::Twine("Vulkan device '") + properties.deviceName +
                "' has no subgroup arithmetic in compute shaders, which the "
                "rms kernels use");

  uint32_t families = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &families, nullptr);
  std::vector<VkQueueFamilyProperties> familyProperties(families);
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &families,
                                           familyProperties.data());
  bool found = false;
  for (uint32_t i = 0; i < families && !found; ++i)
    if (familyProperties[i].queueFlags & VK_QUEUE_COMPUTE_BIT) {
      queueFamily = i;
      found = true;
    }
  if (!found)
    return fail(llvm::Twine("Vulkan device '") + properties.deviceName +
                "' has no compute queue");

  // Enable the optional features the kernels may use, where present.
  VkPhysicalDeviceShaderFloat16Int8Features float16{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES};
  VkPhysicalDevice16BitStorageFeatures storage16{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
  storage16.pNext = &float16;
  VkPhysicalDeviceFeatures2 features{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  features.pNext = &storage16;
  vkGetPhysicalDeviceFeatures2(physical, &features);
  VkPhysicalDeviceFeatures2 enabled{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  enabled.features.shaderFloat64 = features.features.shaderFloat64;
  enabled.features.shaderInt16 = features.features.shaderInt16;
  VkPhysicalDevice16BitStorageFeatures enabledStorage16{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
  enabledStorage16.storageBuffer16BitAccess = storage16.storageBuffer16BitAccess;
  VkPhysicalDeviceShaderFloat16Int8Features enabledFloat16{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES};
  enabledFloat16.shaderFloat16 = float16.shaderFloat16;
  hasFloat64 = features.features.shaderFloat64;
  hasInt16 = features.features.shaderInt16;
  hasFloat16 = float16.shaderFloat16;
  hasStorage16 = storage16.storageBuffer16BitAccess;
  enabled.pNext = &enabledStorage16;
  enabledStorage16.pNext = &enabledFloat16;

  float priority = 1.0f;
  VkDeviceQueueCreateInfo queueInfo{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  queueInfo.queueFamilyIndex = queueFamily;
  queueInfo.queueCount = 1;
  queueInfo.pQueuePriorities = &priority;
  VkDeviceCreateInfo deviceInfo{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  deviceInfo.pNext = &enabled;
  deviceInfo.queueCreateInfoCount = 1;
  deviceInfo.pQueueCreateInfos = &queueInfo;
  const char *floatControlsName = VK_KHR_SHADER_FLOAT_CONTROLS_EXTENSION_NAME;
  if (preservesDenormals) {
    deviceInfo.enabledExtensionCount = 1;
    deviceInfo.ppEnabledExtensionNames = &floatControlsName;
  }
  VK_CHECK(vkCreateDevice(physical, &deviceInfo, nullptr, &device),
           "creating the device");
  vkGetDeviceQueue(device, queueFamily, 0, &queue);
  VkCommandPoolCreateInfo poolInfo{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  poolInfo.queueFamilyIndex = queueFamily;
  VK_CHECK(vkCreateCommandPool(device, &poolInfo, nullptr, &commandPool),
           "creating a command pool");
  return Error::success();
}

Expected<VkMemoryPropertyFlags> VulkanRunner::Impl::allocate(
    VkDeviceSize bytes, VkBufferUsageFlags usage, VkMemoryPropertyFlags wanted,
    VkBuffer &buffer, VkDeviceMemory &memory) {
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = bytes;
  info.usage = usage;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  VK_CHECK(vkCreateBuffer(device, &info, nullptr, &buffer),
           "creating a buffer");
  VkMemoryRequirements requirements;
  vkGetBufferMemoryRequirements(device, buffer, &requirements);
  uint32_t type = memoryProperties.memoryTypeCount;
  for (uint32_t i = 0; i < memoryProperties.memoryTypeCount; ++i)
    if ((requirements.memoryTypeBits & (1u << i)) &&
        (memoryProperties.memoryTypes[i].propertyFlags & wanted) == wanted) {
      type = i;
      break;
    }
  if (type == memoryProperties.memoryTypeCount)
    return fail(llvm::Twine("Vulkan: no memory type with flags ") +
                llvm::Twine(wanted) + " for buffers");
  VkMemoryAllocateInfo allocation{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  allocation.allocationSize = requirements.size;
  allocation.memoryTypeIndex = type;
  VK_CHECK(vkAllocateMemory(device, &allocation, nullptr, &memory),
           "allocating " + llvm::Twine(bytes) + " bytes");
  VK_CHECK(vkBindBufferMemory(device, buffer, memory, 0),
           "binding buffer memory");
  return memoryProperties.memoryTypes[type].propertyFlags;
}

Expected<unsigned> VulkanRunner::Impl::createBuffer(VkDeviceSize bytes) {
  // Registered first, so that the destructor frees what a failure leaves.
  buffers.emplace_back();
  Buffer &b = buffers.back();
  b.bytes = std::max<VkDeviceSize>(bytes, 4);
  const VkMemoryPropertyFlags hostFlags = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                          VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  const VkBufferUsageFlags transfers =
      VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  Expected<VkMemoryPropertyFlags> flags =
      allocate(b.bytes,
               VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                   VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT | transfers,
               VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, b.buffer, b.memory);
  if (!flags)
    return flags.takeError();
  VkDeviceMemory hostMemory = b.memory;
  if ((*flags & hostFlags) != hostFlags || alwaysStage) {
    Expected<VkMemoryPropertyFlags> staging =
        allocate(b.bytes, transfers, hostFlags, b.staging, b.stagingMemory);
    if (!staging)
      return staging.takeError();
    hostMemory = b.stagingMemory;
  }
  VK_CHECK(vkMapMemory(device, hostMemory, 0, VK_WHOLE_SIZE, 0, &b.mapped),
           "mapping a buffer");
  return buffers.size() - 1;
}

Error VulkanRunner::Impl::submitOnce(
    llvm::function_ref<void(VkCommandBuffer)> record) {
  VkCommandBufferAllocateInfo commandInfo{
      VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  commandInfo.commandPool = commandPool;
  commandInfo.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  commandInfo.commandBufferCount = 1;
  VkCommandBuffer commands;
  VK_CHECK(vkAllocateCommandBuffers(device, &commandInfo, &commands),
           "allocating a command buffer");
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  VkFenceCreateInfo fenceInfo{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  VkFence fence = VK_NULL_HANDLE;
  VkSubmitInfo submitInfo{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submitInfo.commandBufferCount = 1;
  submitInfo.pCommandBuffers = &commands;
  VkResult result = vkBeginCommandBuffer(commands, &begin);
  if (result == VK_SUCCESS) {
    record(commands);
    result = vkEndCommandBuffer(commands);
  }
  if (result == VK_SUCCESS)
    result = vkCreateFence(device, &fenceInfo, nullptr, &fence);
  if (result == VK_SUCCESS)
    result = vkQueueSubmit(queue, 1, &submitInfo, fence);
  if (result == VK_SUCCESS)
    result = vkWaitForFences(device, 1, &fence, VK_TRUE, UINT64_MAX);
  vkDestroyFence(device, fence, nullptr);
  vkFreeCommandBuffers(device, commandPool, 1, &commands);
  VK_CHECK(result, "copying between staging and device buffers");
  return Error::success();
}

Error VulkanRunner::Impl::copyStaging(ArrayRef<unsigned> ids, bool toDevice) {
  SmallVector<const Buffer *> staged;
  for (unsigned id : ids)
    if (buffers[id].staging)
      staged.push_back(&buffers[id]);
  if (staged.empty())
    return Error::success();
  return submitOnce([&](VkCommandBuffer commands) {
    const VkPipelineStageFlags compute = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                               transfer = VK_PIPELINE_STAGE_TRANSFER_BIT;
    if (!toDevice)
      recordBarrier(commands, compute, VK_ACCESS_SHADER_WRITE_BIT, transfer,
                    VK_ACCESS_TRANSFER_READ_BIT);
    for (const Buffer *b : staged) {
      VkBufferCopy region{0, 0, b->bytes};
      vkCmdCopyBuffer(commands, toDevice ? b->staging : b->buffer,
                      toDevice ? b->buffer : b->staging, 1, &region);
    }
    if (toDevice)
      recordBarrier(commands, transfer, VK_ACCESS_TRANSFER_WRITE_BIT, compute,
                    VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_UNIFORM_READ_BIT |
                        VK_ACCESS_SHADER_WRITE_BIT);
    else
      recordBarrier(commands, transfer, VK_ACCESS_TRANSFER_WRITE_BIT,
                    VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
  });
}

Error VulkanRunner::Impl::loadShader(spirv::ModuleOp module) {
  // The kernels require what spirv-update-vce found them to use; a device
  // without it gets one line, not a driver failure.
  if (std::optional<spirv::VerCapExtAttr> vce = module.getVceTriple()) {
    for (spirv::Capability capability : vce->getCapabilities()) {
      const char *missing = nullptr;
      if (capability == spirv::Capability::Float64 && !hasFloat64)
        missing = "64-bit floats (shaderFloat64), which f64 norms need";
      else if (capability == spirv::Capability::Float16 && !hasFloat16)
        missing = "16-bit floats (shaderFloat16), which f16 norms need";
      else if (capability == spirv::Capability::Int16 && !hasInt16)
        missing = "16-bit integers (shaderInt16), which bf16 norms need";
      else if (capability == spirv::Capability::StorageBuffer16BitAccess &&
               !hasStorage16)
        missing = "16-bit storage buffers (storageBuffer16BitAccess), which "
                  "f16 and bf16 norms need";
      else if (capability == spirv::Capability::DenormPreserve &&
               !preservesDenormals)
        missing = "shaderDenormPreserveFloat32 (VK_KHR_shader_float_controls), "
                  "which kernels that keep f32 denormals (preserve-denormals) "
                  "need";
      if (missing)
        return fail(llvm::Twine("Vulkan device '") + properties.deviceName +
                    "' has no " + missing);
    }
  }
  SmallVector<uint32_t> words;
  if (failed(spirv::serialize(module, words)))
    return fail("cannot serialize the SPIR-V kernels");
  VkShaderModuleCreateInfo info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  info.codeSize = words.size() * sizeof(uint32_t);
  info.pCode = words.data();
  VK_CHECK(vkCreateShaderModule(device, &info, nullptr, &shader),
           "creating the shader module");
  return Error::success();
}

Expected<Kernel *>
VulkanRunner::Impl::getKernel(StringRef name,
                              ArrayRef<VkDescriptorType> types) {
  auto it = kernels.find(name);
  if (it != kernels.end())
    return &it->second;
  Kernel kernel;
  unsigned bindings = types.size();
  std::vector<VkDescriptorSetLayoutBinding> layoutBindings(bindings);
  for (unsigned i = 0; i < bindings; ++i) {
    layoutBindings[i].binding = i;
    layoutBindings[i].descriptorType = types[i];
    layoutBindings[i].descriptorCount = 1;
    layoutBindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
  }
  VkDescriptorSetLayoutCreateInfo setInfo{
      VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  setInfo.bindingCount = bindings;
  setInfo.pBindings = layoutBindings.data();
  VK_CHECK(vkCreateDescriptorSetLayout(device, &setInfo, nullptr,
                                       &kernel.setLayout),
           "creating a descriptor set layout");
  VkPipelineLayoutCreateInfo layoutInfo{
      VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  layoutInfo.setLayoutCount = 1;
  layoutInfo.pSetLayouts = &kernel.setLayout;
  VK_CHECK(vkCreatePipelineLayout(device, &layoutInfo, nullptr, &kernel.layout),
           "creating a pipeline layout");
  std::string entry = name.str();
  VkComputePipelineCreateInfo pipelineInfo{
      VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  pipelineInfo.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  pipelineInfo.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  pipelineInfo.stage.module = shader;
  pipelineInfo.stage.pName = entry.c_str();
  pipelineInfo.layout = kernel.layout;
  VK_CHECK(vkCreateComputePipelines(device, VK_NULL_HANDLE, 1, &pipelineInfo,
                                    nullptr, &kernel.pipeline),
           "creating the pipeline of " + name);
  return &kernels.insert({name, kernel}).first->second;
}

Expected<std::vector<std::string>> mlir::rms::listVulkanDevices() {
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "rms-run";
  app.apiVersion = VK_API_VERSION_1_1;
  VkInstanceCreateInfo instanceInfo{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  instanceInfo.pApplicationInfo = &app;
  VkInstance instance;
  VK_CHECK(vkCreateInstance(&instanceInfo, nullptr, &instance),
           "creating an instance");
  uint32_t count = 0;
  vkEnumeratePhysicalDevices(instance, &count, nullptr);
  std::vector<VkPhysicalDevice> devices(count);
  vkEnumeratePhysicalDevices(instance, &count, devices.data());
  std::vector<std::string> names;
  for (VkPhysicalDevice device : devices) {
    VkPhysicalDeviceProperties properties;
    vkGetPhysicalDeviceProperties(device, &properties);
    names.push_back(properties.deviceName);
  }
  vkDestroyInstance(instance, nullptr);
  if (names.empty())
    return fail("no Vulkan device found (install a driver, e.g. Mesa's "
                "lavapipe: mesa-vulkan-drivers)");
  return names;
}

VulkanRunner::VulkanRunner(std::unique_ptr<Impl> impl)
    : impl(std::move(impl)) {}
VulkanRunner::~VulkanRunner() = default;

std::string VulkanRunner::getDeviceName() const {
  return impl->properties.deviceName;
}

unsigned VulkanRunner::getSubgroupSize() const { return impl->subgroupSize; }

bool VulkanRunner::preservesDenormals() const {
  return impl->preservesDenormals;
}

bool VulkanRunner::isCPU() const {
  return impl->properties.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
}

Expected<std::unique_ptr<VulkanRunner>> VulkanRunner::create() {
  auto impl = std::make_unique<Impl>();
  if (Error e = impl->init())
    return std::move(e);
  return std::unique_ptr<VulkanRunner>(new VulkanRunner(std::move(impl)));
}

namespace {
/// A recorded launch: the kernel, its grid and its bound buffers.
struct Dispatch {
  Kernel *kernel;
  uint32_t grid[3];
  std::vector<unsigned> buffers;
  std::vector<VkDescriptorType> types;
};
} // namespace

/// Evaluates an integer op of the host code.
static std::optional<int64_t> evalInteger(Operation *op,
                                          ArrayRef<int64_t> v) {
  auto ceilDiv = [](int64_t a, int64_t b) { return (a + b - 1) / b; };
  if (auto c = dyn_cast<arith::ConstantOp>(op))
    if (auto attr = dyn_cast<IntegerAttr>(c.getValue()))
      return attr.getValue().getSExtValue();
  if (isa<arith::IndexCastOp, arith::IndexCastUIOp, arith::ExtUIOp,
          arith::ExtSIOp, arith::TruncIOp>(op))
    return v[0];
  bool divides = isa<arith::DivUIOp, arith::DivSIOp, arith::CeilDivUIOp,
                     arith::CeilDivSIOp, arith::RemUIOp, arith::RemSIOp,
                     arith::FloorDivSIOp>(op);
  if (divides && v[1] == 0)
    return std::nullopt;
  if (isa<arith::AddIOp>(op))
    return v[0] + v[1];
  if (isa<arith::SubIOp>(op))
    return v[0] - v[1];
  if (isa<arith::MulIOp>(op))
    return v[0] * v[1];
  if (isa<arith::DivUIOp, arith::DivSIOp, arith::FloorDivSIOp>(op))
    return v[0] / v[1];
  if (isa<arith::CeilDivUIOp, arith::CeilDivSIOp>(op))
    return ceilDiv(v[0], v[1]);
  if (isa<arith::RemUIOp, arith::RemSIOp>(op))
    return v[0] % v[1];
  if (isa<arith::MinUIOp, arith::MinSIOp>(op))
    return std::min(v[0], v[1]);
  if (isa<arith::MaxUIOp, arith::MaxSIOp>(op))
    return std::max(v[0], v[1]);
  if (isa<arith::SelectOp>(op))
    return v[0] ? v[1] : v[2];
  if (auto cmp = dyn_cast<arith::CmpIOp>(op)) {
    switch (cmp.getPredicate()) {
    case arith::CmpIPredicate::eq:
      return v[0] == v[1];
    case arith::CmpIPredicate::ne:
      return v[0] != v[1];
    case arith::CmpIPredicate::slt:
    case arith::CmpIPredicate::ult:
      return v[0] < v[1];
    case arith::CmpIPredicate::sle:
    case arith::CmpIPredicate::ule:
      return v[0] <= v[1];
    case arith::CmpIPredicate::sgt:
    case arith::CmpIPredicate::ugt:
      return v[0] > v[1];
    case arith::CmpIPredicate::sge:
    case arith::CmpIPredicate::uge:
      return v[0] >= v[1];
    }
  }
  return std::nullopt;
}

Expected<VulkanRunResult>
VulkanRunner::run(func::FuncOp func, spirv::ModuleOp kernels,
                  const std::vector<NpyArray> &inputs, unsigned repetitions) {
  Impl &vk = *impl;
  if (!vk.shader)
    if (Error e = vk.loadShader(kernels))
      return std::move(e);

  llvm::DenseMap<Value, HostValue> values;
  auto integer = [&](Value v) -> Expected<int64_t> {
    auto it = values.find(v);
    if (it == values.end() || !std::holds_alternative<int64_t>(it->second))
      return fail("vulkan host: expected an integer value");
    return std::get<int64_t>(it->second);
  };
  auto view = [&](Value v) -> Expected<View> {
    auto it = values.find(v);
    if (it == values.end() || !std::holds_alternative<View>(it->second))
      return fail("vulkan host: expected a buffer value");
    return std::get<View>(it->second);
  };

  // Arguments: one buffer per input array.
  Block &body = func.getBody().front();
  // The buffers the host writes (inputs, scalar arguments).
  SmallVector<unsigned> hostWritten;
  for (auto [arg, array] : llvm::zip(body.getArguments(), inputs)) {
    auto type = cast<MemRefType>(arg.getType());
    Expected<unsigned> buffer = vk.createBuffer(array.data.size());
    if (!buffer)
      return buffer.takeError();
    std::memcpy(vk.buffers[*buffer].mapped, array.data.data(),
                array.data.size());
    hostWritten.push_back(*buffer);
    values[arg] = View{*buffer, array.shape, type.getElementType()};
  }

  std::vector<Dispatch> dispatches;
  std::vector<View> results;
  // Interprets a block of host code, recording its launches.
  std::function<Error(Block &)> interpret = [&](Block &block) -> Error {
    for (Operation &op : block) {
      if (isa<memref::DeallocOp, scf::YieldOp>(op))
        continue;
      // convert-rms-to-gpu picks a kernel by the row length: run one branch.
      if (auto branch = dyn_cast<scf::IfOp>(op)) {
        Expected<int64_t> condition = integer(branch.getCondition());
        if (!condition || branch.getNumResults())
          return fail("vulkan host: bad scf.if");
        Region &taken =
            *condition ? branch.getThenRegion() : branch.getElseRegion();
        if (!taken.empty())
          if (Error e = interpret(taken.front()))
            return e;
        continue;
      }
      if (auto ret = dyn_cast<func::ReturnOp>(op)) {
        for (Value v : ret.getOperands()) {
          Expected<View> result = view(v);
          if (!result)
            return result.takeError();
          results.push_back(*result);
        }
        return Error::success();
      }
      if (auto dim = dyn_cast<memref::DimOp>(op)) {
        Expected<View> source = view(dim.getSource());
        Expected<int64_t> index = integer(dim.getIndex());
        if (!source || !index)
          return fail("vulkan host: bad memref.dim");
        values[dim] = source->shape[*index];
        continue;
      }
      if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
        MemRefType type = alloc.getType();
        std::vector<int64_t> shape;
        unsigned dynamic = 0;
        for (int64_t size : type.getShape()) {
          if (!ShapedType::isDynamic(size)) {
            shape.push_back(size);
            continue;
          }
          Expected<int64_t> value = integer(alloc.getDynamicSizes()[dynamic++]);
          if (!value)
            return value.takeError();
          shape.push_back(*value);
        }
        int64_t count = 1;
        for (int64_t size : shape)
          count *= size;
        Expected<unsigned> buffer =
            vk.createBuffer(count * elementBytes(type.getElementType()));
        if (!buffer)
          return buffer.takeError();
        values[alloc] = View{*buffer, shape, type.getElementType()};
        continue;
      }
      // convert-rms-to-gpu reinterprets bf16 buffers as i16 with a one-to-one
      // unrealized cast: the same buffer.
      auto sameBuffer = [](UnrealizedConversionCastOp cast) {
        return cast->getNumOperands() == 1 && cast->getNumResults() == 1 &&
               isa<MemRefType>(cast.getOperand(0).getType()) &&
               isa<MemRefType>(cast.getResult(0).getType());
      };
      auto cast = dyn_cast<UnrealizedConversionCastOp>(op);
      if (isa<memref::CollapseShapeOp, memref::CastOp>(op) ||
          (cast && sameBuffer(cast))) {
        Expected<View> source = view(op.getOperand(0));
        if (!source)
          return source.takeError();
        View result = *source;
        if (isa<memref::CollapseShapeOp>(op)) {
          int64_t count = 1;
          for (int64_t size : source->shape)
            count *= size;
          result.shape = {count};
        }
        values[op.getResult(0)] = result;
        continue;
      }
      if (auto launch = dyn_cast<gpu::LaunchFuncOp>(op)) {
        Dispatch dispatch;
        gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
        Value gridValues[3] = {grid.x, grid.y, grid.z};
        for (int i = 0; i < 3; ++i) {
          Expected<int64_t> size = integer(gridValues[i]);
          if (!size)
            return size.takeError();
          if (*size < 0 || *size > vk.properties.limits.maxComputeWorkGroupCount[i])
            return fail("vulkan host: grid size " + llvm::Twine(*size) +
                        " exceeds the device limit");
          dispatch.grid[i] = static_cast<uint32_t>(*size);
        }
        for (Value operand : launch.getKernelOperands()) {
          if (isa<MemRefType>(operand.getType())) {
            Expected<View> buffer = view(operand);
            if (!buffer)
              return buffer.takeError();
            dispatch.buffers.push_back(buffer->buffer);
            dispatch.types.push_back(VK_DESCRIPTOR_TYPE_STORAGE_BUFFER);
            continue;
          }
          // Scalars travel as 32-bit integers in uniform buffers of their own.
          Expected<int64_t> scalar = integer(operand);
          if (!scalar)
            return scalar.takeError();
          if (*scalar > INT32_MAX || *scalar < INT32_MIN)
            return fail("vulkan host: the scalar argument " +
                        llvm::Twine(*scalar) + " does not fit 32 bits");
          Expected<unsigned> buffer = vk.createBuffer(4);
          if (!buffer)
            return buffer.takeError();
          int32_t word = static_cast<int32_t>(*scalar);
          std::memcpy(vk.buffers[*buffer].mapped, &word, 4);
          hostWritten.push_back(*buffer);
          dispatch.buffers.push_back(*buffer);
          dispatch.types.push_back(VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER);
        }
        Expected<Kernel *> kernel =
            vk.getKernel(launch.getKernelName().getValue(), dispatch.types);
        if (!kernel)
          return kernel.takeError();
        dispatch.kernel = *kernel;
        dispatches.push_back(std::move(dispatch));
        continue;
      }
      SmallVector<int64_t> operands;
      for (Value v : op.getOperands()) {
        Expected<int64_t> value = integer(v);
        if (!value)
          return fail("the vulkan target cannot run the host operation '" +
                      op.getName().getStringRef() + "'");
        operands.push_back(*value);
      }
      std::optional<int64_t> value =
          op.getNumResults() == 1 ? evalInteger(&op, operands) : std::nullopt;
      if (!value)
        return fail("the vulkan target cannot run the host operation '" +
                    op.getName().getStringRef() + "'");
      values[op.getResult(0)] = *value;
    }
    return Error::success();
  };
  if (Error e = interpret(body))
    return std::move(e);
  if (Error e = vk.copyStaging(hostWritten, /*toDevice=*/true))
    return std::move(e);

  // Record all launches in one command buffer, between two timestamps.
  std::vector<VkDescriptorPoolSize> sizes = {
      {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1},
      {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1}};
  for (Dispatch &d : dispatches)
    for (VkDescriptorType type : d.types)
      ++sizes[type == VK_DESCRIPTOR_TYPE_STORAGE_BUFFER ? 0 : 1]
            .descriptorCount;
  VkDescriptorPoolCreateInfo poolInfo{
      VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  poolInfo.maxSets = std::max<uint32_t>(dispatches.size(), 1);
  poolInfo.poolSizeCount = sizes.size();
  poolInfo.pPoolSizes = sizes.data();
  VkDescriptorPool pool;
  VK_CHECK(vkCreateDescriptorPool(vk.device, &poolInfo, nullptr, &pool),
           "creating a descriptor pool");
  VkQueryPoolCreateInfo queryInfo{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
  queryInfo.queryType = VK_QUERY_TYPE_TIMESTAMP;
  queryInfo.queryCount = 2;
  VkQueryPool queries;
  VK_CHECK(vkCreateQueryPool(vk.device, &queryInfo, nullptr, &queries),
           "creating a timestamp query pool");
  VkCommandBufferAllocateInfo commandInfo{
      VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  commandInfo.commandPool = vk.commandPool;
  commandInfo.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  commandInfo.commandBufferCount = 1;
  VkCommandBuffer commands;
  VK_CHECK(vkAllocateCommandBuffers(vk.device, &commandInfo, &commands),
           "allocating a command buffer");
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  VK_CHECK(vkBeginCommandBuffer(commands, &begin), "recording commands");
  vkCmdResetQueryPool(commands, queries, 0, 2);
  // Shader writes made available to `stage`'s `access`.
  auto barrier = [&](VkPipelineStageFlags stage, VkAccessFlags access) {
    recordBarrier(commands, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                  VK_ACCESS_SHADER_WRITE_BIT, stage, access);
  };
  vkCmdWriteTimestamp(commands, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, queries, 0);
  for (auto [i, d] : llvm::enumerate(dispatches)) {
    if (i > 0)
      barrier(VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
              VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
    VkDescriptorSetAllocateInfo setInfo{
        VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    setInfo.descriptorPool = pool;
    setInfo.descriptorSetCount = 1;
    setInfo.pSetLayouts = &d.kernel->setLayout;
    VkDescriptorSet set;
    VK_CHECK(vkAllocateDescriptorSets(vk.device, &setInfo, &set),
             "allocating a descriptor set");
    std::vector<VkDescriptorBufferInfo> infos(d.buffers.size());
    std::vector<VkWriteDescriptorSet> writes(d.buffers.size());
    for (size_t i = 0; i < d.buffers.size(); ++i) {
      infos[i] = {vk.buffers[d.buffers[i]].buffer, 0, VK_WHOLE_SIZE};
      writes[i] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
      writes[i].dstSet = set;
      writes[i].dstBinding = i;
      writes[i].descriptorCount = 1;
      writes[i].descriptorType = d.types[i];
      writes[i].pBufferInfo = &infos[i];
    }
    vkUpdateDescriptorSets(vk.device, writes.size(), writes.data(), 0,
                           nullptr);
    vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_COMPUTE,
                      d.kernel->pipeline);
    vkCmdBindDescriptorSets(commands, VK_PIPELINE_BIND_POINT_COMPUTE,
                            d.kernel->layout, 0, 1, &set, 0, nullptr);
    if (d.grid[0] && d.grid[1] && d.grid[2])
      vkCmdDispatch(commands, d.grid[0], d.grid[1], d.grid[2]);
  }
  // The time is the kernels' (and the barriers between them): the barrier
  // that makes their results visible to the host comes after it (lavapipe
  // spends about 10 us there, as much as a small kernel).
  vkCmdWriteTimestamp(commands, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, queries,
                      1);
  barrier(VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
  VK_CHECK(vkEndCommandBuffer(commands), "recording commands");

  VkFenceCreateInfo fenceInfo{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  VkFence fence;
  VK_CHECK(vkCreateFence(vk.device, &fenceInfo, nullptr, &fence),
           "creating a fence");
  auto submit = [&]() -> Expected<double> {
    VkSubmitInfo submitInfo{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submitInfo.commandBufferCount = 1;
    submitInfo.pCommandBuffers = &commands;
    VK_CHECK(vkResetFences(vk.device, 1, &fence), "resetting a fence");
    VK_CHECK(vkQueueSubmit(vk.queue, 1, &submitInfo, fence), "submitting");
    VK_CHECK(vkWaitForFences(vk.device, 1, &fence, VK_TRUE, UINT64_MAX),
             "waiting for the device");
    uint64_t stamps[2];
    VK_CHECK(vkGetQueryPoolResults(vk.device, queries, 0, 2, sizeof(stamps),
                                   stamps, sizeof(uint64_t),
                                   VK_QUERY_RESULT_64_BIT |
                                       VK_QUERY_RESULT_WAIT_BIT),
             "reading timestamps");
    return double(stamps[1] - stamps[0]) *
           vk.properties.limits.timestampPeriod * 1e-9;
  };

  VulkanRunResult result;
  Expected<double> first = submit();
  if (!first)
    return first.takeError();
  if (repetitions > 0) {
    std::vector<double> seconds;
    for (unsigned i = 0; i < repetitions; ++i) {
      Expected<double> t = submit();
      if (!t)
        return t.takeError();
      seconds.push_back(*t);
    }
    std::sort(seconds.begin(), seconds.end());
    result.medianSeconds = seconds[seconds.size() / 2];
  }
  vkDestroyFence(vk.device, fence, nullptr);
  vkFreeCommandBuffers(vk.device, vk.commandPool, 1, &commands);
  vkDestroyQueryPool(vk.device, queries, nullptr);
  vkDestroyDescriptorPool(vk.device, pool, nullptr);

  SmallVector<unsigned> resultBuffers;
  for (const View &v : results)
    resultBuffers.push_back(v.buffer);
  if (Error e = vk.copyStaging(resultBuffers, /*toDevice=*/false))
    return std::move(e);
  for (const View &v : results) {
    NpyArray array;
    array.shape = v.shape;
    int64_t count = array.getNumElements();
    int64_t bytes = count * elementBytes(v.elementType);
    array.data.resize(bytes);
    std::memcpy(array.data.data(), vk.buffers[v.buffer].mapped, bytes);
    result.outputs.push_back(std::move(array));
  }
  return result;
}
