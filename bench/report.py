"""Turns the measurements (run.py's results dict) into the console table,
out/RESULTS.md and the chart out/bench.png."""

import math

PEERS3 = ("numba", "cython", "pythran")    # "the fastest peer" of SPEC §5
FOLDED = "compute_sum"   # LLVM turns its loop into a closed form: it swings every geomean
TIE = 1.02     # a kernel within 2% of the fastest peer counts as a tie (run-to-run noise)


def fmt_time(s):
    if s is None:
        return "-"
    if s < 0:
        return "-" + fmt_time(-s)
    if s >= 0.9995:
        return "%.2f s" % s
    if s >= 0.9995e-3:
        return "%.3g ms" % (s * 1e3)
    return "%.3g µs" % (s * 1e6)


def fmt_ratio(r):
    if r is None:
        return "-"
    if r >= 100:
        return "%.0f" % r
    if r >= 10:
        return "%.1f" % r
    if r < 0.1:
        return "%.2g" % r
    return "%.2f" % r


def geomean(v):
    v = [x for x in v if x is not None and x > 0]
    return math.exp(sum(math.log(x) for x in v) / len(v)) if v else None


class View:
    """Convenience accessors over the results dict: the public kernels, or
    with group="extra" the kernels of kernels_extra.py (data["groups"])."""

    def __init__(self, data, group=None):
        self.d = data
        g = data["groups"][group] if group else data
        self.group = group
        self.kernels = g["kernel_order"]
        self.results = g["kernels"]
        self.sys = g["systems"]
        self.order = [k for k in data["order"] if k in self.sys]
        if group:   # no NumPy versions of the extra kernels: drop the empty column
            self.order = [k for k in self.order if k != "numpy" or self.sys[k]["loaded"]]

    def entry(self, k, s):
        return self.results.get(k, {}).get(s, {"status": "skipped"})

    def t(self, k, s, need_ok=False):
        e = self.entry(k, s)
        if e.get("status") != "ok":
            return None
        if need_ok and e["check"]["ok"] is False:
            return None
        return e["time_s"]

    def best_peer(self, k):
        got = [(self.t(k, p, need_ok=True), p) for p in PEERS3]
        got = [g for g in got if g[0] is not None]
        return min(got) if got else (None, None)

    def ratio(self, k, s, base):
        a, b = self.t(k, s), self.t(k, base)
        return a / b if a and b else None

    def vs_best(self, k, s):
        a = self.t(k, s)
        b, _ = self.best_peer(k)
        return a / b if a and b else None

    def speedup(self, k, s):
        a, b = self.t(k, s), self.t(k, "cpython")
        return b / a if a and b else None

    def mark(self, k, s):
        e = self.entry(k, s)
        if e.get("status") != "ok":
            return ""
        c = e["check"]
        if c["ok"] is False:
            return " ✗"
        if c["bit_identical"] is False:
            return " ≈"
        return ""

    def cell(self, k, s):
        e = self.entry(k, s)
        st = e.get("status")
        if st == "ok":
            return fmt_time(e["time_s"]) + self.mark(k, s)
        if st == "error":
            return "ERROR"
        if st == "n/a":
            return "n/a"
        return "skipped"

    def loaded(self, s):
        return self.sys.get(s, {}).get("loaded", False)


def _vs_best_peer(v):
    """(measured text, any kernel slower) for "pyjitc unchecked at least as
    fast as the fastest peer" over v's kernels."""
    worse, ties = [], []
    for k in v.kernels:
        r = v.vs_best(k, "pyjitc_unchecked")
        if r is None or r > TIE:
            worse.append("%s %s" % (k, fmt_ratio(r) + "x" if r else "(no result)"))
        elif r > 1.0:
            ties.append("%s %.3fx" % (k, r))
    text = "%d of %d kernels slower by more than %d%%%s%s" % (
        len(worse), len(v.kernels), round((TIE - 1) * 100),
        (": " + ", ".join(worse)) if worse else "",
        ("; ties (within %d%%): %s" % (round((TIE - 1) * 100), ", ".join(ties))) if ties else "")
    return text, bool(worse)


def targets(v):
    """[(target, measured, verdict)] for SPEC §5."""
    rows = []
    d = v.d
    if v.loaded("pyjitc_unchecked"):
        text, worse = _vs_best_peer(v)
        rows.append(("unchecked: every kernel at least as fast as the fastest of Numba/Cython/Pythran",
                     text, "met" if not worse else "NOT MET"))
        g = geomean([v.ratio(k, "pyjitc_unchecked", "c") for k in v.kernels])
        g2 = geomean([v.ratio(k, "pyjitc_unchecked", "c") for k in v.kernels if k != FOLDED])
        rows.append(("unchecked: geomean time ≤ C (gcc -O3 -march=native -ffp-contract=off)",
                     ("%sx C" % fmt_ratio(g) if g else "-") + (
                         " (%sx without %s, which LLVM folds to a closed form)" % (
                             fmt_ratio(g2), FOLDED) if g2 and FOLDED in v.kernels else ""),
                     "met" if g and g <= 1.0 else "NOT MET"))
    if v.loaded("pyjitc") and v.loaded("pyjitc_unchecked"):
        rs = [v.ratio(k, "pyjitc", "pyjitc_unchecked") for k in v.kernels]
        g = geomean(rs)
        worst = max(((r, k) for r, k in zip(rs, v.kernels) if r), default=(None, None))
        rows.append(("safe: geomean within 1.1x of unchecked",
                     "%sx" % fmt_ratio(g) if g else "-", "met" if g and g <= 1.1 else "NOT MET"))
        rows.append(("safe: no kernel worse than 1.5x unchecked",
                     "worst %sx (%s)" % (fmt_ratio(worst[0]), worst[1]) if worst[0] else "-",
                     "met" if worst[0] and worst[0] <= 1.5 else "NOT MET"))
    b = d["systems"].get("pyjitc", {}).get("build", {})
    if b.get("wall_s") is not None:
        cpu = b.get("cpu_s")
        # the user waits for the wall time; the build runs one process per
        # CPU (docs/design.md), so the CPU total is reported beside it
        verdict = _verdict(b["wall_s"], 0.5)
        if verdict == "met" and cpu is not None and cpu >= 0.5:
            verdict = "met in wall time (parallel parts); CPU total %.2f s" % cpu
        rows.append(("17-kernel module builds in < 0.5 s",
                     "%.2f s wall (median; min %.2f s); %.2f s CPU (compiler processes + linker)" % (
                         b["wall_s"], b["wall_min_s"], cpu or 0.0),
                     verdict))
    for c in d["call_overhead"]:
        if c["callee"].startswith("pyjitc add") and "net_ns" in c:
            rows.append(("trivial call ≤ 20 ns", "%.0f ns net (%.0f ns gross)" % (
                c["net_ns"], c["gross_ns"]), "met" if c["net_ns"] <= 20 else "NOT MET"))
    n = d.get("native", {})
    if "cold_first_call_s" in n:
        c = n.get("cold_first_call_cpu_s", n["cold_first_call_s"])
        rows.append(("@native cold first call ≈ 0.1 s",
                     "%s CPU (process + compiler); %s wall" % (fmt_time(c), fmt_time(n["cold_first_call_s"])),
                     _verdict(c, 0.15)))
        hc = n.get("hit_first_call_cpu_s", n["hit_first_call_s"]) + n.get("hit_import_cpu_s", n["hit_import_s"])
        rows.append(("@native cache hit: a few ms (import pyjitc + load)",
                     "%s CPU for import (incl. `import pyjitc`) + first call; wall %s + %s" % (
                         fmt_time(hc), fmt_time(n["hit_import_s"]), fmt_time(n["hit_first_call_s"])),
                     _verdict(hc, 0.01)))
    return rows


def extra_summary(v):
    """[(figure, measured)] for the extra group: the same comparisons as the
    SPEC §5 rows, without verdicts (SPEC §5 is about the public kernels)."""
    rows = []
    if v.loaded("pyjitc_unchecked"):
        text, _ = _vs_best_peer(v)
        rows.append(("unchecked vs the fastest of Numba/Cython/Pythran", text))
        g = geomean([v.ratio(k, "pyjitc_unchecked", "c") for k in v.kernels])
        rows.append(("unchecked: geomean time / C", "%sx" % fmt_ratio(g) if g else "-"))
        g = geomean([v.vs_best(k, "pyjitc_unchecked") for k in v.kernels])
        rows.append(("unchecked: geomean time / best peer", "%sx" % fmt_ratio(g) if g else "-"))
    if v.loaded("pyjitc") and v.loaded("pyjitc_unchecked"):
        rs = [v.ratio(k, "pyjitc", "pyjitc_unchecked") for k in v.kernels]
        g = geomean(rs)
        worst = max(((r, k) for r, k in zip(rs, v.kernels) if r), default=(None, None))
        rows.append(("safe: geomean time / unchecked", "%sx" % fmt_ratio(g) if g else "-"))
        rows.append(("safe: worst kernel / unchecked",
                     "%sx (%s)" % (fmt_ratio(worst[0]), worst[1]) if worst[0] else "-"))
        g = geomean([v.vs_best(k, "pyjitc") for k in v.kernels])
        rows.append(("safe: geomean time / best peer", "%sx" % fmt_ratio(g) if g else "-"))
    b = v.sys.get("pyjitc", {}).get("build", {})
    if b.get("wall_s") is not None:
        rows.append(("build of the extra module (safe)", "%.2f s CPU; %.2f s wall (median)" % (
            b.get("cpu_s") or 0.0, b["wall_s"])))
    return rows


def _verdict(value, limit):
    return "met" if value is not None and value <= limit else "NOT MET"


def _table(head, rows, align=None):
    align = align or (["---"] + ["---:"] * (len(head) - 1))
    out = ["| " + " | ".join(head) + " |", "|" + "|".join(align) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def pyjitc_rows(v):
    rows = []
    for k in v.kernels:
        bt, bp = v.best_peer(k)
        rows.append([k,
                     fmt_ratio(v.speedup(k, "pyjitc")), fmt_ratio(v.speedup(k, "pyjitc_unchecked")),
                     fmt_ratio(v.ratio(k, "pyjitc", "c")), fmt_ratio(v.ratio(k, "pyjitc_unchecked", "c")),
                     fmt_ratio(v.vs_best(k, "pyjitc")),
                     fmt_ratio(v.vs_best(k, "pyjitc_unchecked")) + (" (%s)" % bp if bp else ""),
                     fmt_ratio(v.ratio(k, "pyjitc", "pyjitc_unchecked"))])
    for label, ks in (("**geomean**", v.kernels),
                      ("geomean without %s" % FOLDED, [k for k in v.kernels if k != FOLDED])):
        if not ks or (label != "**geomean**" and FOLDED not in v.kernels):
            continue
        g = lambda f: fmt_ratio(geomean([f(k) for k in ks]))  # noqa: E731
        rows.append([label,
                     g(lambda k: v.speedup(k, "pyjitc")), g(lambda k: v.speedup(k, "pyjitc_unchecked")),
                     g(lambda k: v.ratio(k, "pyjitc", "c")),
                     g(lambda k: v.ratio(k, "pyjitc_unchecked", "c")),
                     g(lambda k: v.vs_best(k, "pyjitc")), g(lambda k: v.vs_best(k, "pyjitc_unchecked")),
                     g(lambda k: v.ratio(k, "pyjitc", "pyjitc_unchecked"))])
    return rows


PYJITC_HEAD = ["kernel", "safe: × faster than CPython", "unchecked: × faster than CPython",
               "safe / C", "unchecked / C", "safe / best peer", "unchecked / best peer",
               "safe / unchecked"]


def vs_c_rows(v):
    cols = [s for s in v.order if s != "c" and v.loaded(s)]
    rows = []
    for k in v.kernels:
        rows.append([k] + [fmt_ratio(v.ratio(k, s, "c")) + v.mark(k, s) for s in cols])
    rows.append(["**geomean**"] + [fmt_ratio(geomean([v.ratio(k, s, "c") for k in v.kernels]))
                                   for s in cols])
    rest = [k for k in v.kernels if k != FOLDED]
    if len(rest) < len(v.kernels):
        rows.append(["geomean without %s" % FOLDED] + [
            fmt_ratio(geomean([v.ratio(k, s, "c") for k in rest])) for s in cols])
    rows.append(["(kernels)"] + [str(sum(1 for k in v.kernels if v.ratio(k, s, "c")))
                                 for s in cols])
    return [v.sys[s]["label"] for s in cols], rows


def markdown(d):
    v = View(d)
    L = []
    L.append("# pyjitc benchmark (`make bench%s`)" % (" QUICK=1" if d["quick"] else ""))
    L.append("")
    L.append("Run %s at commit %s; %s sizes; %s, %s cores; load average %s → %s; "
             "total wall time %.0f s." % (
                 d["when"], d["git"] or "?", "quick (small)" if d["quick"] else "full",
                 d["versions"].get("cpu", "?"), d["versions"].get("cores", "?"),
                 d["loadavg_before"], d["loadavg_after"], d["wall_s"]))
    L.append("")
    L.append("Each time is the **median CPU time (time.process_time) of one call inside one "
             "process**, after a warm-up call; the systems take turns (one call each per round); "
             "every system runs single-threaded (OPENBLAS_NUM_THREADS=1). CPU time rather than "
             "wall time because this 2-core machine is shared: a call preempted by another "
             "process's time slice only inflates its wall time (wall figures are in results.json). "
             "Ratios divide these medians. ✗ = result differs from CPython's (bit for bit for systems that promise "
             "it: CPython, pyjitc, Numba, C; within 1e-9 relative for NumPy, Cython and "
             "Pythran, whose compilers may contract a*b+c into an FMA or reorder sums, "
             "within one binary32 ulp (2^-23 relative) for their float32 arrays); "
             "≈ = within that tolerance but not bit-identical. Best peer = the fastest of "
             "Numba, Cython and Pythran whose result checked out.")
    L.append("")
    L.append("## 1. SPEC §5 targets")
    L.append("")
    L.append(_table(["target", "measured", "verdict"], [list(r) for r in targets(v)],
                    ["---", "---", "---"]))
    L.append("")
    L.append("## 2. Time per call")
    L.append("")
    cols = [s for s in v.order]
    L.append(_table(["kernel"] + [v.sys[s]["label"] for s in cols],
                    [[k] + [v.cell(k, s) for s in cols] for k in v.kernels]))
    L.append("")
    if v.loaded("pyjitc") or v.loaded("pyjitc_unchecked"):
        L.append("## 3. pyjitc ratios (time ratios: < 1 means pyjitc is faster)")
        L.append("")
        L.append(_table(PYJITC_HEAD, pyjitc_rows(v)))
        L.append("")
    L.append("## 4. Every system against C (time / C time; < 1 = faster than C)")
    L.append("")
    head, rows = vs_c_rows(v)
    L.append(_table(["kernel"] + head, rows))
    L.append("")
    L.append("## 5. Build times")
    L.append("")
    L.append(_table(["system", "build wall time", "detail"], build_rows(d), ["---", "---:", "---"]))
    L.append("")
    L.append("## 6. Call overhead (`f(a, b)` in a timeit loop; net = minus the empty loop)")
    L.append("")
    L.append(_table(["callee", "ns per call", "net ns"],
                    [[c["callee"], "%.1f" % c["gross_ns"] if "gross_ns" in c else "error",
                      "%.1f" % c["net_ns"] if "net_ns" in c else c.get("error", "")]
                     for c in d["call_overhead"]]))
    L.append("")
    L.append("## 7. Start-up and @native (fresh processes, medians)")
    L.append("")
    L.append(_table(["figure", "time"], startup_rows(d), ["---", "---:"]))
    L.append("")
    L.append("## 8. Result checks")
    L.append("")
    L.extend(check_lines(v))
    L.append("")
    L.append("## 9. Systems, versions, notes")
    L.append("")
    for s in v.order:
        info = v.sys[s]
        L.append("- **%s** (%s): %s%s" % (info["label"], d["versions"].get(s, "?"), info["describe"],
                                           ("; " + info["note"].splitlines()[0][:300]) if info["note"] else ""))
    L.append("- Python %s, NumPy %s, %s" % (d["versions"]["python"], d["versions"]["numpy"],
                                          d["versions"]["platform"]))
    noisy = []
    for k in v.kernels:
        for s in v.order:
            e = v.entry(k, s)
            if e.get("status") == "ok" and e["time_s"] > 1.15 * e["cpu_min_s"]:
                noisy.append("%s/%s (median/min %.2f, %d calls)" % (
                    k, s, e["time_s"] / e["cpu_min_s"], e["reps"]))
    L.append("- Noisy cells (median CPU time > 1.15 × the smallest): "
             + (", ".join(noisy) if noisy else "none"))
    walls = [v.entry(k, s)["wall_median_s"] / v.entry(k, s)["time_s"] for k in v.kernels
             for s in v.order if v.entry(k, s).get("status") == "ok" and v.entry(k, s)["time_s"] > 0]
    if walls:
        L.append("- Contention: median wall time / median CPU time per cell: geomean %.2f, "
                 "max %.2f (1.00 = the process never waited for a core)" % (geomean(walls), max(walls)))
    firsts = []
    for k in v.kernels:
        e = v.entry(k, "numba")
        if e.get("status") == "ok":
            firsts.append("%s %s" % (k, fmt_time(e["first_call_s"])))
    if firsts:
        L.append("- Numba first calls (compile included): " + ", ".join(firsts))
    L.append("")
    if "extra" in d.get("groups", {}):
        L.extend(extra_markdown(d))
    return "\n".join(L)


def extra_markdown(d):
    """§10: the kernels of kernels_extra.py, written for this benchmark and
    not part of the SPEC §5 targets above."""
    v = View(d, "extra")
    L = ["## 10. Extra kernels (bench/kernels_extra.py; not part of the SPEC §5 targets)", ""]
    L.append("Kernels written for this benchmark, in shapes the 17 do not have; C and "
             "Cython versions in bench/peers/kernels_extra.c and kernels_extra_cy.pyx, "
             "Numba and Pythran from the Python source. Same method, columns and marks as "
             "above.")
    L.append("")
    L.append("### 10.1 Summary")
    L.append("")
    L.append(_table(["figure", "measured"], [list(r) for r in extra_summary(v)], ["---", "---"]))
    L.append("")
    L.append("### 10.2 Time per call")
    L.append("")
    L.append(_table(["kernel"] + [v.sys[s]["label"] for s in v.order],
                    [[k] + [v.cell(k, s) for s in v.order] for k in v.kernels]))
    L.append("")
    if v.loaded("pyjitc") or v.loaded("pyjitc_unchecked"):
        L.append("### 10.3 pyjitc ratios (time ratios: < 1 means pyjitc is faster)")
        L.append("")
        L.append(_table(PYJITC_HEAD, pyjitc_rows(v)))
        L.append("")
    L.append("### 10.4 Every system against C (time / C time)")
    L.append("")
    head, rows = vs_c_rows(v)
    L.append(_table(["kernel"] + head, rows))
    L.append("")
    L.append("### 10.5 Result checks and notes")
    L.append("")
    L.extend(check_lines(v))
    for s in v.order:
        info = v.sys[s]
        if info["note"] and not info["loaded"]:
            L.append("- %s skipped: %s" % (info["label"], info["note"].splitlines()[0][:300]))
    L.append("")
    return L


def build_rows(d):
    rows = []
    for key, info in d["systems"].items():
        b = info.get("build") or {}
        if b.get("wall_s") is None:
            continue
        detail = ""
        if "phases_ms" in b:
            detail = ", ".join("%s %.0f ms" % (k, x) for k, x in b["phases_ms"].items())
            detail = "CPU %.2f s; min wall %.2f s of %d builds; -v phases: %s" % (
                b.get("cpu_s", 0.0), b["wall_min_s"], len(b["walls_s"]), detail)
        elif "cython_s" in b:
            detail = "cython %.2f s + gcc %.2f s (%s)" % (b["cython_s"], b["gcc_s"], b["cflags"])
        elif "cflags" in b:
            detail = b["cflags"]
        if b.get("cached"):
            detail += " (build cached from an earlier run)"
        rows.append([info["label"], "%.2f s" % b["wall_s"], detail])
    return rows


def startup_rows(d):
    s, n = d.get("startup", {}), d.get("native", {})
    rows = []
    if "error" in s:
        rows.append(["start-up measurement failed", s["error"][-200:]])
    for key, label in (("bare_python_wall_s", "`python3 -c pass` (process wall)"),
                       ("import_pyjitc_wall_s", "`python3 -c 'import pyjitc'` (process wall)"),
                       ("import_pyjitc_inside_wall_s", "`import pyjitc` timed inside a fresh interpreter (wall)"),
                       ("import_pyjitc_inside_cpu_s", "the same, CPU time"),
                       ("importtime_pyjitc_s", "`-X importtime` cumulative for pyjitc"),
                       ("import_kernels_module_s", "import of the compiled 17-kernel module")):
        if s.get(key) is not None:
            rows.append([label, fmt_time(s[key])])
    if "error" in n:
        rows.append(["@native", "skipped: " + n["error"].strip().splitlines()[-1][:200]])
    else:
        for key, label in (("cold_first_call_s", "@native cold first call (compile + cache store + load)"),
                           ("cold_first_call_cpu_s", "  its CPU time (process + compiler)"),
                           ("hit_first_call_cpu_s", "@native cache-hit first call, CPU time"),
                           ("hit_import_cpu_s", "@native module import (hit), CPU time"),
                           ("cold_import_s", "import of the @native module (cold)"),
                           ("hit_first_call_s", "@native first call, cache hit (load)"),
                           ("hit_import_s", "import of the @native module incl. `import pyjitc` (hit)"),
                           ("steady_call_s", "steady call of that function (1000 floats)"),
                           ("hit_process_wall_s", "whole process wall time, cache hit")):
            if n.get(key) is not None:
                rows.append([label, fmt_time(n[key])])
    return rows


def check_lines(v):
    bad, errs, approx = [], [], []
    for k in v.kernels:
        for s in v.order:
            e = v.entry(k, s)
            if e.get("status") == "error":
                errs.append("%s/%s: %s" % (v.sys[s]["label"], k, e["error"][:300]))
            elif e.get("status") == "ok":
                c = e["check"]
                if c["ok"] is False:
                    bad.append("%s/%s: %s" % (v.sys[s]["label"], k, c["detail"]))
                elif c["bit_identical"] is False:
                    approx.append("%s/%s (%s)" % (v.sys[s]["label"], k, c["detail"]))
    out = ["- Mismatches (✗): " + ("none" if not bad else "")]
    out += ["  - " + b for b in bad]
    out.append("- Errors: " + ("none" if not errs else ""))
    out += ["  - " + e for e in errs]
    out.append("- Within tolerance, not bit-identical (≈): " + ("none" if not approx else ""))
    out += ["  - " + a for a in approx]
    out.append("- Everything else is bit-identical to CPython (return value and every "
               "array the kernel writes).")
    return out


def console(d):
    v = View(d)
    lines = []
    cols = v.order
    w = 11
    lines.append("%-16s" % "time/call" + "".join("%*s" % (w + 1, v.sys[s]["label"][:w]) for s in cols))
    for k in v.kernels:
        lines.append("%-16s" % k + "".join("%*s" % (w + 1, v.cell(k, s)) for s in cols))
    if v.loaded("pyjitc") or v.loaded("pyjitc_unchecked"):
        lines.append("")
        short = ["kernel", "safe xCPy", "unch xCPy", "safe/C", "unch/C", "safe/best",
                 "unch/best", "safe/unch"]
        lines.append("%-28s" % short[0] + "".join("%11s" % h for h in short[1:]))
        for r in pyjitc_rows(v):
            best = r[6].split(" ")[0]
            cells = r[1:6] + [best, r[7]]
            lines.append("%-28s" % r[0].strip("*") + "".join("%11s" % c for c in cells))
    lines.append("")
    head, rows = vs_c_rows(v)
    for r in rows:
        if r[0].startswith("**geomean") or r[0].startswith("geomean"):
            lines.append("%s, time / C: " % r[0].strip("*") + ", ".join(
                "%s %s" % (h, g) for h, g in zip(head, r[1:])))
    lines.append("")
    for t, m, verdict in targets(v):
        lines.append("[%s] %s: %s" % (verdict, t, m))
    if "extra" in d.get("groups", {}):
        lines.extend(extra_console(d))
    for c in d["call_overhead"]:
        if "net_ns" in c:
            lines.append("call %-38s %6.1f ns (net %5.1f)" % (c["callee"], c["gross_ns"], c["net_ns"]))
    for label, val in startup_rows(d):
        lines.append("%s: %s" % (label, val))
    return "\n".join(lines)


def extra_console(d):
    v = View(d, "extra")
    lines = ["", "extra kernels (bench/kernels_extra.py):"]
    w = 11
    lines.append("%-20s" % "time/call" + "".join("%*s" % (w + 1, v.sys[s]["label"][:w])
                                                 for s in v.order))
    for k in v.kernels:
        lines.append("%-20s" % k + "".join("%*s" % (w + 1, v.cell(k, s)) for s in v.order))
    if v.loaded("pyjitc") or v.loaded("pyjitc_unchecked"):
        lines.append("")
        short = ["kernel", "safe/C", "unch/C", "safe/best", "unch/best", "best peer", "safe/unch"]
        lines.append("%-20s" % short[0] + "".join("%11s" % h for h in short[1:]))
        for r in pyjitc_rows(v):
            parts = r[6].split(" ")
            best, peer = parts[0], (parts[1].strip("()") if len(parts) > 1 else "")
            cells = [r[3], r[4], r[5], best, peer, r[7]]
            lines.append("%-20s" % r[0].strip("*") + "".join("%11s" % c for c in cells))
    lines.append("")
    for t, m in extra_summary(v):
        lines.append("[extra] %s: %s" % (t, m))
    return lines


def chart(d, path, group=None):
    """Log-scale bar chart of time / C time per kernel and system (of the
    public kernels, or of group's).  Returns True, or a string saying why
    there is no chart."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib not installed (make bench-deps)"
    v = View(d, group)
    cols = [s for s in v.order if s not in ("c", "cpython") and v.loaded(s)]
    if not v.loaded("c") or not cols:
        return "no C column to normalize by"
    kernels = v.kernels + ["geomean"]
    fig, ax = plt.subplots(figsize=(max(10, 0.9 * len(kernels)), 5.5))
    width = 0.8 / len(cols)
    colors = {"numpy": "#8c8c8c", "numba": "#1f77b4", "cython": "#ff7f0e", "pythran": "#2ca02c",
              "pyjitc": "#d62728", "pyjitc_unchecked": "#9467bd"}
    for i, s in enumerate(cols):
        ys = [v.ratio(k, s, "c") for k in v.kernels]
        ys.append(geomean(ys))
        xs = [j + (i - (len(cols) - 1) / 2) * width for j in range(len(kernels))]
        pts = [(x, y) for x, y in zip(xs, ys) if y]
        if not pts:
            continue
        ax.bar([p[0] for p in pts], [p[1] for p in pts], width, label=v.sys[s]["label"],
               color=colors.get(s), bottom=0)
        for j, k in enumerate(v.kernels):
            if v.mark(k, s).strip() == "✗" and ys[j]:
                ax.text(xs[j], ys[j], "x", ha="center", va="bottom", fontsize=8, color="red")
    ax.set_yscale("log")
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_xticks(range(len(kernels)))
    ax.set_xticklabels(kernels, rotation=40, ha="right")
    ax.set_ylabel("time / C time (log; below 1 = faster than C)")
    ax.set_title("pyjitc bench%s%s: time per call relative to gcc -O3 -march=native -ffp-contract=off"
                 % (", extra kernels" if group else "", " (QUICK)" if d["quick"] else ""))
    ax.legend(fontsize=8, ncol=3)
    ax.grid(axis="y", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True
