/*===- capi_main.c - a C host of the rms C API ----------------------------===*\
|*                                                                            *|
|* Parses the module given on the command line with the rms dialect and the   *|
|* upstream ones registered, runs the pass pipeline given second (by name,    *|
|* as rms-opt's --pass-pipeline) and prints the result. C only: what a        *|
|* binding in another language sees.                                          *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#include "rms-c/Rms.h"

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"
#include "mlir-c/Support.h"

#include <stdio.h>
#include <stdlib.h>

static void print(MlirStringRef text, void *stream) {
  fwrite(text.data, 1, text.length, (FILE *)stream);
}

static char *readFile(const char *path) {
  FILE *file = fopen(path, "rb");
  if (!file)
    return NULL;
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  fseek(file, 0, SEEK_SET);
  char *text = malloc(size + 1);
  size_t read = fread(text, 1, size, file);
  text[read] = '\0';
  fclose(file);
  return text;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: capi_main FILE.mlir PIPELINE\n");
    return 2;
  }
  char *source = readFile(argv[1]);
  if (!source) {
    fprintf(stderr, "cannot read %s\n", argv[1]);
    return 2;
  }

  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  rmsRegisterDialects(registry);
  MlirContext context = mlirContextCreateWithRegistry(registry, false);
  mlirDialectRegistryDestroy(registry);
  rmsRegisterPasses();
  /* The dialect handle works too, for hosts that register dialects one by
     one. */
  mlirDialectHandleLoadDialect(mlirGetDialectHandle__rms__(), context);

  MlirModule module =
      mlirModuleCreateParse(context, mlirStringRefCreateFromCString(source));
  free(source);
  if (mlirModuleIsNull(module)) {
    fprintf(stderr, "parse error\n");
    return 1;
  }
  MlirPassManager pm = mlirPassManagerCreate(context);
  MlirLogicalResult parsed = mlirParsePassPipeline(
      mlirPassManagerGetAsOpPassManager(pm),
      mlirStringRefCreateFromCString(argv[2]), print, stderr);
  if (mlirLogicalResultIsFailure(parsed)) {
    fprintf(stderr, "\nbad pipeline\n");
    return 1;
  }
  MlirOperation op = mlirModuleGetOperation(module);
  if (mlirLogicalResultIsFailure(mlirPassManagerRunOnOp(pm, op))) {
    fprintf(stderr, "pipeline failed\n");
    return 1;
  }
  mlirOperationPrint(op, print, stdout);
  printf("\n");
  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);
  mlirContextDestroy(context);
  return 0;
}
