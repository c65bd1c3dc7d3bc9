/* source.h: a loaded source file and its line table (Span -> text). */
#ifndef PJ_SOURCE_H
#define PJ_SOURCE_H

#include "base.h"

typedef struct Source {
  const char *path;   /* as given on the command line */
  const char *text;   /* NUL-terminated (an embedded NUL lexes as an ERRORTOKEN, as in tokenize) */
  size_t len;
  int nlines;
  const size_t *line_start; /* byte offset of each line; index 1..nlines (0 unused) */
} Source;

/* Builds the line table.  Lines end at \n (a CRLF's CR is not part of the
 * line); a lone CR does not end a line, exactly as Python's tokenize counts. */
Source *source_new(Arena *a, const char *path, const char *text, size_t len);
/* Returns the bytes of line `line` (no terminator) and its length, or NULL. */
const char *source_line(const Source *s, int line, size_t *len);
/* Byte offset within a line for a character column, and the reverse (UTF-8). */
size_t utf8_col_to_byte(const char *line, size_t len, int col);
int utf8_byte_to_col(const char *line, size_t nbytes);

#endif
