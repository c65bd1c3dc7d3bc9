"""The Python side of the `pyjitc` command: `pyjitc cache list|info|clear`
(the C binary execs `$PYTHON -m pyjitc cache ...`), and `profile` / `run`,
which hand over to profile.py and hot.py (imported only then)."""

import argparse
import os
import sys
import time

from . import cache

USAGE = """usage: pyjitc cache list [PATH...]     the entries: module, key, size, age, location
       pyjitc cache info [PATH...]     the cache directories and their totals
       pyjitc cache clear PATH...|--all
                                       remove entries (of these sources or directories,
                                       or --all: every known cache directory)
PATH: a .py file (its entries), or a directory (its __pycache__, or a cache directory).
Without PATH: every known cache directory ($PYJITC_CACHE_DIR, the per-user directory
and the __pycache__ directories @native has used).
"""


def _age(seconds):
    for unit, n in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= n:
            return "%d%s" % (seconds // n, unit)
    return "%ds" % max(seconds, 0)


def _size(n):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return ("%d %s" % (n, unit)) if unit == "B" else ("%.1f %s" % (n, unit))
        n /= 1024.0


def _scope(paths):
    """[(directory, source filter or None)] for the PATH arguments."""
    if not paths:
        return [(d, None) for d in cache.known_dirs()]
    out = []
    for p in paths:
        p = os.path.abspath(p)
        if os.path.isfile(p):
            dirs = [os.path.join(os.path.dirname(p), "__pycache__")] + cache.known_dirs()
            out += [(d, p) for d in dict.fromkeys(dirs) if os.path.isdir(d)]
        elif os.path.isdir(p):
            pyc = os.path.join(p, "__pycache__")
            if os.path.basename(p) != "__pycache__" and os.path.isdir(pyc):
                out.append((pyc, None))
            out.append((p, None))
        else:
            raise FileNotFoundError("no such file or directory: %s" % p)
    return out


def _entries(paths):
    seen = set()
    for d, source in _scope(paths):
        for e in cache.list_entries(d):
            if source is not None and e.get("source") != source:
                continue
            if e["meta_path"] in seen:
                continue
            seen.add(e["meta_path"])
            yield d, e


def cmd_list(args):
    rows = [("MODULE", "KEY", "SIZE", "AGE", "STATE", "LOCATION")]
    now = time.time()
    for d, e in _entries(args.paths):
        rows.append((e["module"], e["key"][:16], _size(e["size"]), _age(now - e["mtime"]),
                     "ok" if e["valid"] else "broken", d))
    if len(rows) == 1:
        print("no pyjitc cache entries")
        return 0
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])
    return 0


def cmd_info(args):
    print("per-user cache directory: %s" % cache.user_cache_dir())
    env = os.environ.get("PYJITC_CACHE_DIR")
    print("PYJITC_CACHE_DIR: %s" % (env or "(not set)"))
    totals = {}
    for d, e in _entries(args.paths):
        n, size = totals.get(d, (0, 0))
        totals[d] = (n + 1, size + e["size"])
    for d, _ in _scope(args.paths):
        totals.setdefault(d, (0, 0))
    all_n = all_size = 0
    for d, (n, size) in totals.items():
        state = "" if cache.safe_dir(d) else "  (not usable: not owned by you, or writable " \
                                             "by others)"
        print("%s: %d entries, %s%s" % (d, n, _size(size), state))
        all_n += n
        all_size += size
    print("total: %d entries, %s" % (all_n, _size(all_size)))
    return 0


def cmd_clear(args):
    if not args.paths and not args.all:
        print("pyjitc cache clear: give the PATHs to clear, or --all for every known "
              "cache directory", file=sys.stderr)
        return 2
    n = 0
    for d, e in list(_entries(None if args.all else args.paths)):
        cache.remove_entry(e["so_path"], e["meta_path"], e["lock_path"])
        n += 1
    print("removed %d cache entr%s" % (n, "y" if n == 1 else "ies"))
    return 0


def cache_main(argv):
    p = argparse.ArgumentParser(prog="pyjitc cache", usage=USAGE[len("usage: "):])
    p.add_argument("command", choices=("list", "info", "clear"))
    p.add_argument("paths", nargs="*")
    p.add_argument("--all", action="store_true")
    args = p.parse_args(argv)
    try:
        return {"list": cmd_list, "info": cmd_info, "clear": cmd_clear}[args.command](args)
    except FileNotFoundError as e:
        print("pyjitc cache: %s" % e, file=sys.stderr)
        return 2


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: pyjitc {cache|profile|run} ...\n\n" + USAGE)
        return 0 if argv else 2
    cmd = argv[0]
    if cmd == "cache":
        return cache_main(argv[1:])
    if cmd == "profile":
        from . import profile
        return profile.main(argv[1:])
    if cmd == "run":
        from . import hot
        return hot.run_main(argv[1:])
    print("pyjitc: unknown command %r (the Python side handles cache, profile, run)" % cmd,
          file=sys.stderr)
    return 2
