#!/usr/bin/env bash
# Item 4 of issue 7: our properties parser reads every file exactly as java.util.Properties.load
# (what Kafka's Utils.loadProps uses) does. A generated corpus of thousands of files (bare CR,
# CRLF, continuations, comments, separators, escapes, malformed \u, non-ASCII bytes) goes through
# the JDK (tests/properties/PropsDump.java, one java invocation) and through ka::Properties
# (props_dump); the two dumps must be identical.
set -euo pipefail
src=${KA_SOURCE_DIR:?} build=${KA_BUILD_DIR:?}
count=${KA_PROPS_CORPUS:-4000}
if ! command -v java > /dev/null; then
  echo "SKIP: no java on PATH (the differential test needs a JDK)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$src/tests/properties/gen_corpus.py" "$work/corpus" "$count"
java "$src/tests/properties/PropsDump.java" "$work/corpus" > "$work/java.txt"
"$build/props_dump" "$work/corpus" > "$work/ours.txt"

files=$(grep -c '^== ' "$work/java.txt")
if [ "$files" -ne "$count" ]; then
  echo "FAIL: java dumped $files files, expected $count"
  exit 1
fi
if ! cmp -s "$work/java.txt" "$work/ours.txt"; then
  # Name the first file that differs and show both readings of it.
  python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
def split(path):
    out, name = {}, None
    for line in open(path):
        if line.startswith("== "):
            name = line[3:].strip(); out[name] = []
        else:
            out[name].append(line.rstrip("\n"))
    return out
java, ours = split(work + "/java.txt"), split(work + "/ours.txt")
bad = [n for n in java if java[n] != ours.get(n)]
print("FAIL: %d of %d files read differently from java.util.Properties.load" % (len(bad), len(java)))
for n in bad[:3]:
    print("--- %s: %r" % (n, open(work + "/corpus/" + n, "rb").read()))
    print("  java:", java[n])
    print("  ours:", ours.get(n))
PY
  exit 1
fi
errors=$(grep -c '^error$' "$work/java.txt" || true)
keys=$(grep -c '^k ' "$work/java.txt" || true)
echo "ok: identical to java.util.Properties.load on $files files ($keys keys; $errors files refused by both for a malformed \\u escape)"
