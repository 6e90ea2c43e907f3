#!/usr/bin/env python3
"""Every relative link in README.md and docs/*.md names a file that exists,
and its #anchor a heading of that file (GitHub's slugs). One PASS/FAIL line
per Markdown file; always exits 0.

usage: tests/docs/links.py [FILE.md ...]   (default: README.md docs/*.md)
"""
import glob
import os
import re
import sys

LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^\s*(```|~~~)")


def lines(path):
    """The file's lines outside fenced code blocks, with their numbers."""
    fenced = False
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if FENCE.match(line):
                fenced = not fenced
            elif not fenced:
                yield n, line


def prose(path):
    """Lines that may hold links: not indented code, inline code blanked."""
    for n, line in lines(path):
        if line.startswith("    ") and not line.lstrip().startswith(("-", "*", "|")):
            continue
        yield n, re.sub(r"`[^`]*`", "``", line)


def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation gone, spaces to hyphens."""
    s = heading.strip().lower().replace("`", "")
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def anchors(path):
    """The anchors of a file's headings; a repeated heading gets -1, -2..."""
    seen, out = {}, set()
    for _, line in lines(path):
        m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line.rstrip("\n"))
        if m:
            s = slug(m.group(1))
            k = seen.get(s, 0)
            seen[s] = k + 1
            out.add(s if k == 0 else "%s-%d" % (s, k))
    return out


def problems(path):
    base = os.path.dirname(path)
    for n, line in prose(path):
        for target in LINK.findall(line):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue  # http:, https:, mailto: ...
            file, _, anchor = target.partition("#")
            dest = os.path.normpath(os.path.join(base, file)) if file else path
            if not os.path.exists(dest):
                yield "%s:%d: %s: no file %s" % (path, n, target, dest)
            elif anchor and dest.endswith(".md") and anchor not in anchors(dest):
                yield "%s:%d: %s: no heading #%s in %s" % (path, n, target, anchor, dest)


def main():
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    files = sys.argv[1:] or ["README.md"] + sorted(glob.glob("docs/*.md"))
    for path in files:
        bad = list(problems(path))
        if bad:
            print("FAIL docs/links/%s: %s" % (path, "; ".join(bad)))
        else:
            print("PASS docs/links/%s" % path)


main()
