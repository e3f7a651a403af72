//===- MSL.cpp - Metal Shading Language from the rms kernels --------------===//
//
// `--mlir-to-msl`: the spirv.module of `--rms-metal-pipeline` to Metal
// Shading Language 2.1 through SPIRV-Cross (the route of IREE and MoltenVK),
// one kernel per entry point in one source, and with `--msl-manifest=FILE`
// the JSON a Metal host needs to dispatch each kernel.
//
// The kernels have the ABI `convert-rms-to-gpu` gives them: storage buffers
// x, [weight,] y, then uniform buffers rows and n (one uint each), at
// bindings 0.. of set 0, which become `[[buffer(i)]]` with i the binding.
// The launch geometry (rows per threadgroup for short rows) is read from
// the gpu.func the kernel came from, which the pipeline keeps beside the
// spirv.module.
//
//===----------------------------------------------------------------------===//

#include "MSL.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/SPIRV/Serialization.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"

#include <spirv_cross/spirv_cross_c.h>

#include <memory>

using namespace mlir;

namespace {
/// One buffer of a kernel.
struct Buffer {
  uint32_t index;
  std::string name;    // x, weight, y, rows or n
  std::string mslType; // the element type in the MSL source

  /// rows and n: one uint each in a uniform (`constant`) buffer.
  bool isScalar() const { return name == "rows" || name == "n"; }
};

/// What the manifest says about one kernel.
struct Kernel {
  std::string entryPoint;
  std::string elementType; // f16, bf16 or f32
  bool hasWeight = false;
  float epsilon = 0;
  int64_t vectorWidth = 1; // elements per load, which must divide n
  // Read from the kernel's gpu.func for the manifest: how rows map onto
  // threadgroups ("rows": rowsPerThreadgroup short rows each; "row" or
  // "reg": one row each, "reg" keeping it in registers, which needs
  // n <= registerRowLimit), and the host's choice: short rows up to
  // shortRowLimit (0: none), rows in registers up to registerRowLimit.
  std::string path;
  int64_t rowsPerThreadgroup = 1;
  int64_t invocationRowLimit = 0;
  int64_t shortRowLimit = 0;
  int64_t registerRowLimit = 0;
  SmallVector<int64_t, 3> threadsPerThreadgroup;
  SmallVector<Buffer> buffers;
};

/// Owns a SPIRV-Cross context.
struct ContextDeleter {
  void operator()(spvc_context_s *context) { spvc_context_destroy(context); }
};
using Context = std::unique_ptr<spvc_context_s, ContextDeleter>;
} // namespace

static std::string mslTypeOf(Type type) {
  if (auto vector = dyn_cast<VectorType>(type)) {
    std::string element = mslTypeOf(vector.getElementType());
    if (element.empty() || vector.getRank() != 1)
      return "";
    return element + std::to_string(vector.getNumElements());
  }
  if (type.isF16())
    return "half";
  if (type.isF32())
    return "float";
  if (type.isInteger(16))
    return "ushort";
  if (type.isInteger(32))
    return "uint";
  return "";
}

/// Reads a kernel's variant and buffers from its spirv.func and the globals
/// it uses.
static FailureOr<Kernel> describe(spirv::ModuleOp module,
                                  spirv::EntryPointOp entryPoint) {
  Kernel kernel;
  kernel.entryPoint = entryPoint.getFn().str();
  auto func = module.lookupSymbol<spirv::FuncOp>(entryPoint.getFn());
  if (!func)
    return entryPoint.emitError("entry point without a function");
  for (auto mode : module.getOps<spirv::ExecutionModeOp>())
    if (mode.getFn() == entryPoint.getFn() &&
        mode.getExecutionMode() == spirv::ExecutionMode::LocalSize)
      for (Attribute size : mode.getValues())
        kernel.threadsPerThreadgroup.push_back(
            cast<IntegerAttr>(size).getInt());
  if (kernel.threadsPerThreadgroup.size() != 3)
    return func.emitError("kernel without a LocalSize execution mode");

  // The buffers the kernel uses, by binding: arrays in storage buffers,
  // scalars in uniform buffers.
  SmallVector<std::tuple<uint32_t, Type, bool>> bound;
  llvm::StringSet<> seen;
  func.walk([&](spirv::AddressOfOp address) {
    auto global =
        module.lookupSymbol<spirv::GlobalVariableOp>(address.getVariable());
    if (!global || !global.getBinding() ||
        !seen.insert(global.getSymName()).second)
      return;
    auto pointer = cast<spirv::PointerType>(global.getType());
    auto block = dyn_cast<spirv::StructType>(pointer.getPointeeType());
    if (!block || block.getNumElements() != 1)
      return;
    Type member = block.getElementType(0);
    if (auto array = dyn_cast<spirv::RuntimeArrayType>(member))
      member = array.getElementType();
    bound.emplace_back(*global.getBinding(), member,
                       pointer.getStorageClass() ==
                           spirv::StorageClass::Uniform);
  });
  llvm::sort(bound, [](auto &a, auto &b) {
    return std::get<0>(a) < std::get<0>(b);
  });
  kernel.hasWeight = bound.size() == 5;
  SmallVector<StringRef> names = {"x", "y", "rows", "n"};
  if (kernel.hasWeight)
    names.insert(names.begin() + 1, "weight");
  if (bound.size() != names.size())
    return func.emitError("not an rms kernel: ")
           << bound.size() << " buffers, expected 4 or 5";
  for (auto [i, entry] : llvm::enumerate(bound)) {
    auto [binding, type, uniform] = entry;
    Buffer buffer{binding, names[i].str(), mslTypeOf(type)};
    if (binding != i || buffer.mslType.empty() ||
        uniform != buffer.isScalar() ||
        (buffer.isScalar() && buffer.mslType != "uint"))
      return func.emitError("not an rms kernel: binding ")
             << binding << " of type " << type;
    kernel.buffers.push_back(std::move(buffer));
  }
  if (auto vector = dyn_cast<VectorType>(std::get<1>(bound.front())))
    kernel.vectorWidth = vector.getNumElements();
  // The element type is in the name, rms_norm_<type>_<w|nw>_...: bf16 and
  // f16 both travel as 16 bits.
  SmallVector<StringRef> parts;
  StringRef(kernel.entryPoint).split(parts, '_');
  if (parts.size() < 3 || parts[0] != "rms" || parts[1] != "norm" ||
      !llvm::is_contained({"f16", "bf16", "f32"}, parts[2]))
    return func.emitError("not an rms kernel name: ") << kernel.entryPoint;
  kernel.elementType = parts[2].str();
  // ... and epsilon's f32 bits end it: ..._eps0x<bits>.
  StringRef bits = StringRef(kernel.entryPoint).rsplit("_eps0x").second;
  uint32_t epsilonBits = 0;
  if (!bits.getAsInteger(16, epsilonBits))
    kernel.epsilon = llvm::bit_cast<float>(epsilonBits);
  return kernel;
}

/// A copy of `module` with only the kernel `name` and the globals it uses.
/// Its threadgroup memory is `partials`, of a struct type named after its
/// size. (SPIR-V 1.3 entry points do not list their workgroup variables, so
/// SPIRV-Cross would declare every kernel's in each kernel.)
static OwningOpRef<spirv::ModuleOp> extractKernel(spirv::ModuleOp module,
                                                  StringRef name) {
  OwningOpRef<spirv::ModuleOp> copy(module.clone());
  for (Operation &op : llvm::make_early_inc_range(copy->getOps())) {
    auto func = dyn_cast<spirv::FuncOp>(op);
    auto entryPoint = dyn_cast<spirv::EntryPointOp>(op);
    auto mode = dyn_cast<spirv::ExecutionModeOp>(op);
    if ((func && func.getSymName() != name) ||
        (entryPoint && entryPoint.getFn() != name) ||
        (mode && mode.getFn() != name))
      op.erase();
  }
  llvm::StringMap<SmallVector<spirv::AddressOfOp>> uses;
  copy->walk([&](spirv::AddressOfOp address) {
    uses[address.getVariable()].push_back(address);
  });
  for (auto global :
       llvm::make_early_inc_range(copy->getOps<spirv::GlobalVariableOp>())) {
    auto it = uses.find(global.getSymName());
    if (it == uses.end()) {
      global.erase();
      continue;
    }
    auto pointer = cast<spirv::PointerType>(global.getType());
    auto block = dyn_cast<spirv::StructType>(pointer.getPointeeType());
    if (pointer.getStorageClass() != spirv::StorageClass::Workgroup ||
        !block || block.getNumElements() != 1)
      continue;
    auto array = dyn_cast<spirv::ArrayType>(block.getElementType(0));
    if (!array)
      continue;
    auto named = spirv::StructType::getIdentified(
        module.getContext(),
        ("rms_partials_" + Twine(array.getNumElements())).str());
    if (failed(named.trySetBody({array}, {})))
      continue;
    auto renamed = spirv::PointerType::get(named, pointer.getStorageClass());
    global.setType(renamed);
    global.setSymName("partials");
    for (spirv::AddressOfOp address : it->second) {
      address.setVariable("partials");
      address.getPointer().setType(renamed);
    }
  }
  return copy;
}

/// The MSL of one entry point, with the buffers and their types named.
static FailureOr<std::string> compile(spirv::ModuleOp module,
                                      const Kernel &kernel) {
  OwningOpRef<spirv::ModuleOp> alone = extractKernel(module, kernel.entryPoint);
  SmallVector<uint32_t> binary;
  if (failed(spirv::serialize(*alone, binary)))
    return failure();
  spvc_context raw = nullptr;
  if (spvc_context_create(&raw) != SPVC_SUCCESS)
    return module.emitError("SPIRV-Cross: cannot create a context");
  Context context(raw);
  auto fail = [&](StringRef what) {
    return module.emitError("SPIRV-Cross: ")
           << what << ": " << spvc_context_get_last_error_string(raw);
  };
  spvc_parsed_ir ir = nullptr;
  spvc_compiler compiler = nullptr;
  spvc_compiler_options options = nullptr;
  if (spvc_context_parse_spirv(raw, binary.data(), binary.size(), &ir) ||
      spvc_context_create_compiler(raw, SPVC_BACKEND_MSL, ir,
                                   SPVC_CAPTURE_MODE_TAKE_OWNERSHIP,
                                   &compiler))
    return fail("cannot parse the SPIR-V");
  if (spvc_compiler_set_entry_point(compiler, kernel.entryPoint.c_str(),
                                    SpvExecutionModelGLCompute) ||
      spvc_compiler_create_compiler_options(compiler, &options) ||
      spvc_compiler_options_set_uint(options,
                                     SPVC_COMPILER_OPTION_MSL_VERSION,
                                     SPVC_MAKE_MSL_VERSION(2, 1, 0)) ||
      spvc_compiler_install_compiler_options(compiler, options))
    return fail("cannot set up the MSL compiler");

  // Binding i of set 0 is [[buffer(i)]]; name the buffers after their role
  // and their block types after their content, so that kernels sharing a
  // type print it the same way.
  spvc_resources resources = nullptr;
  if (spvc_compiler_create_shader_resources(compiler, &resources))
    return fail("cannot reflect the buffers");
  SmallVector<spvc_reflected_resource> list;
  for (spvc_resource_type kind : {SPVC_RESOURCE_TYPE_STORAGE_BUFFER,
                                  SPVC_RESOURCE_TYPE_UNIFORM_BUFFER}) {
    const spvc_reflected_resource *some = nullptr;
    size_t count = 0;
    if (spvc_resources_get_resource_list_for_type(resources, kind, &some,
                                                  &count))
      return fail("cannot reflect the buffers");
    list.append(some, some + count);
  }
  for (size_t i = 0; i < list.size(); ++i) {
    unsigned binding = spvc_compiler_get_decoration(compiler, list[i].id,
                                                    SpvDecorationBinding);
    spvc_msl_resource_binding remap;
    spvc_msl_resource_binding_init(&remap);
    remap.stage = SpvExecutionModelGLCompute;
    remap.desc_set = 0;
    remap.binding = binding;
    remap.msl_buffer = binding;
    if (spvc_compiler_msl_add_resource_binding(compiler, &remap))
      return fail("cannot bind a buffer");
    if (binding >= kernel.buffers.size())
      continue;
    const Buffer &buffer = kernel.buffers[binding];
    spvc_compiler_set_name(compiler, list[i].id, buffer.name.c_str());
    bool scalar = buffer.isScalar();
    std::string typeName =
        (scalar ? "rms_scalar_" : "rms_buffer_") + buffer.mslType;
    spvc_compiler_set_name(compiler, list[i].base_type_id, typeName.c_str());
    spvc_compiler_set_member_name(compiler, list[i].base_type_id, 0,
                                  scalar ? "value" : "data");
  }
  const char *source = nullptr;
  if (spvc_compiler_compile(compiler, &source))
    return fail("cannot compile " + kernel.entryPoint);
  return std::string(source);
}

/// Top-level declarations of an MSL source: split at blank lines outside
/// braces.
static SmallVector<std::string> topLevelChunks(StringRef source) {
  SmallVector<std::string> chunks;
  std::string current;
  int depth = 0;
  SmallVector<StringRef> lines;
  source.split(lines, '\n');
  for (StringRef line : lines) {
    if (line.trim().empty() && depth == 0) {
      if (!StringRef(current).trim().empty())
        chunks.push_back(current);
      current.clear();
      continue;
    }
    depth += line.count('{') - line.count('}');
    current += line.str() + "\n";
  }
  if (!StringRef(current).trim().empty())
    chunks.push_back(current);
  return chunks;
}

/// Reads the launch geometry of `kernel` from the gpu.func it was lowered
/// from (somewhere in `op`).
static LogicalResult readGeometry(Operation *op, Kernel &kernel) {
  gpu::GPUFuncOp source;
  op->walk([&](gpu::GPUFuncOp func) {
    if (func.getName() == kernel.entryPoint)
      source = func;
  });
  auto integer = [&](StringRef name) {
    return source ? source->getAttrOfType<IntegerAttr>(name) : IntegerAttr();
  };
  IntegerAttr rows = integer("rms.rows_per_workgroup");
  IntegerAttr invocationLimit = integer("rms.invocation_row_limit");
  IntegerAttr shortLimit = integer("rms.short_row_limit");
  IntegerAttr registerLimit = integer("rms.register_row_limit");
  auto path = source ? source->getAttrOfType<StringAttr>("rms.path")
                     : StringAttr();
  if (!rows || !invocationLimit || !shortLimit || !registerLimit || !path)
    return op->emitError("the manifest needs the gpu.func of kernel '")
           << kernel.entryPoint
           << "' with its rms.path, rms.rows_per_workgroup, "
              "rms.invocation_row_limit, rms.short_row_limit and "
              "rms.register_row_limit (the whole output of "
              "--rms-metal-pipeline)";
  kernel.path = path.str();
  kernel.rowsPerThreadgroup = rows.getInt();
  kernel.invocationRowLimit = invocationLimit.getInt();
  kernel.shortRowLimit = shortLimit.getInt();
  kernel.registerRowLimit = registerLimit.getInt();
  return success();
}

static void writeManifest(ArrayRef<Kernel> kernels, raw_ostream &os) {
  llvm::json::OStream json(os, 2);
  json.object([&] {
    json.attribute("msl_version", "2.1");
    json.attribute(
        "grid",
        "rows = product of all dimensions of x but the last, n = the last; "
        "groups = ceildiv(rows, rows_per_threadgroup); threadgroups = "
        "(max(min(groups, 65535), 1), ceildiv(groups, that), 1)");
    json.attribute(
        "choice",
        "every kernel of a variant whose `requires` holds for n computes the "
        "norm; `use_when` is the compiler's choice: the vectorized kernels "
        "when the width divides n, then short rows several per threadgroup, "
        "rows that fit in registers read once, other rows read twice");
    json.attributeArray("kernels", [&] {
      for (const Kernel &kernel : kernels) {
        json.object([&] {
          json.attribute("entry_point", kernel.entryPoint);
          json.attribute("element_type", kernel.elementType);
          json.attribute("weight", kernel.hasWeight);
          json.attribute("epsilon", kernel.epsilon);
          json.attributeArray("threads_per_threadgroup", [&] {
            for (int64_t size : kernel.threadsPerThreadgroup)
              json.value(size);
          });
          json.attribute("vector_width", kernel.vectorWidth);
          json.attribute("path", kernel.path);
          std::string width = std::to_string(kernel.vectorWidth);
          SmallVector<std::string> needs, useWhen;
          if (kernel.vectorWidth > 1)
            needs.push_back("n % " + width + " == 0");
          if (kernel.path == "reg")
            needs.push_back("n <= " +
                            std::to_string(kernel.registerRowLimit));
          if (kernel.path == "lane")
            needs.push_back("n <= " +
                            std::to_string(kernel.invocationRowLimit));
          useWhen = needs;
          // Rows longer than the paths before this one take (tiny, short,
          // in registers, streamed, in that order).
          int64_t above = 0;
          if (kernel.path != "lane")
            above = std::max(above, kernel.invocationRowLimit);
          if (kernel.path == "reg" || kernel.path == "row")
            above = std::max(above, kernel.shortRowLimit);
          if (kernel.path == "row")
            above = std::max(above, kernel.registerRowLimit);
          if (above > 0)
            useWhen.push_back("n > " + std::to_string(above));
          if (kernel.path == "rows")
            useWhen.push_back("n <= " + std::to_string(kernel.shortRowLimit));
          auto conjunction = [](ArrayRef<std::string> terms) {
            return terms.empty() ? std::string("always")
                                 : llvm::join(terms, " && ");
          };
          json.attribute("requires", conjunction(needs));
          json.attribute("use_when", conjunction(useWhen));
          json.attribute("rows_per_threadgroup", kernel.rowsPerThreadgroup);
          json.attribute("invocation_row_limit", kernel.invocationRowLimit);
          json.attribute("short_row_limit", kernel.shortRowLimit);
          json.attribute("register_row_limit", kernel.registerRowLimit);
          std::string groups =
              kernel.rowsPerThreadgroup > 1
                  ? llvm::formatv("ceildiv(rows, {0})",
                                  kernel.rowsPerThreadgroup)
                        .str()
                  : std::string("rows");
          std::string gridX = "max(min(" + groups + ", 65535), 1)";
          json.attributeArray("threadgroups", [&] {
            json.value(gridX);
            json.value("ceildiv(" + groups + ", " + gridX + ")");
            json.value("1");
          });
          // Long rows add the simdgroups' sums in threadgroup memory.
          bool longRow = kernel.path == "row" || kernel.path == "reg";
          json.attribute("threadgroup_memory_bytes",
                         longRow ? kernel.threadsPerThreadgroup[0] * 4 : 0);
          json.attributeArray("buffers", [&] {
            for (const Buffer &buffer : kernel.buffers) {
              json.object([&] {
                json.attribute("index", buffer.index);
                json.attribute("name", buffer.name);
                json.attribute("type", buffer.mslType);
                bool scalar = buffer.isScalar();
                json.attribute("kind", scalar ? "constant" : "array");
                std::string per =
                    kernel.vectorWidth > 1
                        ? " / " + std::to_string(kernel.vectorWidth)
                        : "";
                json.attribute("elements", buffer.name == "weight" ? "n" + per
                                           : scalar ? std::string("1")
                                                    : "rows * n" + per);
                json.attribute("access", buffer.name == "y" ? "write" : "read");
              });
            }
          });
          json.attribute("constants",
                         "rows and n: one uint32 each, in constant buffers "
                         "of their own (setBytes of 4 bytes)");
        });
      }
    });
  });
  os << "\n";
}

LogicalResult mlir::rms::translateToMSL(Operation *op, raw_ostream &output,
                                        StringRef manifestPath) {
  SmallVector<spirv::ModuleOp> modules;
  op->walk([&](spirv::ModuleOp module) { modules.push_back(module); });
  if (modules.size() != 1)
    return op->emitError("expected exactly one spirv.module (the output of "
                         "--rms-metal-pipeline), found ")
           << modules.size();
  spirv::ModuleOp module = modules.front();
  if (module.getVceTriple() &&
      llvm::is_contained(module.getVceTriple()->getCapabilities(),
                         spirv::Capability::Float64))
    return module.emitError("the kernels use f64, which Metal does not have; "
                            "compile them with --rms-metal-pipeline");
  SmallVector<Kernel, 0> kernels;
  std::string source;
  llvm::StringSet<> emitted;
  for (auto entryPoint : module.getOps<spirv::EntryPointOp>()) {
    FailureOr<Kernel> kernel = describe(module, entryPoint);
    if (failed(kernel) ||
        (!manifestPath.empty() && failed(readGeometry(op, *kernel))))
      return failure();
    FailureOr<std::string> msl = compile(module, *kernel);
    if (failed(msl))
      return failure();
    // The kernels share the header and the buffer types: print each
    // top-level declaration once.
    for (const std::string &chunk : topLevelChunks(*msl))
      if (emitted.insert(chunk).second)
        source += chunk + "\n";
    kernels.push_back(std::move(*kernel));
  }
  if (kernels.empty())
    return module.emitError("the spirv.module has no entry point");
  output << source;

  if (manifestPath.empty())
    return success();
  std::string error;
  auto file = openOutputFile(manifestPath, &error);
  if (!file)
    return op->emitError("cannot write the manifest: ") << error;
  writeManifest(kernels, file->os());
  file->keep();
  return success();
}
