/* diag.c: rendering diagnostics as file:line:col, source line, caret. */
#include "diag.h"

#include "source.h"

Span span_join(Span a, Span b) {
  if (a.line == 0)
    return b;
  if (b.line == 0)
    return a;
  return (Span){a.line, a.col, b.end_line, b.end_col};
}

void diags_init(Diags *d, const Source *src, FILE *out) {
  memset(d, 0, sizeof *d);
  d->src = src;
  d->out = out;
}

/* The source line with tabs expanded to single spaces' worth of width would
 * shift carets; we print the line as is and place the caret under it by
 * copying tabs from the line itself, so terminals align both the same way. */
static void render_caret(Diags *d, Span sp) {
  size_t len;
  const char *line = d->src ? source_line(d->src, sp.line, &len) : NULL;
  if (!line)
    return;
  /* byte by byte: a NUL or other control byte in the line must neither cut
   * it short nor reach the terminal (each prints as one '?', so the caret
   * below still lines up) */
  fprintf(d->out, "%5d | ", sp.line);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)line[i];
    fputc(c == '\t' || (c >= 0x20 && c != 0x7F) ? c : '?', d->out);
  }
  fputs("\n      | ", d->out);
  size_t start = utf8_col_to_byte(line, len, sp.col);
  for (size_t i = 0; i < start; i++)
    if (((unsigned char)line[i] & 0xC0) != 0x80)
      fputc(line[i] == '\t' ? '\t' : ' ', d->out);
  int ncols = 1;
  if (sp.end_line == sp.line && sp.end_col > sp.col)
    ncols = sp.end_col - sp.col;
  else if (sp.end_line > sp.line)
    ncols = utf8_byte_to_col(line, len) - sp.col;
  if (ncols < 1)
    ncols = 1;
  fputc('^', d->out);
  for (int i = 1; i < ncols; i++)
    fputc('~', d->out);
  fputc('\n', d->out);
}

static void vreport(Diags *d, DiagLevel level, Span sp, const char *fmt, va_list ap) {
  static const char *const names[] = {"error", "warning", "note"};
  if (level == DIAG_ERROR)
    d->nerrors++;
  if (level == DIAG_WARNING)
    d->nwarnings++;
  int limit = d->max_errors ? d->max_errors : 100;
  if (d->nerrors > limit)
    return;
  const char *path = d->src ? d->src->path : "pyjitc";
  if (sp.line > 0)
    fprintf(d->out, "%s:%d:%d: %s: ", path, sp.line, sp.col + 1, names[level]);
  else
    fprintf(d->out, "%s: %s: ", path, names[level]);
  vfprintf(d->out, fmt, ap);
  fputc('\n', d->out);
  if (sp.line > 0)
    render_caret(d, sp);
}

void diag_error(Diags *d, Span sp, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(d, DIAG_ERROR, sp, fmt, ap);
  va_end(ap);
}

void diag_warning(Diags *d, Span sp, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(d, DIAG_WARNING, sp, fmt, ap);
  va_end(ap);
}

void diag_note(Diags *d, Span sp, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(d, DIAG_NOTE, sp, fmt, ap);
  va_end(ap);
}
