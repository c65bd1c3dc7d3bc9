/* diag.h: source spans and the diagnostics sink.  Every user-facing error
 * goes through diag_error with a Span; rendering adds the file:line:col
 * prefix, the source line and a caret line under the span. */
#ifndef PJ_DIAG_H
#define PJ_DIAG_H

#include "base.h"

typedef struct Source Source;

/* Lines are 1-based, columns 0-based and counted in characters (code points),
 * exactly as Python's tokenize reports them.  `line == 0` means NO_SPAN:
 * a node the compiler made itself. */
typedef struct Span {
  int line, col, end_line, end_col;
} Span;
#define NO_SPAN ((Span){0, 0, 0, 0})

Span span_join(Span a, Span b); /* from a's start to b's end */

typedef enum { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } DiagLevel;

typedef struct Diags {
  const Source *src;  /* for the file name and the source line */
  FILE *out;          /* stderr normally; tests may redirect */
  int nerrors, nwarnings;
  int max_errors;     /* stop rendering (not counting) after this many; 0 = 100 */
  Bailout *bail;      /* for die(d->bail, ...) on internal failures in any stage */
} Diags;

void diags_init(Diags *d, const Source *src, FILE *out);
/* Renders: "FILE:LINE:COL: error: MSG", the line, the caret.  COL is printed
 * 1-based (as gcc/clang do).  Returns nothing; counts the error. */
void diag_error(Diags *d, Span sp, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void diag_warning(Diags *d, Span sp, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void diag_note(Diags *d, Span sp, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
