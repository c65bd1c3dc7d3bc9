/* source.c: the line table of a source file, and UTF-8 column arithmetic. */
#include "source.h"

Source *source_new(Arena *a, const char *path, const char *text, size_t len) {
  Source *s = ARENA_NEW(a, Source);
  s->path = arena_strdup(a, path);
  s->text = text;
  s->len = len;
  int n = 1;
  for (size_t i = 0; i < len; i++)
    if (text[i] == '\n')
      n++;
  size_t *starts = ARENA_ARRAY(a, size_t, n + 2);
  int line = 1;
  starts[1] = 0;
  for (size_t i = 0; i < len; i++)
    if (text[i] == '\n')
      starts[++line] = i + 1;
  s->nlines = line;
  s->line_start = starts;
  return s;
}

const char *source_line(const Source *s, int line, size_t *len) {
  if (line < 1 || line > s->nlines)
    return NULL;
  size_t b = s->line_start[line], e = b;
  while (e < s->len && s->text[e] != '\n')
    e++;
  if (e > b && s->text[e - 1] == '\r') /* CRLF */
    e--;
  *len = e - b;
  return s->text + b;
}

size_t utf8_col_to_byte(const char *line, size_t len, int col) {
  size_t i = 0;
  for (int c = 0; c < col && i < len; c++) {
    i++;
    while (i < len && ((unsigned char)line[i] & 0xC0) == 0x80)
      i++;
  }
  return i;
}

int utf8_byte_to_col(const char *line, size_t nbytes) {
  int col = 0;
  for (size_t i = 0; i < nbytes; i++)
    if (((unsigned char)line[i] & 0xC0) != 0x80)
      col++;
  return col;
}
