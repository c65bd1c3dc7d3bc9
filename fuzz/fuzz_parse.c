/* fuzz_parse.c: libFuzzer target for the front end up to and including
 * parse_module (lex, parse, AST dump) on arbitrary bytes. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return fuzz_frontend(data, size, FUZZ_PARSE);
}
