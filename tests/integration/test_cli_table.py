#!/usr/bin/env python3
"""Black-box table of the binary (DESIGN.md §7.7): each case of cli_table.json is an input (flags,
config files, environment) and what must come of it: the exit code, text in the output, and the
files under --root (lines they hold, their modes, files that must not exist), or a root left
empty. A new case is a new row, not new shell."""
import json
import os
import stat
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def expand(value, defs, subst):
    """A string with {work}/{root}/{dir}/{empty} filled in; "@NAME" in an argument list is defs[NAME]."""
    if isinstance(value, list):
        out = []
        for v in value:
            if isinstance(v, str) and v.startswith("@") and v[1:] in defs:
                out.extend(expand(defs[v[1:]], defs, subst))
            else:
                out.append(expand(v, defs, subst))
        return out
    if isinstance(value, dict):
        return {expand(k, defs, subst): expand(v, defs, subst) for k, v in value.items()}
    if isinstance(value, str):
        for k, v in subst.items():
            value = value.replace("{" + k + "}", v)
    return value


def run_case(binary, work, n, case, defs, empty):
    """The problems with one case (empty when it passed)."""
    case_dir = os.path.join(work, f"case-{n}")
    root = os.path.join(case_dir, "root")
    os.makedirs(root)
    subst = {"work": work, "dir": case_dir, "root": root, "empty": empty}
    case = expand(case, defs, subst)
    for path, text in case.get("files", {}).items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    for d in case.get("dirs", []):
        os.makedirs(d, exist_ok=True)
    env = dict(os.environ)
    env.update(case.get("env", {}))
    p = subprocess.run([binary] + case["args"], capture_output=True, text=True, env=env, timeout=120)
    shown = f"exit {p.returncode}\n--- stdout\n{p.stdout}--- stderr\n{p.stderr}"
    problems = []
    if p.returncode != case.get("exit", 0):
        problems.append(f"exit {p.returncode}, expected {case.get('exit', 0)}")
    for text in case.get("stderr", []):
        if text not in p.stderr:
            problems.append(f"stderr does not say {text!r}")
    for text in case.get("stdout", []):
        if text not in p.stdout:
            problems.append(f"stdout does not say {text!r}")
    if case.get("root_untouched"):
        left = [os.path.join(dp, x) for dp, dn, fn in os.walk(root) for x in dn + fn]
        if left:
            problems.append(f"something was written under the root: {left[:3]}")
    for rel, want in case.get("expect_files", {}).items():
        path = os.path.join(root, rel.lstrip("/"))
        if not os.path.isfile(path):
            problems.append(f"{rel} was not written")
            continue
        with open(path) as f:
            lines = f.read().splitlines()
        for line in want.get("lines", []):
            if line not in lines:
                problems.append(f"{rel} has no line {line!r}")
        if "mode" in want and oct(stat.S_IMODE(os.stat(path).st_mode))[2:] != want["mode"]:
            problems.append(f"{rel} has mode {oct(stat.S_IMODE(os.stat(path).st_mode))[2:]}, expected {want['mode']}")
    for rel in case.get("absent", []):
        if os.path.lexists(os.path.join(root, rel.lstrip("/"))):
            problems.append(f"{rel} exists but must not")
    return [f"{x}\n{shown}" for x in problems[:1]] + problems[1:]


def main():
    binary = os.environ.get("KA_BINARY")
    if not binary:
        print("KA_BINARY must point at kafka-appliance", file=sys.stderr)
        return 2
    with open(os.path.join(HERE, "cli_table.json")) as f:
        table = json.load(f)
    failed = 0
    with tempfile.TemporaryDirectory() as work:
        empty = os.path.join(work, "empty.toml")  # no appliance.toml of this machine is read
        open(empty, "w").close()
        for n, case in enumerate(table["cases"]):
            problems = run_case(binary, work, n, case, table.get("defs", {}), empty)
            if problems:
                failed += 1
                print(f"FAIL: {case['name']}: " + "\n  ".join(problems))
            else:
                print(f"ok: {case['name']}")
    if failed:
        print(f"{failed} of {len(table['cases'])} cases failed")
        return 1
    print(f"all {len(table['cases'])} cases passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
