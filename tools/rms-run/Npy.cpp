//===- Npy.cpp - strict reader and writer of NumPy .npy files -------------===//
//
// The header of a `.npy` file is a Python dict literal with exactly the keys
// 'descr', 'fortran_order' and 'shape'; this file parses that literal by hand
// and refuses anything else.
//
//===----------------------------------------------------------------------===//

#include "Npy.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

using namespace llvm;
using namespace mlir::rms;

static constexpr char kMagic[] = "\x93NUMPY";
static constexpr size_t kMagicSize = 6;

int64_t NpyArray::getNumElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

static Error fail(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

/// Bytes per element of a dtype descriptor, or 0 if it is not one we know.
static int64_t elementSize(StringRef descr) {
  if (descr.size() < 3 || (descr[0] != '<' && descr[0] != '|'))
    return 0;
  int64_t size;
  if (descr.drop_front(2).getAsInteger(10, size) || size <= 0 || size > 16)
    return 0;
  return StringRef("fiub").contains(descr[1]) ? size : 0;
}

namespace {
/// A recursive-descent parser of the header dict literal.
class HeaderParser {
public:
  explicit HeaderParser(StringRef text) : text(text) {}

  Error parse(NpyArray &array) {
    bool sawDescr = false, sawOrder = false, sawShape = false;
    skipSpace();
    if (!consume('{'))
      return fail("header is not a dict literal");
    while (true) {
      skipSpace();
      if (consume('}'))
        break;
      std::string key;
      if (Error e = parseString(key))
        return e;
      skipSpace();
      if (!consume(':'))
        return fail("header: expected ':' after key '" + key + "'");
      skipSpace();
      if (key == "descr") {
        if (Error e = parseString(array.descr))
          return e;
        sawDescr = true;
      } else if (key == "fortran_order") {
        if (text.consume_front("False")) {
          sawOrder = true;
        } else if (text.consume_front("True")) {
          return fail("Fortran-ordered arrays are not supported; save the "
                      "array in C order");
        } else {
          return fail("header: 'fortran_order' must be True or False");
        }
      } else if (key == "shape") {
        if (Error e = parseShape(array.shape))
          return e;
        sawShape = true;
      } else {
        return fail("header: unexpected key '" + key + "'");
      }
      skipSpace();
      if (consume(','))
        continue;
      skipSpace();
      if (consume('}'))
        break;
      return fail("header: expected ',' or '}' after the value of '" + key +
                  "'");
    }
    if (!sawDescr || !sawOrder || !sawShape)
      return fail("header: needs the keys 'descr', 'fortran_order' and "
                  "'shape'");
    if (!text.trim(" \n").empty())
      return fail("header: unexpected text after the dict");
    return Error::success();
  }

private:
  void skipSpace() { text = text.ltrim(" "); }
  bool consume(char c) { return text.consume_front(StringRef(&c, 1)); }

  Error parseString(std::string &out) {
    if (text.empty() || (text[0] != '\'' && text[0] != '"'))
      return fail("header: expected a quoted string");
    char quote = text[0];
    size_t end = text.find(quote, 1);
    if (end == StringRef::npos)
      return fail("header: unterminated string");
    out = text.slice(1, end).str();
    text = text.drop_front(end + 1);
    return Error::success();
  }

  Error parseShape(std::vector<int64_t> &shape) {
    if (!consume('('))
      return fail("header: 'shape' must be a tuple");
    while (true) {
      skipSpace();
      if (consume(')'))
        return Error::success();
      size_t digits = 0;
      while (digits < text.size() && isDigit(text[digits]))
        ++digits;
      int64_t dim;
      if (digits == 0 || text.take_front(digits).getAsInteger(10, dim))
        return fail("header: 'shape' must hold non-negative integers");
      shape.push_back(dim);
      text = text.drop_front(digits);
      skipSpace();
      if (consume(','))
        continue;
      if (consume(')'))
        return Error::success();
      return fail("header: malformed 'shape' tuple");
    }
  }

  StringRef text;
};
} // namespace

Expected<NpyArray> mlir::rms::parseNpy(StringRef contents) {
  if (contents.size() < kMagicSize + 2 ||
      !contents.starts_with(StringRef(kMagic, kMagicSize)))
    return fail("not a .npy file (bad magic)");
  unsigned major = static_cast<unsigned char>(contents[kMagicSize]);
  size_t lengthBytes = major == 1 ? 2 : (major == 2 || major == 3) ? 4 : 0;
  if (lengthBytes == 0)
    return fail("unsupported .npy version " + Twine(major));
  size_t prefix = kMagicSize + 2 + lengthBytes;
  if (contents.size() < prefix)
    return fail("truncated .npy header");
  uint64_t headerLength = 0;
  for (size_t i = 0; i < lengthBytes; ++i)
    headerLength |= uint64_t(static_cast<unsigned char>(
                        contents[kMagicSize + 2 + i]))
                    << (8 * i);
  if (contents.size() < prefix + headerLength)
    return fail("truncated .npy header");

  NpyArray array;
  if (Error e =
          HeaderParser(contents.substr(prefix, headerLength)).parse(array))
    return std::move(e);
  int64_t size = elementSize(array.descr);
  if (size == 0)
    return fail("unsupported dtype '" + array.descr + "'");

  StringRef data = contents.drop_front(prefix + headerLength);
  int64_t expected = array.getNumElements() * size;
  if (static_cast<int64_t>(data.size()) != expected)
    return fail("data holds " + Twine(data.size()) + " bytes, but shape and "
                "dtype need " + Twine(expected));
  array.data.assign(data.begin(), data.end());
  return array;
}

Expected<NpyArray> mlir::rms::readNpy(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> file =
      MemoryBuffer::getFile(path, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!file)
    return fail("cannot read '" + path + "': " + file.getError().message());
  Expected<NpyArray> array = parseNpy((*file)->getBuffer());
  if (!array)
    return fail("'" + path + "': " + toString(array.takeError()));
  return array;
}

std::string mlir::rms::serializeNpy(const NpyArray &array) {
  // NumPy writes `()`, `(n,)` and `(a, b, ...)`.
  std::string shape;
  for (size_t i = 0; i < array.shape.size(); ++i)
    shape += (i ? ", " : "") + std::to_string(array.shape[i]);
  if (array.shape.size() == 1)
    shape += ",";
  std::string header = "{'descr': '" + array.descr +
                       "', 'fortran_order': False, 'shape': (" + shape +
                       "), }";
  // Pad with spaces so that the data starts at a multiple of 64 bytes.
  size_t total = kMagicSize + 2 + 2 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';

  std::string out(kMagic, kMagicSize);
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  out += header;
  out.append(array.data.begin(), array.data.end());
  return out;
}

Error mlir::rms::writeNpy(StringRef path, const NpyArray &array) {
  std::error_code ec;
  raw_fd_ostream os(path, ec, sys::fs::OF_None);
  if (ec)
    return fail("cannot write '" + path + "': " + ec.message());
  os << serializeNpy(array);
  os.close();
  if (os.has_error())
    return fail("cannot write '" + path + "': " + os.error().message());
  return Error::success();
}
