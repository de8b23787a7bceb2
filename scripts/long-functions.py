#!/usr/bin/env python3
"""List the C++ functions longer than a limit (DESIGN.md §7: no function over 80 lines except
data tables). A brace counter, not a parser: a body is a `{` whose text before it ends in `)`
(with const, noexcept, override, a trailing return type or a constructor's initializers after
it); namespaces, classes and initializer lists (`= {`) are not functions. Lambdas count as part
of the function they are in.

    scripts/long-functions.py [--max 80] [DIR_OR_FILE ...]   (default: src cmd)
"""
import argparse
import pathlib
import re
import sys

NOT_FUNCTION = re.compile(r"\b(namespace|class|struct|union|enum)\b[^()]*$|=\s*$|\breturn\b[^;]*$")
FUNCTION = re.compile(r"\)\s*(const\s*)?(noexcept\s*)?(override\s*)?(final\s*)?(->\s*[\w:<>,\s*&]+)?$|\)\s*:\s*[\w:]+[({].*[)}]\s*$")


def strip_code(text):
    """The text with comments, strings and character literals blanked, line breaks kept."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            end = text.find(")" + m.group(1) + '"', i) if m else -1
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(path):
    code = strip_code(path.read_text(encoding="utf-8", errors="replace"))
    code = "\n".join("" if l.lstrip().startswith("#") else l for l in code.split("\n"))
    stack, head, head_line, line = [], "", None, 1
    for c in code:
        if c == "\n":
            line += 1
        if c == "{":
            h = " ".join(head.split())
            is_fn = bool(FUNCTION.search(h)) and not NOT_FUNCTION.search(h) and not any(s[0] for s in stack)
            name = ""
            if is_fn:
                m = re.search(r"([\w:~]+|operator\S+)\s*\((?:[^()]|\([^()]*\))*\)[^()]*$", h)
                name = m.group(1) if m else h[-40:]
            stack.append((is_fn, name, head_line or line))
            head, head_line = "", None
        elif c == "}":
            if stack:
                is_fn, name, start = stack.pop()
                if is_fn:
                    yield name, start, line
            head, head_line = "", None
        elif c == ";":
            head, head_line = "", None
        else:
            if head_line is None and not c.isspace():
                head_line = line
            head += c


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max", type=int, default=80)
    ap.add_argument("paths", nargs="*", default=["src", "cmd"])
    a = ap.parse_args()
    files = []
    for p in map(pathlib.Path, a.paths):
        files += sorted(p.rglob("*.[ch]pp")) if p.is_dir() else [p]
    long = [(end - start + 1, f, start, name) for f in files for name, start, end in functions(f) if end - start + 1 > a.max]
    for n, f, start, name in sorted(long, reverse=True):
        print(f"{n:4d} {f}:{start} {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
