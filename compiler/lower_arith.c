/* lower_arith.c: Python arithmetic on int (i64, overflow-checked) and float
 * (binary64, bit-identical to CPython: no fast-math flags unless fastmath),
 * unary operators, and comparisons: chains, NaN rules, and exact int/float
 * comparison as CPython's float_richcompare does. */
#include "lower_fn.h"

#define TWO53 9007199254740992.0

bool node_int_const(const Node *n, int64_t *v) {
  if (!n)
    return false;
  if (n->kind == ND_INT) {
    *v = n->ival;
    return !n->flags;
  }
  if (n->kind == ND_UNARYOP && (n->op == OP_NEG || n->op == OP_POS) && node_int_const(n->a, v)) {
    if (n->op == OP_NEG && *v == INT64_MIN)
      return false;
    *v = n->op == OP_NEG ? -*v : *v;
    return true;
  }
  if (n->kind == ND_NAME && n->sym && n->sym->kind == SYM_CONST && n->sym->value &&
      n->sym->value->kind == ND_INT) {
    *v = n->sym->value->ival;
    return true;
  }
  if (n->kind == ND_CAST && n->a && n->a->ty && (type_is_int(n->a->ty)))
    return node_int_const(n->a, v);
  return false;
}

bool value_int_const(LLVMValueRef v, int64_t *out) {
  if (!LLVMIsAConstantInt(v))
    return false;
  *out = LLVMConstIntGetSExtValue(v);
  return true;
}

/* Whether an int-valued expression is known to lie in [-2**53, 2**53]
 * (its conversion to float is exact). */
static bool int_node_small(Node *n) {
  int64_t c;
  if (node_int_const(n, &c))
    return c >= -(1LL << 53) && c <= (1LL << 53);
  if (n && n->kind == ND_CAST && n->a && n->a->ty)
    return n->a->ty->kind == TY_BOOL || (type_is_int(n->a->ty) && type_bits(n->a->ty) <= 32);
  return false;
}

static bool node_float_two(Node *n) {
  int64_t c;
  if (!n)
    return false;
  if (n->kind == ND_FLOAT)
    return n->fval == 2.0;
  if (n->kind == ND_CAST && n->a && n->a->ty && type_is_int(n->a->ty))
    return node_int_const(n->a, &c) && c == 2;
  return false;
}

/* ------------------------------------------------------------- int ops */

static LLVMValueRef checked(Fn *F, const char *intr, LLVMValueRef a, LLVMValueRef b) {
  int64_t x, y, xy;
  if (value_int_const(a, &x) && value_int_const(b, &y)) { /* `-1`, `2 * k`: a constant */
    bool ovf = strstr(intr, "sadd") ? __builtin_add_overflow(x, y, &xy)
               : strstr(intr, "ssub") ? __builtin_sub_overflow(x, y, &xy)
                                      : __builtin_mul_overflow(x, y, &xy);
    if (!ovf)
      return fn_i64(F, xy);
  }
  LLVMValueRef v, ovf;
  if (F->defer_slot && !strstr(intr, "smul")) {
    /* a deferred check (lower_defer.c): the sign rule instead of the
     * intrinsic, which the loop vectorizer does not widen.  a + b
     * overflowed iff the result's sign differs from both operands'; a - b
     * iff it differs from a's and b's sign differs from a's. */
    bool add = strstr(intr, "sadd") != NULL;
    v = add ? LLVMBuildAdd(F->b, a, b, "") : LLVMBuildSub(F->b, a, b, "");
    LLVMValueRef ra = LLVMBuildXor(F->b, a, v, "");
    LLVMValueRef other = add ? LLVMBuildXor(F->b, b, v, "") : LLVMBuildXor(F->b, a, b, "");
    ovf = LLVMBuildICmp(F->b, LLVMIntSLT, LLVMBuildAnd(F->b, ra, other, ""), fn_i64(F, 0), "");
  } else {
    LLVMValueRef args[] = {a, b};
    LLVMValueRef r = fn_intrinsic(F, intr, &F->L->t_i64, 1, args, 2);
    v = LLVMBuildExtractValue(F->b, r, 0, "");
    ovf = LLVMBuildExtractValue(F->b, r, 1, "");
  }
  if (F->defer) /* a speculated if (lower_spec.c) checks all its steps at once */
    *F->defer = LLVMBuildOr(F->b, *F->defer, ovf, "");
  else
    fn_check_pjm(F, ovf, PJM_INT_OVERFLOW);
  return v;
}

/* Unchecked arithmetic wraps, except where a loop-versioning guard proved
 * it cannot overflow (F->nsw): then nsw tells LLVM so. */
static LLVMValueRef int_add(Fn *F, LLVMValueRef a, LLVMValueRef b) {
  if (F->overflowcheck)
    return checked(F, "llvm.sadd.with.overflow", a, b);
  return F->nsw ? LLVMBuildNSWAdd(F->b, a, b, "") : LLVMBuildAdd(F->b, a, b, "");
}
static LLVMValueRef int_sub(Fn *F, LLVMValueRef a, LLVMValueRef b) {
  if (F->overflowcheck)
    return checked(F, "llvm.ssub.with.overflow", a, b);
  return F->nsw ? LLVMBuildNSWSub(F->b, a, b, "") : LLVMBuildSub(F->b, a, b, "");
}
static LLVMValueRef int_mul(Fn *F, LLVMValueRef a, LLVMValueRef b) {
  if (F->overflowcheck)
    return checked(F, "llvm.smul.with.overflow", a, b);
  return F->nsw ? LLVMBuildNSWMul(F->b, a, b, "") : LLVMBuildMul(F->b, a, b, "");
}

LLVMValueRef int_neg(Fn *F, LLVMValueRef v) { return int_sub(F, fn_i64(F, 0), v); }

static void check_zero(Fn *F, LLVMValueRef b, int st) {
  int64_t c;
  if (F->nonzero || (value_int_const(b, &c) && c != 0))
    return;
  fn_check_pjm(F, LLVMBuildICmp(F->b, LLVMIntEQ, b, fn_i64(F, 0), ""), st);
}

/* a // c and a % c for a constant c > 1 with Python's floor semantics and
 * no sign fix-up after the division: with s = a >> 63 (0 or -1), a ^ s is
 * a for a >= 0 and -a - 1 >= 0 for a < 0, and floor(a / c) is
 * (a ^ s) / c ^ s in both cases (floor(a/c) = -floor((-a-1)/c) - 1 for
 * a < 0).  The division is unsigned, of an operand below 2**63: the `and`
 * with INT64_MAX (a no-op on the value) tells LLVM so, which lets it use a
 * multiply-high and one shift; the remainder is a - q*c.  Our own 63-bit
 * magic multiply (through an i128 product) saved that `and` (monte_carlo_pi
 * 24.6 -> 23.2 ms) but the loop vectorizer then works lane by lane
 * (box_blur_u8's `s // 9`: 43 -> 234 us), so LLVM's udiv stays.  Measured on monte_carlo_pi: a
 * branch on a >= 0 with a plain unsigned division after it would save ~7%
 * more there, but it mispredicts when the sign of a is random.  (srem plus "add c if the remainder is negative" puts three more
 * dependent instructions on the critical path of x = x * k % m.) */
static LLVMValueRef floordivmod_pos_const(Fn *F, LLVMValueRef a, int64_t c, bool mod) {
  LLVMBuilderRef B = F->b;
  if (mod && F->nres) { /* a residue loop copy (lower.c): srem and a select, whose
                          * range [0, c) LLVM sees, unlike the xors' */
    LLVMValueRef r = LLVMBuildSRem(B, a, fn_i64(F, c), "");
    LLVMValueRef neg = LLVMBuildICmp(B, LLVMIntSLT, r, fn_i64(F, 0), "");
    return LLVMBuildSelect(B, neg, LLVMBuildNSWAdd(B, r, fn_i64(F, c), ""), r, "");
  }
  LLVMValueRef s = LLVMBuildAShr(B, a, fn_i64(F, 63), "");
  LLVMValueRef u = LLVMBuildAnd(B, LLVMBuildXor(B, a, s, ""), fn_i64(F, INT64_MAX), "");
  LLVMValueRef q = LLVMBuildXor(B, LLVMBuildUDiv(B, u, fn_i64(F, c), ""), s, "");
  if (!mod)
    return q;
  return LLVMBuildSub(B, a, LLVMBuildMul(B, q, fn_i64(F, c), ""), "");
}

/* a // b and a % b for a divisor not known to be a constant > 0.  The
 * divisor -1 (x86's idiv traps on INT64_MIN / -1) and the floor fix-up
 * (remainder and divisor of opposite signs) are rare branches, not selects:
 * a predicted branch adds nothing to the latency of a chain such as
 * Euclid's `x, y = y, x % y`, where a select before and after the idiv
 * added ~35% (gcd_pairs); operands of random signs mispredict instead. */
static LLVMValueRef floordivmod_var(Fn *F, LLVMValueRef a, LLVMValueRef b, bool mod,
                                    bool maybe_m1) {
  LLVMBuilderRef B = F->b;
  LLVMBasicBlockRef end = fn_block(F, "fdm.end");
  LLVMValueRef vals[3];
  LLVMBasicBlockRef from[3];
  unsigned n = 0;
  if (maybe_m1) {
    LLVMBasicBlockRef m1 = fn_block(F, "fdm.m1"), div = fn_block(F, "fdm.div");
    fn_cond_br_unlikely(F, LLVMBuildICmp(B, LLVMIntEQ, b, fn_i64(F, -1), ""), m1, div);
    fn_position(F, m1);
    vals[n] = mod ? fn_i64(F, 0) : int_neg(F, a);
    from[n++] = LLVMGetInsertBlock(B);
    LLVMBuildBr(B, end);
    fn_position(F, div);
  }
  LLVMValueRef q = LLVMBuildSDiv(B, a, b, ""), r = LLVMBuildSRem(B, a, b, "");
  LLVMValueRef adj = LLVMBuildAnd(B, LLVMBuildICmp(B, LLVMIntNE, r, fn_i64(F, 0), ""),
                                  LLVMBuildICmp(B, LLVMIntSLT, LLVMBuildXor(B, r, b, ""),
                                                fn_i64(F, 0), ""), "");
  LLVMBasicBlockRef fix = fn_block(F, "fdm.fix");
  vals[n] = mod ? r : q;
  from[n++] = LLVMGetInsertBlock(B);
  fn_cond_br_unlikely(F, adj, fix, end);
  fn_position(F, fix);
  vals[n] = mod ? LLVMBuildAdd(B, r, b, "") : LLVMBuildSub(B, q, fn_i64(F, 1), "");
  from[n++] = fix;
  LLVMBuildBr(B, end);
  fn_position(F, end);
  LLVMValueRef phi = LLVMBuildPhi(B, F->L->t_i64, "");
  LLVMAddIncoming(phi, vals, from, n);
  return phi;
}

/* a // b and a % b with Python's floor semantics (the result of % has the
 * divisor's sign).  Division by a constant power of two is an exact shift or
 * mask.  sdiv/srem never see INT64_MIN / -1 (undefined, traps on x86). */
static LLVMValueRef int_floordivmod(Fn *F, LLVMValueRef a, LLVMValueRef b, bool mod) {
  LLVMBuilderRef B = F->b;
  int64_t c;
  bool known = value_int_const(b, &c);
  if (known && c == 1)
    return mod ? fn_i64(F, 0) : a;
  if (known && c > 1 && (c & (c - 1)) == 0) {
    if (mod)
      return LLVMBuildAnd(B, a, fn_i64(F, c - 1), "");
    return LLVMBuildAShr(B, a, fn_i64(F, __builtin_ctzll((unsigned long long)c)), "");
  }
  if (known && c > 1)
    return floordivmod_pos_const(F, a, c, mod);
  check_zero(F, b, mod ? PJM_INT_MOD_ZERO : PJM_INT_DIVMOD_ZERO);
  if (known && c == -1)
    return mod ? fn_i64(F, 0) : int_neg(F, a); /* x % -1 == 0, x // -1 == -x */
  return floordivmod_var(F, a, b, mod, !known && !F->nonzero);
}

/* int / int -> float, correctly rounded.  Both operands within 2**53: the
 * conversions are exact and one fdiv is correctly rounded; otherwise
 * pjm_truediv_i64 does CPython's long division. */
static LLVMValueRef int_truediv(Fn *F, LLVMValueRef a, LLVMValueRef b, Node *an, Node *bn) {
  LLVMBuilderRef B = F->b;
  Lower *L = F->L;
  check_zero(F, b, PJM_DIV_ZERO);
  if (int_node_small(an) && int_node_small(bn)) {
    LLVMValueRef r = LLVMBuildFDiv(B, LLVMBuildSIToFP(B, a, L->t_f64, ""),
                                   LLVMBuildSIToFP(B, b, L->t_f64, ""), "");
    fn_set_fast(F, r);
    return r;
  }
  LLVMValueRef lim = fn_i64(F, 1LL << 54);
  LLVMValueRef sa = LLVMBuildICmp(B, LLVMIntULE, LLVMBuildAdd(B, a, fn_i64(F, 1LL << 53), ""), lim, "");
  LLVMValueRef sb = LLVMBuildICmp(B, LLVMIntULE, LLVMBuildAdd(B, b, fn_i64(F, 1LL << 53), ""), lim, "");
  LLVMBasicBlockRef fast = fn_block(F, "div.fast"), slow = fn_block(F, "div.slow"),
                    end = fn_block(F, "div.end");
  LLVMBuildCondBr(B, LLVMBuildAnd(B, sa, sb, ""), fast, slow);
  fn_position(F, fast);
  LLVMValueRef r1 = LLVMBuildFDiv(B, LLVMBuildSIToFP(B, a, L->t_f64, ""),
                                  LLVMBuildSIToFP(B, b, L->t_f64, ""), "");
  fn_set_fast(F, r1);
  LLVMBuildBr(B, end);
  fn_position(F, slow);
  LLVMValueRef args[] = {a, b};
  LLVMValueRef r2 = fn_call_pjm(F, RT_pjm_truediv_i64, args, 2, L->t_f64);
  LLVMBasicBlockRef slow_end = LLVMGetInsertBlock(B);
  LLVMBuildBr(B, end);
  fn_position(F, end);
  LLVMValueRef phi = LLVMBuildPhi(B, L->t_f64, "");
  LLVMValueRef vals[] = {r1, r2};
  LLVMBasicBlockRef bbs[] = {fast, slow_end};
  LLVMAddIncoming(phi, vals, bbs, 2);
  return phi;
}

static LLVMValueRef int_shift(Fn *F, LLVMValueRef a, LLVMValueRef b, bool left) {
  int64_t c;
  if (value_int_const(b, &c) && c >= 0 && c < 64) {
    if (!left)
      return LLVMBuildAShr(F->b, a, b, "");
    LLVMValueRef r = LLVMBuildShl(F->b, a, b, "");
    if (F->overflowcheck)
      fn_check_pjm(F, LLVMBuildICmp(F->b, LLVMIntNE, LLVMBuildAShr(F->b, r, b, ""), a, ""),
                   PJM_INT_OVERFLOW);
    return r;
  }
  LLVMValueRef args[] = {a, b};
  return fn_call_pjm(F, left ? RT_pjm_lshift_i64 : RT_pjm_rshift_i64, args, 2, F->L->t_i64);
}

static LLVMValueRef int_arith(Fn *F, Op op, LLVMValueRef a, LLVMValueRef b, Node *an, Node *bn) {
  LLVMValueRef args[] = {a, b};
  int64_t c;
  switch (op) {
  case OP_ADD: return int_add(F, a, b);
  case OP_SUB: return int_sub(F, a, b);
  case OP_MUL: return int_mul(F, a, b);
  case OP_DIV: return int_truediv(F, a, b, an, bn);
  case OP_FLOORDIV: return int_floordivmod(F, a, b, false);
  case OP_MOD: return int_floordivmod(F, a, b, true);
  case OP_POW:
    if (value_int_const(b, &c) && c == 2)
      return int_mul(F, a, a);
    if (value_int_const(b, &c) && c == 1)
      return a;
    return fn_call_pjm(F, RT_pjm_pow_i64, args, 2, F->L->t_i64);
  case OP_LSHIFT: return int_shift(F, a, b, true);
  case OP_RSHIFT: return int_shift(F, a, b, false);
  case OP_BITAND: return LLVMBuildAnd(F->b, a, b, "");
  case OP_BITOR: return LLVMBuildOr(F->b, a, b, "");
  case OP_BITXOR: return LLVMBuildXor(F->b, a, b, "");
  default:
    break;
  }
  die(F->L->bail, "line %d: no int operator '%s'", F->line, op_spelling(op));
}

/* ----------------------------------------------------------- float ops */

static LLVMValueRef fast(Fn *F, LLVMValueRef v) {
  fn_set_fast(F, v);
  return v;
}

static bool const_nonzero_f64(LLVMValueRef v) {
  LLVMBool loses;
  return LLVMIsAConstantFP(v) && LLVMConstRealGetDouble(v, &loses) != 0.0;
}

/* x ** 2.0 exactly as CPython's float_pow: for NaN the operand itself; else
 * libm's pow(|x|, 2.0) (pow(+-0) = 0, pow(+-inf) = inf, pow(+-1) = 1 are
 * float_pow's special cases too), through pjm_libm_pow so LLVM cannot turn
 * it into x*x; a finite x whose square overflows is OverflowError. */
static LLVMValueRef float_square_libm(Fn *F, LLVMValueRef x) {
  LLVMBuilderRef B = F->b;
  LLVMTypeRef d = F->L->t_f64;
  LLVMValueRef ax = fn_intrinsic(F, "llvm.fabs", &d, 1, &x, 1);
  LLVMValueRef args[] = {ax, fn_f64(F, 2.0)};
  LLVMValueRef r = lower_call_rt(F->L, RT_pjm_libm_pow, args, 2);
  LLVMValueRef inf = fn_f64(F, __builtin_inf());
  LLVMValueRef bad = LLVMBuildAnd(B, LLVMBuildFCmp(B, LLVMRealOEQ, r, inf, ""),
                                  LLVMBuildFCmp(B, LLVMRealOLT, ax, inf, ""), "");
  fn_check_pjm(F, bad, PJM_FLOAT_POW_RANGE);
  return LLVMBuildSelect(B, LLVMBuildFCmp(B, LLVMRealUNO, x, x, ""), x, r, "");
}

/* The same value without the call, most of the time.  glibc's pow (since
 * 2.28; the algorithm of Arm's optimized-routines, whose stated worst case
 * is 0.54 ULP) is not correctly rounded, which is why x*x differs from it
 * on ~0.1% of inputs; but x*x is, so p = x*x is within 0.5 ULP of x**2,
 * and when it is within 0.46 ULP every other double is more than 0.54 ULP
 * away, so pow returns p too.  That bound is its exp's 0.509 ULP (0.511
 * without FMA) plus the log's error times |y log x| (2**-68 relative, up to
 * y log x = 1024 ln 2); for y = 2 and p in [2**-20, 2**20] the second term
 * is under 0.001 ULP, so there 0.487 ULP is close enough.  The distance is
 * fma(x, x, -p), exact while p >= 2**-900 (no underflow in the residual);
 * the ULP is p's exponent times 2**-52, and p a power of two (whose lower
 * neighbour is only half an ULP away) goes the slow way.  So does
 * everything else: 0 < p < 2**-900, inf, NaN, and the squares near a
 * rounding boundary (3% of them in [2**-20, 2**20], 8% elsewhere).  x = +-0
 * squares to +0 as pow does.  (Against glibc 2.36's pow: 1e8 random
 * doubles of four distributions and 2e8 with p in [2**-20, 2**20], none
 * wrong on the fast path; every mismatch of x*x at 0.49 ULP or more.) */
static LLVMValueRef float_square(Fn *F, LLVMValueRef x) {
  LLVMBuilderRef B = F->b;
  Lower *L = F->L;
  LLVMTypeRef d = L->t_f64;
  LLVMValueRef p = LLVMBuildFMul(B, x, x, "sq");
  LLVMValueRef fargs[] = {x, x, LLVMBuildFNeg(B, p, "")};
  LLVMValueRef e = fn_intrinsic(F, "llvm.fma", &d, 1, fargs, 3);
  LLVMValueRef ae = fn_intrinsic(F, "llvm.fabs", &d, 1, &e, 1);
  LLVMValueRef pb = LLVMBuildBitCast(B, p, L->t_i64, "");
  LLVMValueRef scale = LLVMBuildBitCast(
      B, LLVMBuildAnd(B, pb, fn_i64(F, 0x7ff0000000000000LL), ""), d, "");
  LLVMValueRef mid = LLVMBuildAnd(B, LLVMBuildFCmp(B, LLVMRealOGE, p, fn_f64(F, 0x1p-20), ""),
                                  LLVMBuildFCmp(B, LLVMRealOLE, p, fn_f64(F, 0x1p20), ""), "");
  LLVMValueRef ulps = LLVMBuildSelect(B, mid, fn_f64(F, 0.487 * 0x1p-52), fn_f64(F, 0.46 * 0x1p-52), "");
  LLVMValueRef near_p = LLVMBuildFCmp(B, LLVMRealOLT, ae, LLVMBuildFMul(B, scale, ulps, ""), "");
  LLVMValueRef in_range = LLVMBuildAnd(
      B, LLVMBuildFCmp(B, LLVMRealOGE, p, fn_f64(F, 0x1p-900), ""),
      LLVMBuildFCmp(B, LLVMRealOLT, p, fn_f64(F, __builtin_inf()), ""), "");
  LLVMValueRef not_pow2 = LLVMBuildICmp(
      B, LLVMIntNE, LLVMBuildAnd(B, pb, fn_i64(F, 0x000fffffffffffffLL), ""), fn_i64(F, 0), "");
  LLVMValueRef ok = LLVMBuildOr(
      B, LLVMBuildAnd(B, LLVMBuildAnd(B, near_p, in_range, ""), not_pow2, ""),
      LLVMBuildFCmp(B, LLVMRealOEQ, x, fn_f64(F, 0.0), ""), "");
  LLVMBasicBlockRef from = LLVMGetInsertBlock(B), slow = fn_block(F, "sq.libm"),
                    join = fn_block(F, "sq.end");
  fn_cond_br_unlikely(F, LLVMBuildNot(B, ok, ""), slow, join);
  fn_position(F, slow);
  LLVMValueRef r = float_square_libm(F, x);
  LLVMBasicBlockRef slow_end = LLVMGetInsertBlock(B);
  LLVMBuildBr(B, join);
  fn_position(F, join);
  LLVMValueRef phi = LLVMBuildPhi(B, d, "");
  LLVMValueRef vals[] = {p, r};
  LLVMBasicBlockRef bbs[] = {from, slow_end};
  LLVMAddIncoming(phi, vals, bbs, 2);
  return phi;
}

/* a % b as CPython's float_rem: fmod (LLVM's frem is C's fmod, called as
 * such), then the sign of the divisor: a remainder of the other sign gets b
 * added, a zero one is a zero of b's sign.  Inline, those fix-ups are
 * selects; in the C helper they were a branch that a remainder of random
 * sign mispredicts half the time (1.9x Numba on a sum of x % 0.7). */
static LLVMValueRef float_mod(Fn *F, LLVMValueRef a, LLVMValueRef b, Node *bn) {
  LLVMBuilderRef B = F->b;
  LLVMTypeRef d = F->L->t_f64;
  LLVMValueRef zero = fn_f64(F, 0.0);
  if (!const_nonzero_f64(b) && !F->nonzero && !float_nonzero(F, bn))
    fn_check_pjm(F, LLVMBuildFCmp(B, LLVMRealOEQ, b, zero, ""), PJM_FLOAT_MOD_ZERO);
  LLVMValueRef m = LLVMBuildFRem(B, a, b, "");
  LLVMValueRef flip = LLVMBuildXor(B, LLVMBuildFCmp(B, LLVMRealOLT, b, zero, ""),
                                   LLVMBuildFCmp(B, LLVMRealOLT, m, zero, ""), "");
  LLVMValueRef fixed = LLVMBuildSelect(B, flip, LLVMBuildFAdd(B, m, b, ""), m, "");
  LLVMValueRef cs[] = {zero, b};
  LLVMValueRef signed_zero = fn_intrinsic(F, "llvm.copysign", &d, 1, cs, 2);
  /* m != 0 (NaN included, which passes through fixed unchanged) */
  return LLVMBuildSelect(B, LLVMBuildFCmp(B, LLVMRealUNE, m, zero, ""), fixed, signed_zero, "");
}

static LLVMValueRef float_arith(Fn *F, Op op, LLVMValueRef a, LLVMValueRef b, Node *bn) {
  LLVMBuilderRef B = F->b;
  LLVMTypeRef d = F->L->t_f64;
  LLVMValueRef args[] = {a, b};
  switch (op) {
  case OP_ADD: return fast(F, LLVMBuildFAdd(B, a, b, ""));
  case OP_SUB: return fast(F, LLVMBuildFSub(B, a, b, ""));
  case OP_MUL: return fast(F, LLVMBuildFMul(B, a, b, ""));
  case OP_DIV:
    if (!const_nonzero_f64(b) && !F->nonzero && !float_nonzero(F, bn))
      fn_check_pjm(F, LLVMBuildFCmp(B, LLVMRealOEQ, b, fn_f64(F, 0.0), ""), PJM_FLOAT_DIV_ZERO);
    return fast(F, LLVMBuildFDiv(B, a, b, ""));
  case OP_FLOORDIV: return fn_call_pjm(F, RT_pjm_floordiv_f64, args, 2, d);
  case OP_MOD: return float_mod(F, a, b, bn);
  case OP_POW:
    if (node_float_two(bn) && F->fastmath) {
      /* CPython's x ** 2.0 is libm's pow(), which is not always correctly
       * rounded (glibc's differs from x*x on ~0.1% of inputs), so only
       * fastmath may use the multiply everywhere (float_square uses it
       * where it provably equals pow).  The overflow to inf must still
       * raise as CPython's float_pow does. */
      LLVMValueRef r = fast(F, LLVMBuildFMul(B, a, a, ""));
      LLVMValueRef inf = fn_f64(F, __builtin_inf());
      LLVMValueRef ar = fn_intrinsic(F, "llvm.fabs", &d, 1, &r, 1);
      LLVMValueRef aa = fn_intrinsic(F, "llvm.fabs", &d, 1, &a, 1);
      LLVMValueRef bad = LLVMBuildAnd(B, LLVMBuildFCmp(B, LLVMRealOEQ, ar, inf, ""),
                                      LLVMBuildFCmp(B, LLVMRealOLT, aa, inf, ""), "");
      fn_check_pjm(F, bad, PJM_FLOAT_POW_RANGE);
      return r;
    }
    if (node_float_two(bn))
      return float_square(F, a);
    return fn_call_pjm(F, RT_pjm_pow_f64, args, 2, d);
  default:
    break;
  }
  die(F->L->bail, "line %d: no float operator '%s'", F->line, op_spelling(op));
}

LLVMValueRef arith(Fn *F, Op op, LLVMValueRef a, LLVMValueRef b, const Type *ty, Node *an,
                   Node *bn) {
  switch (ty->kind) {
  case TY_F64: return float_arith(F, op, a, b, bn);
  case TY_I64: return int_arith(F, op, a, b, an, bn);
  case TY_BOOL:
    if (op == OP_BITAND)
      return LLVMBuildAnd(F->b, a, b, "");
    if (op == OP_BITOR)
      return LLVMBuildOr(F->b, a, b, "");
    if (op == OP_BITXOR)
      return LLVMBuildXor(F->b, a, b, "");
    break;
  default:
    break;
  }
  die(F->L->bail, "line %d: arithmetic '%s' on %s", F->line, op_spelling(op),
      type_name(F->L->arena, ty));
}

/* The type both operands are brought to (normally the checker made them equal). */
static Type *operand_type(Fn *F, Op op, const Type *a, const Type *b) {
  if (type_is_float(a) || type_is_float(b))
    return tt_scalar(F, TY_F64);
  if (a->kind == TY_BOOL && b->kind == TY_BOOL &&
      (op == OP_BITAND || op == OP_BITOR || op == OP_BITXOR))
    return tt_scalar(F, TY_BOOL);
  return tt_scalar(F, TY_I64);
}

/* A loop guard's intervals (lower_loop.c) proved this operation's check
 * cannot fail: no overflow, a divisor outside [-1, 0].  Only the operation
 * itself: its operands were lowered under the caller's flags. */
static LLVMValueRef proven_arith(Fn *F, Op op, LLVMValueRef a, LLVMValueRef b, const Type *ty,
                                 Node *an, Node *bn) {
  bool oc = F->overflowcheck, nsw = F->nsw, nz = F->nonzero;
  F->overflowcheck = false;
  F->nsw = F->nonzero = true;
  LLVMValueRef r = arith(F, op, a, b, ty, an, bn);
  F->overflowcheck = oc;
  F->nsw = nsw;
  F->nonzero = nz;
  return r;
}

/* ------------------------------------------- one check for affine chains
 *
 * `3 * x + 1`, `2 * (n - k) - 1`: + - * and unary minus, each with a
 * constant operand, around a single non-constant operand (the leaf).  Every
 * intermediate value is an affine, hence monotone, function a*v + b of the
 * leaf's value v, so the values of v for which no step overflows form an
 * interval, computed here exactly (in 128-bit arithmetic).  One range test
 * on v then replaces a check per step, and the steps themselves become nsw
 * arithmetic that LLVM can fold (3*x + 1 is one lea).  The raise is the
 * same (the only exception the steps can raise is that overflow, on the
 * same line), and nothing observable happens between the leaf's evaluation
 * and the first step. */

typedef __int128 i128;

typedef struct Chain {
  Node *leaf;
  i128 a, b;   /* the current step's value is a*v + b */
  i128 lo, hi; /* the leaf values for which no step so far overflows */
  int steps;
} Chain;

static i128 floor_div128(i128 x, i128 y) {
  i128 q = x / y;
  return (x % y != 0 && ((x < 0) != (y < 0))) ? q - 1 : q;
}
static i128 ceil_div128(i128 x, i128 y) { return -floor_div128(-x, y); }

/* Constrains v so that a*v + b lies in [INT64_MIN, INT64_MAX]; false when
 * the coefficients grow past what i128 computes exactly. */
static bool chain_step(Chain *ch) {
  const i128 lim = (i128)1 << 80, mn = INT64_MIN, mx = INT64_MAX;
  if (ch->a > lim || ch->a < -lim || ch->b > lim || ch->b < -lim)
    return false;
  i128 vlo, vhi;
  if (ch->a == 0) {
    bool fits = ch->b >= mn && ch->b <= mx;
    vlo = fits ? mn : 1;
    vhi = fits ? mx : 0;
  } else if (ch->a > 0) {
    vlo = ceil_div128(mn - ch->b, ch->a);
    vhi = floor_div128(mx - ch->b, ch->a);
  } else {
    vlo = ceil_div128(mx - ch->b, ch->a);
    vhi = floor_div128(mn - ch->b, ch->a);
  }
  if (vlo > ch->lo)
    ch->lo = vlo;
  if (vhi < ch->hi)
    ch->hi = vhi;
  ch->steps++;
  return true;
}

static bool is_i64(const Node *n) { return n && n->ty && n->ty->kind == TY_I64; }

/* Walks n down to the leaf, then applies each step on the way back up. */
static bool chain_walk(Node *n, Chain *ch) {
  int64_t c;
  if (is_i64(n) && n->kind == ND_UNARYOP && n->op == OP_NEG && is_i64(n->a) &&
      !node_int_const(n->a, &c)) {
    if (!chain_walk(n->a, ch))
      return false;
    ch->a = -ch->a;
    ch->b = -ch->b;
    return chain_step(ch);
  }
  if (is_i64(n) && n->kind == ND_BINOP && is_i64(n->a) && is_i64(n->b) &&
      (n->op == OP_ADD || n->op == OP_SUB || n->op == OP_MUL)) {
    bool ca = node_int_const(n->a, &c), cb = !ca && node_int_const(n->b, &c);
    if (ca != cb) {
      if (!chain_walk(ca ? n->b : n->a, ch))
        return false;
      if (n->op == OP_MUL) {
        ch->a *= c;
        ch->b *= c;
      } else if (n->op == OP_ADD) {
        ch->b += c;
      } else if (cb) { /* chain - c */
        ch->b -= c;
      } else { /* c - chain */
        ch->a = -ch->a;
        ch->b = c - ch->b;
      }
      return chain_step(ch);
    }
  }
  ch->leaf = n;
  ch->a = 1;
  ch->b = 0;
  ch->lo = INT64_MIN;
  ch->hi = INT64_MAX;
  return true;
}

/* The chain's value from the leaf's: every step is proven not to overflow. */
static LLVMValueRef chain_eval(Fn *F, Node *n, const Chain *ch, LLVMValueRef v) {
  LLVMBuilderRef B = F->b;
  int64_t c;
  if (n == ch->leaf)
    return v;
  if (n->kind == ND_UNARYOP)
    return LLVMBuildNSWSub(B, fn_i64(F, 0), chain_eval(F, n->a, ch, v), "");
  bool ca = node_int_const(n->a, &c);
  if (!ca)
    node_int_const(n->b, &c);
  LLVMValueRef x = chain_eval(F, ca ? n->b : n->a, ch, v), k = fn_i64(F, c);
  if (n->op == OP_MUL)
    return LLVMBuildNSWMul(B, x, k, "");
  if (n->op == OP_ADD)
    return LLVMBuildNSWAdd(B, x, k, "");
  return ca ? LLVMBuildNSWSub(B, k, x, "") : LLVMBuildNSWSub(B, x, k, "");
}

/* `3 * x + 1` with overflow checks: the leaf, one range test, nsw steps.
 * NULL when n is not such a chain of at least two steps. */
static LLVMValueRef lower_chain(Fn *F, Node *n) {
  Chain ch = {0};
  if (!F->overflowcheck || !chain_walk(n, &ch) || ch.steps < 2)
    return NULL;
  LLVMBuilderRef B = F->b;
  LLVMValueRef v = convert(F, lower_expr(F, ch.leaf), ch.leaf->ty, tt_scalar(F, TY_I64));
  LLVMValueRef bad;
  if (ch.lo > ch.hi) /* every value overflows somewhere */
    bad = fn_bool(F, true);
  else /* v outside [lo, hi]: one unsigned compare */
    bad = LLVMBuildICmp(B, LLVMIntUGT, LLVMBuildSub(B, v, fn_i64(F, (int64_t)ch.lo), ""),
                        fn_i64(F, (int64_t)((uint64_t)(int64_t)ch.hi - (uint64_t)(int64_t)ch.lo)), "");
  if (F->defer)
    *F->defer = LLVMBuildOr(B, *F->defer, bad, "");
  else
    fn_check_pjm(F, bad, PJM_INT_OVERFLOW);
  return chain_eval(F, n, &ch, v);
}

LLVMValueRef lower_binop(Fn *F, Node *n) {
  /* a node a loop guard proved needs no check at all */
  LLVMValueRef ch = loop_proven(F, n) ? NULL : lower_chain(F, n);
  if (ch)
    return convert(F, ch, tt_scalar(F, TY_I64), n->ty);
  LLVMValueRef a = lower_expr(F, n->a);
  LLVMValueRef b = lower_expr(F, n->b);
  Type *ot = operand_type(F, n->op, n->a->ty, n->b->ty);
  a = convert(F, a, n->a->ty, ot);
  b = convert(F, b, n->b->ty, ot);
  LLVMValueRef r = loop_proven(F, n) ? proven_arith(F, n->op, a, b, ot, n->a, n->b)
                                     : arith(F, n->op, a, b, ot, n->a, n->b);
  Type *rt = (n->op == OP_DIV) ? tt_scalar(F, TY_F64) : ot;
  return convert(F, r, rt, n->ty);
}

LLVMValueRef lower_unary(Fn *F, Node *n) {
  LLVMValueRef v = lower_expr(F, n->a);
  const Type *t = n->a->ty;
  Type *i64 = tt_scalar(F, TY_I64);
  switch (n->op) {
  case OP_NOT:
    return convert(F, LLVMBuildNot(F->b, truthy(F, v, t), ""), tt_scalar(F, TY_BOOL), n->ty);
  case OP_POS: /* +True is 1: the conversion to n->ty does it */
    return convert(F, v, t, n->ty);
  case OP_NEG:
    if (type_is_float(t)) {
      Type *f64 = tt_scalar(F, TY_F64);
      return convert(F, LLVMBuildFNeg(F->b, convert(F, v, t, f64), ""), f64, n->ty);
    }
    if (loop_proven(F, n))
      return convert(F, proven_arith(F, OP_SUB, fn_i64(F, 0), convert(F, v, t, i64), i64, NULL, n->a),
                     i64, n->ty);
    return convert(F, int_neg(F, convert(F, v, t, i64)), i64, n->ty);
  case OP_INVERT:
    return convert(F, LLVMBuildXor(F->b, convert(F, v, t, i64), fn_i64(F, -1), ""), i64, n->ty);
  default:
    break;
  }
  die(F->L->bail, "line %d: unary '%s'", n->span.line, op_spelling(n->op));
}

/* ---------------------------------------------------------- comparisons */

static LLVMIntPredicate int_pred(Op op, bool is_signed) {
  switch (op) {
  case OP_EQ: case OP_IS: return LLVMIntEQ;
  case OP_NE: case OP_ISNOT: return LLVMIntNE;
  case OP_LT: return is_signed ? LLVMIntSLT : LLVMIntULT;
  case OP_LE: return is_signed ? LLVMIntSLE : LLVMIntULE;
  case OP_GT: return is_signed ? LLVMIntSGT : LLVMIntUGT;
  case OP_GE: return is_signed ? LLVMIntSGE : LLVMIntUGE;
  default: return LLVMIntEQ;
  }
}

static LLVMRealPredicate real_pred(Op op) {
  switch (op) {
  case OP_EQ: case OP_IS: return LLVMRealOEQ;
  case OP_NE: case OP_ISNOT: return LLVMRealUNE; /* NaN != x is True */
  case OP_LT: return LLVMRealOLT;
  case OP_LE: return LLVMRealOLE;
  case OP_GT: return LLVMRealOGT;
  case OP_GE: return LLVMRealOGE;
  default: return LLVMRealOEQ;
  }
}

static bool is_cmp_op(Op op) {
  return op == OP_EQ || op == OP_NE || op == OP_LT || op == OP_LE || op == OP_GT || op == OP_GE ||
         op == OP_IS || op == OP_ISNOT;
}

LLVMValueRef compare_values(Fn *F, Op op, LLVMValueRef a, LLVMValueRef b, const Type *ty) {
  if (!is_cmp_op(op))
    die(F->L->bail, "line %d: comparison '%s' is not supported", F->line, op_spelling(op));
  if (type_is_float(ty))
    return fast(F, LLVMBuildFCmp(F->b, real_pred(op), a, b, ""));
  return LLVMBuildICmp(F->b, int_pred(op, ty->kind != TY_BOOL && type_is_signed(ty)), a, b, "");
}

/* A comparison operand.  `exact` marks an int (as i64 in v) that the checker
 * converted to float: it is compared with the other float exactly. */
typedef struct CmpVal {
  LLVMValueRef v;
  const Type *ty;
  bool exact;
} CmpVal;

static CmpVal cmp_operand(Fn *F, Node *n) {
  CmpVal c;
  if (n->kind == ND_CAST && type_is_float(n->ty) && n->a->ty &&
      (type_is_int(n->a->ty) || n->a->ty->kind == TY_BOOL) && !int_node_small(n)) {
    Type *i64 = tt_scalar(F, TY_I64);
    c.v = convert(F, lower_expr(F, n->a), n->a->ty, i64);
    c.ty = i64;
    c.exact = true;
    return c;
  }
  c.v = lower_expr(F, n);
  c.ty = n->ty;
  c.exact = false;
  return c;
}

static Op swap_op(Op op) {
  switch (op) {
  case OP_LT: return OP_GT;
  case OP_GT: return OP_LT;
  case OP_LE: return OP_GE;
  case OP_GE: return OP_LE;
  default: return op;
  }
}

/* i op f, exactly (CPython compares an int and a float by value).  If
 * float(i) != f, rounding is monotonic so float(i) op f decides; if they are
 * equal, f is integral: compare i with int(f), except f == 2**63 (above every
 * i64).  NaN: only != holds. */
static LLVMValueRef cmp_int_float(Fn *F, Op op, LLVMValueRef i, LLVMValueRef f) {
  LLVMBuilderRef B = F->b;
  Lower *L = F->L;
  LLVMValueRef fi = LLVMBuildSIToFP(B, i, L->t_f64, "");
  LLVMValueRef isnan = LLVMBuildFCmp(B, LLVMRealUNO, f, f, "");
  LLVMValueRef eq = LLVMBuildFCmp(B, LLVMRealOEQ, fi, f, "");
  LLVMValueRef big = LLVMBuildFCmp(B, LLVMRealOGE, f, fn_f64(F, 9223372036854775808.0), "");
  LLVMValueRef fsafe = LLVMBuildSelect(B, LLVMBuildOr(B, big, LLVMBuildNot(B, eq, ""), ""),
                                       fn_f64(F, 0.0), f, "");
  LLVMValueRef fint = LLVMBuildFPToSI(B, fsafe, L->t_i64, "");
  LLVMValueRef icmp = LLVMBuildICmp(B, int_pred(op, true), i, fint, "");
  bool big_result = op == OP_LT || op == OP_LE || op == OP_NE; /* i < 2**63 */
  LLVMValueRef on_eq = LLVMBuildSelect(B, big, fn_bool(F, big_result), icmp, "");
  LLVMValueRef fcmp = LLVMBuildFCmp(B, real_pred(op), fi, f, "");
  LLVMValueRef r = LLVMBuildSelect(B, eq, on_eq, fcmp, "");
  return LLVMBuildSelect(B, isnan, fn_bool(F, op == OP_NE), r, "");
}

static LLVMValueRef cmp_pair(Fn *F, Op op, CmpVal a, CmpVal b) {
  Type *i64 = tt_scalar(F, TY_I64), *f64 = tt_scalar(F, TY_F64);
  if (a.exact && b.exact)
    return compare_values(F, op, a.v, b.v, i64);
  if (a.exact)
    return cmp_int_float(F, op, a.v, convert(F, b.v, b.ty, f64));
  if (b.exact)
    return cmp_int_float(F, swap_op(op), b.v, convert(F, a.v, a.ty, f64));
  const Type *t;
  if (type_is_float(a.ty) || type_is_float(b.ty))
    t = f64;
  else if (a.ty->kind == TY_BOOL && b.ty->kind == TY_BOOL)
    t = tt_scalar(F, TY_BOOL);
  else
    t = i64;
  return compare_values(F, op, convert(F, a.v, a.ty, t), convert(F, b.v, b.ty, t), t);
}

LLVMValueRef lower_compare(Fn *F, Node *n) {
  int k = n->list.len;
  CmpVal left = cmp_operand(F, n->a);
  if (k == 1) {
    CmpVal right = cmp_operand(F, n->list.data[0]);
    return convert(F, cmp_pair(F, n->ops.data[0], left, right), tt_scalar(F, TY_BOOL), n->ty);
  }
  /* a < b < c: each middle operand once, stop at the first false */
  LLVMBasicBlockRef end = fn_block(F, "cmp.end");
  LLVMValueRef *vals = ARENA_ARRAY(F->L->arena, LLVMValueRef, k);
  LLVMBasicBlockRef *from = ARENA_ARRAY(F->L->arena, LLVMBasicBlockRef, k);
  for (int i = 0; i < k; i++) {
    CmpVal right = cmp_operand(F, n->list.data[i]);
    LLVMValueRef r = cmp_pair(F, n->ops.data[i], left, right);
    vals[i] = r;
    from[i] = LLVMGetInsertBlock(F->b);
    if (i == k - 1) {
      LLVMBuildBr(F->b, end);
    } else {
      LLVMBasicBlockRef next = fn_block(F, "cmp.next");
      LLVMBuildCondBr(F->b, r, next, end);
      fn_position(F, next);
    }
    left = right;
  }
  fn_position(F, end);
  LLVMValueRef phi = LLVMBuildPhi(F->b, F->L->t_i1, "");
  LLVMAddIncoming(phi, vals, from, (unsigned)k);
  return convert(F, phi, tt_scalar(F, TY_BOOL), n->ty);
}
