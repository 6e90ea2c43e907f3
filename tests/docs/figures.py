#!/usr/bin/env python3
"""Every figure in the measurement docs says where it comes from: each
section (## or ###) that states numbers names, in backticks, a command that
makes them (a bench/ script, `make bench|run|test ...`, scripts/run.sh, a
test, vtrace, vitrine) or the date the figure was taken (YYYY-MM-DD); and
every script it names exists. One PASS/FAIL line per section; exits 0.

usage: tests/docs/figures.py [FILE.md ...]   (default: docs/measurements.md docs/linux.md docs/riscv.md)
"""
import os
import re
import sys

FENCE = re.compile(r"^\s*(```|~~~)")
# A figure: a number of two or more digits, or with a decimal point.
FIGURE = re.compile(r"(?<![\w.#/,-])(\d{1,3}(?:,\d{3})+|\d+\.\d+|\d{2,})(?![\w/])")
COMMAND = re.compile(
    r"`[^`]*(bench/[\w-]+\.sh|make (bench|run|test)\b|scripts/run\.sh|tests/[\w/.-]+|"
    r"\bvtrace\b|\bvitrine\b|\btime\b)[^`]*`"
)
DATE = re.compile(r"\b20\d\d-[01]\d-[0-3]\d\b")
SCRIPT = re.compile(r"\b((?:bench|tests|scripts)/[\w/.-]+\.(?:sh|py))\b")


def sections(path):
    """(heading, [(line number, text)]) per ## or ### section, code blocks left out."""
    name, body, fenced = "(top)", [], False
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if FENCE.match(line):
                fenced = not fenced
                continue
            if not fenced and re.match(r"#{2,3} ", line):
                yield name, body
                name, body = line.strip("# \n"), []
            elif not fenced and not line.startswith("    "):
                body.append((n, line))
    yield name, body


def check(path, root):
    for name, body in sections(path):
        text = "".join(line for _, line in body)
        # Commit ids and section numbers are not figures.
        figures = [m.group(1) for m in FIGURE.finditer(re.sub(r"\b[0-9a-f]{7,40}\b", "", text))]
        missing = [s for s in SCRIPT.findall(text) if not os.path.exists(os.path.join(root, s))]
        where = f"docs/figures/{os.path.basename(path)}/{name}"
        if missing:
            print(f"FAIL {where}: names {missing[0]}, which does not exist")
        elif figures and not (COMMAND.search(text) or DATE.search(text)):
            print(f"FAIL {where}: states {figures[0]} and more, but names no command and no date")
        else:
            print(f"PASS {where}")


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    paths = sys.argv[1:] or [os.path.join(root, "docs", f) for f in ("measurements.md", "linux.md", "riscv.md")]
    for path in paths:
        check(path, root)


if __name__ == "__main__":
    main()
