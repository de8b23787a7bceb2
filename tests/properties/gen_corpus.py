#!/usr/bin/env python3
"""Writes a deterministic corpus of .properties files for the differential test against
java.util.Properties.load (tests/integration/test_properties_java.sh).

    gen_corpus.py OUT_DIR [COUNT]     (default 4000 files; the same files on every run)

First the hand-written cases of issue 7 (bare CR line ends, continuations, comments, separators,
escapes, malformed \\u, non-ASCII bytes, what happens at the end of the input), then random files:
half built from meaningful pieces (keys, separators, escapes, continuations, comments, CR/LF/CRLF),
half "soup" from a small alphabet of the bytes that matter to the parser.
"""
import os
import random
import sys

HAND = [
    b"log.dirs=/var/lib/kafka/data\rlog.dirs=/srv/old",
    b"log.dirs=/var/lib/kafka/data\rlog.dirs=/srv/old\r",
    b"a=1\r\nb=2\r\n",
    b"a=1\n\rb=2",
    b"a=1\\\r\n   2\r\nb=3",
    b"a=1\\\r   2\rb=3",
    b"a=1\\\n\n  b=2",
    b"a=1\\\\\nb=2",
    b"a=1\\\\\\\nb=2",
    b"#comment\\\nkey=v",
    b"!comment\\\rkey=v",
    b"  # indented comment\n\t!x\n\fk v",
    b"a=x\\\n#not a comment",
    b"\\\n#comment after a line of one backslash\nk=v",
    b"\\",
    b"\\\n",
    b"\\\n  ",
    b"\\\\",
    b"key\\",
    b"key=value\\",
    b"k=\\u0041\\u00e9\\u20AC\\uD83D\\uDE00\\uDC00x",
    b"k=\\u12",
    b"k=\\u12G4",
    b"\\uZZZZ=v",
    b"k=v\n\\u",
    b"k=\\t\\n\\r\\f\\x\\=\\:\\ \\\\\\#",
    b"key with spaces",
    b"key\\ with\\ spaces = v",
    b"k = = v",
    b"k : : v",
    b"k  =: v",
    b"k\t\f= v ",
    b"=v",
    b":v",
    b" =",
    b"k",
    b"k=",
    b"k=a\nk=b\nk=c",
    "caf\u00e9=cr\u00e8me".encode("utf-8"),
    "caf\u00e9=cr\u00e8me".encode("latin-1"),
    b"k=\x80\xff\xc3\xa9\xed\xa0\x80\xf0\x9f\x98\x80",
    b"",
    b"\n\n\r\r\n",
    b"   ",
    b"#only a comment",
    b"a\\\n\\\n\\\nb=c",
    b"a\\\r\n\r\nb",
    b"k\\\n  \\\n  v",
]

PIECE_KEYS = [b"log.dirs", b"log.dir", b"metadata.log.dir", b"node.id", b"process.roles", b"a", b"k",
              b"listeners", b"x.y.z", b"", b"caf\xc3\xa9", b"caf\xe9", b"\xff\xfe"]
SEPS = [b"=", b":", b" ", b"\t", b"\f", b" = ", b" : ", b"  ", b"==", b"=:", b" ::", b"", b"\t=\f", b"= "]
ESCAPES = [b"\\=", b"\\:", b"\\ ", b"\\\\", b"\\t", b"\\n", b"\\r", b"\\f", b"\\u0041", b"\\u00E9", b"\\u20ac",
           b"\\uD83D\\uDE00", b"\\uDC00", b"\\uD800", b"\\x", b"\\#", b"\\!", b"\\\xe9", b"\\u000a"]
MALFORMED = [b"\\u12", b"\\uZZZZ", b"\\u", b"\\u00g0", b"\\u 123"]
EOLS = [b"\n", b"\r", b"\r\n", b"\n\r"]
WS = [b"", b" ", b"  ", b"\t", b"\f", b" \t\f "]
TEXT = [b"/var/lib/kafka/data", b"/srv/old", b"PLAINTEXT://h:9092", b"1", b"value", b"a,b , c", b"#x", b"!x",
        b"\xc3\xa9", b"\xe9", b"\x80", b"\x00", b"\x01", b"\x7f", b"\xed\xa0\x80", b"\xf0\x9f\x98\x80", b"u", b"\\"]

SOUP = [b"a", b"b", b"=", b":", b" ", b"\t", b"\f", b"\\", b"\\", b"\r", b"\n", b"#", b"!", b"u", b"0", b"D", b"8",
        b"\xe9", b"\xc3", b"\xa9", b"\x00"]


def text(rng, malformed):
    out = b""
    for _ in range(rng.randint(0, 4)):
        r = rng.random()
        if r < 0.55:
            out += rng.choice(TEXT)
        elif r < 0.9:
            out += rng.choice(ESCAPES)
        elif r < 0.97 or not malformed:
            out += rng.choice(WS[1:])
        else:
            out += rng.choice(MALFORMED)
    return out


def continuation(rng):
    # an odd run continues the line, an even one does not; the next line's indentation is dropped
    return b"\\" * rng.choice([1, 1, 1, 2, 3]) + rng.choice(EOLS) + rng.choice(WS)


def structured(rng):
    malformed = rng.random() < 0.1
    out = b""
    for _ in range(rng.randint(0, 8)):
        r = rng.random()
        line = rng.choice(WS)
        if r < 0.12:
            line += rng.choice([b"#", b"!"]) + text(rng, True) + rng.choice([b"", b"\\", b"\\\\"])
        elif r < 0.18:
            pass  # blank or whitespace-only
        else:
            line += rng.choice(PIECE_KEYS) + text(rng, malformed) if rng.random() < 0.6 else rng.choice(PIECE_KEYS)
            if rng.random() < 0.2:
                line += continuation(rng)
            line += rng.choice(SEPS) + text(rng, malformed)
            while rng.random() < 0.25:
                line += continuation(rng) + text(rng, malformed)
        out += line + rng.choice(EOLS)
    if out and rng.random() < 0.3:
        out = out.rstrip(b"\r\n")  # no line end at the end of the file
    if rng.random() < 0.1:
        out += rng.choice([b"\\", b"\\\n", b"\\\r", b"\\\r\n", b"#", b"\\\\"])
    return out


def soup(rng):
    return b"".join(rng.choice(SOUP) for _ in range(rng.randint(0, 60)))


def main():
    out_dir = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
    os.makedirs(out_dir, exist_ok=True)
    rng = random.Random(20261125)
    files = list(HAND)
    while len(files) < count:
        files.append(structured(rng) if len(files) % 2 else soup(rng))
    for i, data in enumerate(files):
        with open(os.path.join(out_dir, "%05d.properties" % i), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
