/* lower_fn.h: private to the function-body lowering files (lower.c,
 * lower_expr.c, lower_arith.c, lower_array.c, lower_call.c, lower_loop.c,
 * lower_spec.c): the per-function state and the helpers they share.
 *
 * Value representation inside a function body: an expression of type T is an
 * LLVM value of lower_llvm_type(T), except bool, which is i1 (storage, params,
 * tuple fields and array elements hold bool as i8 0/1).  Every error path
 * raises through the runtime, adds a traceback entry for the current line, and
 * branches to the function's single `return -1` block. */
#ifndef PJ_LOWER_FN_H
#define PJ_LOWER_FN_H

#include "lower_internal.h"

#include "../runtime/pjrt.h"
#include "../stdlib/pymath.h"

typedef struct LoopCtx LoopCtx;
struct LoopCtx {
  LLVMBasicBlockRef brk, cont;
  LoopCtx *up;
};

/* An array's data pointer, shape and element (not byte) strides, as SSA values. */
typedef struct ArrView {
  LLVMValueRef data;
  LLVMValueRef shape[PJRT_MAX_NDIM];
  LLVMValueRef strides[PJRT_MAX_NDIM];
} ArrView;

/* Functions that reach a recursive function (deep[i]) get internal
 * `SYMBOL_rec` variants: the parameters plus an i32 count of the recursive
 * calls active (RecursionError at PJ_MAX_NATIVE_DEPTH), returning
 * {value, i32 status} (status alone for None) in registers.  A directly
 * self-recursive function gets nclones copies whose self-calls go to the
 * next copy, so LLVM's inliner (which never inlines a call to the function
 * it is in) unrolls the recursion that many levels.  When the body starts
 * with `if COND: ...; return X` (a base case), fn[i][0] is instead a small
 * always-inlined "peel" that runs that statement and otherwise calls the
 * "core" fn[i][1] (the body without it): callers then handle the base case
 * without a call (LLVM's partial inliner gives up on recursive functions).
 * The copies form a cycle: a self-call in fn[i][x] goes to fn[i][(x+1) % n],
 * and only fn[i][0] (fn[i][1] with a peel) is not always-inlined.
 * SYMBOL_impl stays the wrapper's entry point: it calls fn[i][0] at depth 0. */
typedef struct RecTab {
  bool *deep;
  bool *peel;
  int *nclones;          /* length of fn[i] */
  LLVMValueRef **fn;     /* fn[i][c] */
  LLVMValueRef **pure;   /* pure[i][c]: the replay variants (NULL: none) */
  int *npure;            /* length of pure[i]: copies without a peel */
  LLVMValueRef *entry;   /* what other functions call: fn[i][0], or the replay entry */
  LLVMTypeRef *ty;       /* per function: the _rec function type */
  LLVMTypeRef *ret_ty;   /* per function: its return type */
} RecTab;

typedef struct PromoPlan PromoPlan;

typedef struct Fn {
  Lower *L;
  LLVMBuilderRef b;
  const FuncInst *f;
  LLVMValueRef fn;
  LLVMBasicBlockRef alloca_bb, err_bb;
  LLVMBuilderRef ab;            /* positioned in alloca_bb */
  LLVMValueRef *param_slot;     /* per param: its alloca */
  LLVMValueRef *local_slot;     /* per local (Symbol.index) */
  ArrView *param_view;          /* per array param never reassigned: loaded at entry */
  bool *param_view_ok;
  /* per reassigned array param / array local: allocas holding its view,
   * written at each assignment (.data NULL for the others) */
  ArrView *param_vslot, *local_vslot;
  LLVMValueRef out;             /* the result pointer, or NULL */
  LoopCtx *loop;
  int line;                     /* line for traceback entries */
  bool boundscheck, overflowcheck, fastmath;
  int self;                     /* index of f in prog->funcs */
  const bool *reach;            /* reach[g * nfuncs + h]: g can call h (transitively) */
  const RecTab *rt;
  int clone;                    /* which copy of a _rec function this is (RecTab) */
  bool rec;                     /* a _rec variant: returns {value, status} */
  LLVMValueRef depth;           /* i32 recursive calls active (_rec variants), else NULL */
  bool replay;                  /* a _pure variant: raises only return -1 (RecTab) */
  /* a _rec variant with a value: the one return block, with a phi for the
   * value and one for the status (rec_return) */
  LLVMBasicBlockRef ret_bb;
  LLVMValueRef ret_val, ret_st;
  LLVMValueRef file_str, name_str;
  /* the shared raise tails (lower.c), made on first use, and their phis */
  LLVMBasicBlockRef tb_bb, raise_bb, status_bb;
  LLVMValueRef tb_line, raise_kind, raise_msg, raise_line, status_val, status_line;
  /* the fast copy of a versioned loop: subscripts whose indices the guard
   * proved in range (no check, no wraparound, nsw index arithmetic) and
   * `acc += f` statements proved not to overflow */
  Node *const *proven;
  int nproven;
  bool nsw;                     /* unchecked int + - * may be nsw (proven no overflow) */
  bool nonzero;                 /* divisors are proven non-zero (and // not by -1) */
  bool in_fast_nest;            /* lowering the fast copy of a versioned nest */
  bool in_dispatch;             /* lowering a dispatched loop (no dispatch inside it) */
  const bool *dispatch_unit;    /* in a folded dispatch (lower.c, lower_dispatched), outside its
                                 * unit-stride copies: the parameters those copies make unit */
  bool cold_copy;               /* lowering a copy only rare arguments run (a dispatched loop's
                                 * strided copy, a promoted loop's fallback): plain loops */
  LLVMValueRef backedge;        /* the last range loop copy's back-edge branch */
  struct Forward *fwd;          /* the fast copy's carried store (lower_forward.c), or NULL */
  Symbol *fiv_sym;              /* a range loop's variable whose float value is kept in */
  LLVMValueRef fiv_slot;        /* ... this f64 alloca (float_iv_candidate in lower.c) */
  /* residue locals (lower.c): in the loop copy being lowered, res_sym[k]
   * is known to be in [0, res_mod[k]) (an int constant or variable) */
  Symbol **res_sym;
  Node **res_mod;
  int nres;
  LLVMValueRef access_group;    /* lower_depend.c: element loads and stores join it */
  bool drop_stores;             /* the check prepass: array stores are left out */
  LLVMValueRef defer_slot;      /* lower_defer.c: an i1 alloca every check ORs its failure
                                 * into (fn_guard), instead of branching to a raise */
  Node *const *bounded;         /* lower_whilebound.c: the `v += 1` statements of the while */
  int nbounded;                 /* body being lowered that cannot overflow */
  bool lanes_scan;              /* lower_lanes.c is asking lower_defer.c: subscripts (it
                                 * checks them itself), math.fabs / sqrt and math.pi etc. */
  LLVMValueRef *defer;          /* lower_spec.c: int overflow bits are ORed into *defer
                                 * instead of branching to a raise */
  const PromoPlan *promo;       /* lower_promote.c: the cells of the loop being lowered */
  Node **single_def;            /* lower_fsign.c: per local, its one value expression (lazy) */
  /* lower_rising.c: in the copy of a while loop being lowered, these int
   * locals are >= 0 and only rise, so subscripts by them do not wrap */
  Symbol *const *rising;
  int nrising;
  bool no_rising;               /* the ordinary copy of such a loop: no further copies */
} Fn;

/* lower_loop.c: loop versioning (see there) */
typedef struct Plan Plan;
typedef struct LoopVersion {
  Plan *p;
  Node *const *subs;
  int nsubs;
  bool nest;        /* the loop has nested (small constant) loops */
} LoopVersion;
bool loop_version_plan(Fn *F, Node *forn, LoopVersion *out);
LLVMValueRef loop_version_guard(Fn *F, const LoopVersion *v, LLVMValueRef first, LLVMValueRef last,
                                LLVMValueRef count);
bool loop_proven(const Fn *F, const Node *sub);
/* A callee whose only checks are ones a loop guard's intervals discharge
 * (its `checks`), or NULL. */
typedef struct PureFn PureFn;
const PureFn *pure_callee(Lower *L, int gi);
Node *const *pure_checks(const PureFn *pf, int *n);
/* A call of a pure callee whose int arguments have intervals when the
 * variables vars[] do (lower_lanes.c); and i1: with vars[k] in [lo[k],
 * hi[k]], the callee's checks cannot fail (it may call SYMBOL_proven). */
bool pure_call_covered(Fn *F, const Node *call, const Symbol *const *vars, int nvars);
LLVMValueRef pure_call_ok(Fn *F, Node *call, const Symbol *const *vars, const LLVMValueRef *lo,
                          const LLVMValueRef *hi, int nvars);

/* lower_layout.c: the layout-specialized third copy of a versioned loop */
typedef struct LoopLayout {
  int64_t *k;   /* per parameter: the row width K specialized for, or 0 */
  bool *unit;   /* per parameter: last-axis stride 1 specialized for */
  int nparams;
  int n;        /* parameters specialized */
} LoopLayout;
bool loop_layout_plan(Fn *F, Node *forn, LoopLayout *out);
LLVMValueRef loop_layout_guard(Fn *F, const LoopLayout *lay);  /* i1: the strides hold */
void loop_layout_enter(Fn *F, const LoopLayout *lay, ArrView *saved); /* constant strides */
void loop_layout_leave(Fn *F, const LoopLayout *lay, const ArrView *saved);
/* The parameters whose last-axis stride a loop dispatch tests (unit[k]);
 * how many (0: no dispatch). */
int loop_dispatch_plan(Fn *F, Node *loop, bool *unit);
LLVMValueRef loop_dispatch_test(Fn *F, const bool *unit); /* i1: all are unit */
bool has_inner_loop(const Node *loop); /* a for or while loop in its body */

/* lower_layout.c: the body has a loop reading an array at two offsets of
 * its variable along the last axis (the function prefers 256-bit vectors) */
bool has_stencil_loop(const NodeList *body);

/* lower_depend.c: a loop copy without carried memory dependences */
typedef struct DepOffset {
  const Node *e; /* a loop-invariant int expression, NULL: 0 */
  int sign;
} DepOffset;
typedef struct DepPlan {
  const Symbol *arr;      /* the one array the loop subscripts */
  DepOffset *write;       /* its one write: arr[i + write] */
  DepOffset *reads;       /* reads before it whose offsets are known at run time */
  int nreads;
  bool reads_after;       /* some read comes after the write (at its offset) */
  int step_sign;
} DepPlan;
bool loop_dep_plan(Fn *F, Node *forn, int64_t step, DepPlan *out);
LLVMValueRef loop_dep_guard(Fn *F, const DepPlan *dp); /* i1: the reads are allowed */
LLVMMetadataRef loop_dep_group(Lower *L);             /* a fresh access group */

/* lower_idiom.c: a while loop that computes a known function (Kernighan's
 * bit count) as that function, `plain` lowering it otherwise; false if it
 * is not one (nothing emitted). */
bool lower_while_idiom(Fn *F, Node *n, void (*plain)(Fn *F, Node *n));
/* an int local or parameter, by name; `c += 1` or `c = c + 1` (*c the counter) */
bool is_local_int(const Node *n);
bool counts_one(const Node *s, Symbol **c);

/* lower_defer.c: a loop whose body has no effect but on local variables
 * and raises only through fn_guard checks (see there) */
bool loop_deferrable(Fn *F, Node *forn);
/* what such a body may contain: expressions and statements */
bool defer_ok_expr(Fn *F, const Node *n);
bool defer_ok_stmts(Fn *F, const NodeList *l);
/* lower.c: the statements (and their ifs) accumulate into a float: `s += x` */
bool has_float_accumulation(const NodeList *body);
/* the local variables the body assigns, for saving and restoring */
int loop_assigned_vars(Fn *F, Node *forn, Symbol ***out);
bool loop_prepass_ok(Fn *F, Node *forn);

/* lower_whilebound.c: a while loop's `v += 1` statements its `v < e`
 * condition keeps from overflowing; whether s is one of F->bounded */
int while_bounded_incs(Fn *F, const Node *w, Node *const **out);
bool bounded_inc(const Fn *F, const Node *s);

/* lower_lanes.c: iterations of a range loop whose body is a prefix, an
 * inner loop of scalar steps and a suffix, run side by side (see there) */
typedef struct LanePlan {
  Node *w;          /* the inner loop: `while` or `for k in range([a,] b)` */
  int wi;           /* its index in the body */
  /* each lane's own variables: the loop variable and the prefix's [0, ncopy),
   * the while body's temporaries [ncopy, nlocal), counters [nlocal, nvars) */
  Symbol **vars;
  int nvars, ncopy, nlocal;
  Node **count_stmt; /* per counter: its one `c += k` statement */
  Node **reads;     /* the prefix's subscripts */
  int nreads;
  Node **stored;    /* the suffix's stores (subscripts) */
  int nstored;
  Node **same;      /* arrays both read and stored, by the loop variable alone (names) */
  int nsame;
  bool uniform;     /* an inner range every lane runs alike: one loop steps them all */
  int nlanes;       /* how many lanes */
  Node **inner;     /* its body's subscripts (uniform only) */
  int ninner;
  Node **calls;     /* its body's calls of pure callees (uniform only) */
  int ncalls;
  const Symbol **cvars; /* the ints their arguments use: iv, k, invariants */
  int ncvars;
} LanePlan;
bool loop_lanes_plan(Fn *F, Node *forn, LanePlan *lp);
LLVMValueRef lower_lanes(Fn *F, Node *forn, const LanePlan *lp, LLVMValueRef start,
                         LLVMValueRef step, LLVMValueRef count, LLVMBasicBlockRef end_bb);
/* lower.c: runs `body` as a loop body with break -> brk and continue -> cont;
 * the body of while loop w so, with its bounded increments (lower_whilebound.c) */
void lower_loop_body(Fn *F, NodeList *body, LLVMBasicBlockRef brk, LLVMBasicBlockRef cont);
/* !llvm.loop on a back edge: the loop vectorizer leaves it alone */
void mark_loop_scalar(Fn *F, LLVMValueRef backedge);
void lower_while_body(Fn *F, Node *w, LLVMBasicBlockRef brk, LLVMBasicBlockRef cont);

/* lower_promote.c: array elements a range loop names at fixed indices,
 * kept in allocas for the loop (see there) */
typedef struct PromoCell {
  Node *sub;          /* a subscript that names it */
  LLVMValueRef slot;  /* its alloca (storage form) */
  LLVMValueRef ptr;   /* its address */
  bool stored;        /* the body stores into it */
} PromoCell;
struct PromoPlan {
  PromoCell *cells;
  int ncells;
  Node **subs;        /* every subscript in the body that names a cell ... */
  int *cell_of;       /* ... and which */
  int nsubs;
  Node **arrays;      /* one name per array the body subscripts */
  int narrays;
};
bool loop_promote_plan(Fn *F, Node *forn, PromoPlan *pp);
LLVMValueRef promote_guard(Fn *F, const PromoPlan *pp); /* i1: the cells may be promoted */
void promote_enter(Fn *F, PromoPlan *pp);  /* loads the cells; F->promo = pp */
void promote_flush(Fn *F);                 /* stores the stored cells back (raise paths) */
void promote_leave(Fn *F);                 /* the same at the loop's end; F->promo = NULL */
LLVMValueRef promoted_cell(const Fn *F, const Node *sub); /* its alloca, or NULL */

/* lower_fsign.c: the float expression n is never zero (NaN aside) */
bool float_nonzero(Fn *F, Node *n);

/* lower_forward.c: a stored value carried to the next iteration's load */
typedef struct Forward {
  Node *target;        /* the store's subscript */
  VEC(Node *) loads;   /* the loads that read what it stored one iteration before */
  const Type *elem;
  LLVMValueRef slot;   /* the value, in storage form */
} Forward;
bool loop_forward_plan(Fn *F, Node *forn, int64_t step, Forward *out);
void loop_forward_init(Fn *F, Forward *fw, Node *forn, LLVMValueRef start, LLVMValueRef empty);
bool forward_load(const Forward *fw, const Node *n);

/* lower_spec.c: lowers `if` n as a speculated select when it qualifies
 * (see there), with `plain` (the ordinary lowering, given the condition) as
 * the fallback path; false if it does not qualify (nothing emitted). */
bool lower_if_speculated(Fn *F, Node *n, void (*plain)(Fn *F, Node *n, LLVMValueRef c));

/* lower.c */
LLVMBasicBlockRef fn_block(Fn *F, const char *name);
void fn_position(Fn *F, LLVMBasicBlockRef bb);
bool fn_terminated(Fn *F);
LLVMValueRef fn_alloca(Fn *F, LLVMTypeRef ty, const char *name);
void fn_cond_br_unlikely(Fn *F, LLVMValueRef bad, LLVMBasicBlockRef bad_bb, LLVMBasicBlockRef ok_bb);
/* Branches to a fresh cold block when `bad` (i1) holds and leaves the builder
 * there; the caller emits the raise, then calls fn_raise_done(F, ok). */
LLVMBasicBlockRef fn_guard(Fn *F, LLVMValueRef bad);
void fn_raise_done(Fn *F, LLVMBasicBlockRef ok);
/* Complete error paths: guard + raise + traceback + return -1. */
void fn_check_pjm(Fn *F, LLVMValueRef bad, int pjm_status);
void fn_check_msg(Fn *F, LLVMValueRef bad, int pjrt_kind, const char *msg);
void fn_raise_pjm_here(Fn *F, int pjm_status);
void fn_raise_msg_here(Fn *F, int pjrt_kind, const char *msg);
void fn_raise_status_here(Fn *F, LLVMValueRef status);  /* dynamic pymath status */
/* The raise for a dynamic pymath status at the current line (through the
 * function's shared raise tail), then continues at ok (NULL: unreachable). */
void fn_raise_status(Fn *F, LLVMValueRef status, LLVMBasicBlockRef ok);
/* Calls a pymath helper whose result goes through its last (pointer)
 * parameter: raises on a non-zero status, returns the loaded result. */
LLVMValueRef fn_call_pjm(Fn *F, RtFn f, LLVMValueRef *args, unsigned n, LLVMTypeRef out_ty);
LLVMValueRef fn_intrinsic(Fn *F, const char *name, LLVMTypeRef *over, unsigned nover,
                          LLVMValueRef *args, unsigned nargs);
LLVMValueRef fn_snprintf(Fn *F, LLVMValueRef buf, long size, const char *fmt, LLVMValueRef *args,
                         unsigned n);
void fn_cold_call(Fn *F, LLVMValueRef call);
LLVMValueRef fn_call_rt_cold(Fn *F, RtFn f, LLVMValueRef *args, unsigned n); /* raise paths */
void fn_set_fast(Fn *F, LLVMValueRef v);
LLVMValueRef fn_i64(Fn *F, int64_t v);
LLVMValueRef fn_f64(Fn *F, double v);
LLVMValueRef fn_i32(Fn *F, int v);
LLVMValueRef fn_bool(Fn *F, bool v);
void lower_block(Fn *F, NodeList *stmts);

/* lower_expr.c */
LLVMTypeRef val_type(Fn *F, const Type *ty);       /* representation (bool: i1) */
LLVMValueRef lower_expr(Fn *F, Node *n);
LLVMValueRef lower_cond(Fn *F, Node *n);           /* truthiness as i1 */
LLVMValueRef truthy(Fn *F, LLVMValueRef v, const Type *ty);
LLVMValueRef convert(Fn *F, LLVMValueRef v, const Type *from, const Type *to);
bool convert_cannot_raise(const Type *from, const Type *to);  /* convert() has no check */
LLVMValueRef to_storage(Fn *F, LLVMValueRef v, const Type *ty);   /* i1 -> i8 for bool */
LLVMValueRef from_storage(Fn *F, LLVMValueRef v, const Type *ty); /* i8 -> i1 for bool */
LLVMValueRef const_value(Fn *F, Node *k, const Type *to);          /* ND_INT/FLOAT/BOOL */
LLVMValueRef sym_slot(Fn *F, Symbol *s);
void store_sym(Fn *F, Symbol *s, LLVMValueRef v, const Type *vty);
LLVMValueRef load_sym(Fn *F, Symbol *s);
/* lower.c: whether a statement in l (or nested in it) assigns the variable */
bool stmts_assign(const NodeList *l, const Symbol *sym);
/* Whether ok(s, ctx) accepts every statement s of l (nested ones included)
 * that binds sym: an assignment, annotated assignment or augmented one; a
 * for loop's target is never accepted. */
typedef bool (*BindingOk)(const Node *s, const void *ctx);
bool each_binding(const NodeList *l, const Symbol *sym, BindingOk ok, const void *ctx);
/* t (a name or a tuple of names) binds sym */
bool target_is(const Node *t, const Symbol *sym);
/* lower_rising.c */
int rising_plan(const Fn *F, const Node *w, Symbol **out, int max);
bool index_rises(const Fn *F, const Node *e);
Symbol *annassign_sym(const Node *n); /* the variable `x: T = v` assigns */
bool invariant_name(const NodeList *l, const Node *n);
void int_range(const Type *ty, int64_t *lo, int64_t *hi); /* an int storage type's values */
void store_array_view(Fn *F, const Symbol *s, LLVMValueRef desc); /* into its view slots */
bool load_array_view(Fn *F, const Symbol *s, ArrView *v); /* false: it has none */
Type *tt_scalar(Fn *F, TypeKind k);

/* lower_arith.c */
/* A compile-time int: a literal, its negation, a module constant, an int
 * widening of one; value_int_const: an LLVM constant int. */
bool node_int_const(const Node *n, int64_t *v);
bool value_int_const(LLVMValueRef v, int64_t *out);
LLVMValueRef arith(Fn *F, Op op, LLVMValueRef a, LLVMValueRef b, const Type *ty, Node *an,
                   Node *bn);
LLVMValueRef lower_binop(Fn *F, Node *n);
LLVMValueRef lower_unary(Fn *F, Node *n);
LLVMValueRef lower_compare(Fn *F, Node *n);
LLVMValueRef compare_values(Fn *F, Op op, LLVMValueRef a, LLVMValueRef b, const Type *ty);
LLVMValueRef int_neg(Fn *F, LLVMValueRef v);
LLVMValueRef float_to_int(Fn *F, LLVMValueRef x);  /* int(x) for a double */

/* lower_array.c */
void array_view(Fn *F, Node *arr, ArrView *v);     /* arr: array-typed expression */
void array_view_of(Fn *F, LLVMValueRef p, const Type *ty, ArrView *v);
LLVMValueRef array_elem_ptr(Fn *F, Node *sub);
/* &data[off] for an offset in elements */
LLVMValueRef array_gep(Fn *F, const ArrView *v, const Type *elem, LLVMValueRef off);     /* ND_SUBSCRIPT of an array: checked address */
LLVMValueRef array_elem_ptr_at(Fn *F, const ArrView *v, const Type *aty, LLVMValueRef *idx,
                               Node **idx_nodes);
LLVMValueRef array_load(Fn *F, LLVMValueRef ptr, const Type *elem);  /* value repr of elem */
/* returns the value stored, in storage form */
LLVMValueRef array_store(Fn *F, LLVMValueRef ptr, const Type *elem, LLVMValueRef v,
                         const Type *vty);
bool is_array_name(const Node *n); /* a variable (or parameter) of array type */
/* The bytes [*lo, *hi) array `name`'s elements lie in (*lo == *hi: none) */
void array_span(Fn *F, Node *name, LLVMValueRef *lo, LLVMValueRef *hi);
/* i1: two such spans share no byte (either may be empty) */
LLVMValueRef spans_apart(Fn *F, LLVMValueRef alo, LLVMValueRef ahi, LLVMValueRef blo,
                         LLVMValueRef bhi);
LLVMValueRef lower_subscript(Fn *F, Node *n);
LLVMValueRef lower_array_attr(Fn *F, Node *n);

/* lower_call.c */
LLVMValueRef lower_call(Fn *F, Node *n);
LLVMValueRef lower_builtin_const(Fn *F, int bi);

#endif
