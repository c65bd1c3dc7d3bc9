"""Copies the tables of the last `make bench` (out/RESULTS.md) into
docs/performance.md's "Latest results" section, so the document shows what
was measured and nothing else: `python3 bench/doc_results.py` after a full
run.  The section's notes ("Where pyjitc stands", the levers) stay
hand-written; re-read them against the new tables.

RESULTS.md sections 1-7 become the section's ### subsections, section 10
(the extra group) its "Extra kernels" subsection with #### parts; the result
checks and versions (sections 8 and 9) stay in RESULTS.md, which the text
points to."""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DOC = os.path.join(HERE, "..", "docs", "performance.md")
RESULTS = os.path.join(HERE, "out", "RESULTS.md")


def sections(text):
    """{number: (title, body)} for RESULTS.md's `## N. Title` sections."""
    out = {}
    parts = re.split(r"^## (\d+)\. (.*)$", text, flags=re.M)
    for i in range(1, len(parts), 3):
        out[int(parts[i])] = (parts[i + 1].strip(), parts[i + 2].strip("\n"))
    return out


def latest(text):
    run = next((line for line in text.splitlines() if line.startswith("Run ")), "")
    sec = sections(text)
    if any(k not in sec for k in (1, 2, 3, 4, 5, 6, 7)):
        sys.exit("doc_results.py: out/RESULTS.md is not from a full run (sections 1-7 missing)")
    lines = ["## Latest results", "",
             run + "  The tables below are copied from bench/out/RESULTS.md by "
             "bench/doc_results.py; its sections 8-9 list the result checks, versions and "
             "noisy cells.", ""]
    for k in range(1, 8):
        title, body = sec[k]
        lines += ["### " + title, "", body, ""]
    if 10 in sec:
        title, body = sec[10]
        body = re.sub(r"^### 10\.\d+ ", "#### ", body, flags=re.M)
        lines += ["### " + title, "", body, ""]
    return "\n".join(lines)


def main():
    with open(RESULTS) as f:
        results = f.read()
    with open(DOC) as f:
        doc = f.read()
    start = doc.index("## Latest results")
    end = doc.index("## Where pyjitc stands")
    doc = doc[:start] + latest(results) + "\n" + doc[end:]
    with open(DOC, "w") as f:
        f.write(doc)
    print("docs/performance.md: Latest results <- bench/out/RESULTS.md")


if __name__ == "__main__":
    main()
