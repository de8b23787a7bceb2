#!/usr/bin/env python3
"""Release-shaped and hostile Kafka tarballs for the install tests, made at test time.

    make_hostile_archives.py OUTDIR VERSION [--big MB]

Writes OUTDIR/good/kafka_2.13-VERSION.tgz (a small tree with Kafka's layout: bin/, config/,
libs/, a relative symlink) and OUTDIR/<case>/kafka_2.13-VERSION.tgz for every hostile case, each
with a .sha512 beside it (sha512sum layout), and prints the case names. --big adds MB of
incompressible data to the good tarball (for kill -9 timing and the benchmark).
KA_HOSTILE_ONLY=good (or =case1,case2) limits the hostile cases made.
"""
import hashlib
import io
import os
import sys
import tarfile
import zlib

CASES = [
    "dotdot", "absolute", "symlink_passwd", "symlink_chain", "hardlink_out", "device", "fifo",
    "setuid", "bomb", "outside_top",
    # a name first made as a directory implicitly (as the parent of an earlier entry), then
    # given to another type: libarchive keeps the directory, a link table would not
    "implicit_dir_symlink", "implicit_dir_file", "implicit_dir_hardlink",
    "dir_after_symlink", "file_as_parent", "hardlink_to_symlink", "hardlink_data",
]

# The entry each case must be refused at (the tests check the error names it).
REFUSED_AT = {
    "implicit_dir_symlink": "d", "implicit_dir_file": "d", "implicit_dir_hardlink": "d",
    "dir_after_symlink": "l/", "file_as_parent": "f/x", "hardlink_to_symlink": "h", "hardlink_data": "h",
}
HARDLINK_DATA_MB = 200


def add_file(tf, name, data, mode=0o644):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mode = mode
    ti.mtime = 1700000000
    tf.addfile(ti, io.BytesIO(data))


def add_dir(tf, name, mode=0o755):
    ti = tarfile.TarInfo(name)
    ti.type = tarfile.DIRTYPE
    ti.mode = mode
    ti.mtime = 1700000000
    tf.addfile(ti)


def add_link(tf, name, target, kind=tarfile.SYMTYPE, data_size=0):
    ti = tarfile.TarInfo(name)
    ti.type = kind
    ti.linkname = target
    ti.mtime = 1700000000
    if data_size:
        # A pax hardlink may carry a body (POSIX 2001); the 'x' header makes the reader obey
        # its size instead of treating it as an old-style tar that ignores it.
        ti.size = data_size
        ti.pax_headers = {"comment": "hardlink with data"}
        tf.addfile(ti, ZeroStream(data_size))
    else:
        tf.addfile(ti)


def pseudo_random(n, seed):
    """Incompressible bytes, fast: SHA-512 in counter mode is too slow in Python for 100 MB,
    os.urandom is fine but not reproducible; reproducibility does not matter here."""
    return os.urandom(n)


def release_tree(tf, top, big_mb=0):
    add_dir(tf, top + "/")
    add_dir(tf, top + "/bin/")
    add_file(tf, top + "/bin/kafka-server-start.sh", b"#!/bin/sh\nexec java kafka.Kafka \"$@\"\n", 0o755)
    add_file(tf, top + "/bin/kafka-storage.sh", b"#!/bin/sh\nexit 0\n", 0o755)
    add_dir(tf, top + "/config/")
    add_file(tf, top + "/config/server.properties", b"process.roles=broker,controller\n" * 20)
    add_dir(tf, top + "/libs/")
    for i in range(30):
        add_file(tf, top + "/libs/lib%02d.jar" % i, pseudo_random(20000, i))
    add_link(tf, top + "/libs/kafka.jar", "lib00.jar")
    add_dir(tf, top + "/licenses/")
    add_file(tf, top + "/LICENSE", b"Apache License 2.0\n" * 100)
    if big_mb:
        # Mixed content like real jars: mostly incompressible, a quarter text.
        chunk = 4 << 20
        for i in range(max(1, big_mb * (1 << 20) // chunk)):
            data = pseudo_random(chunk * 3 // 4, i) + (b"log4j.appender.stdout=org.apache.log4j.ConsoleAppender\n" * (chunk // 4 // 56 + 1))[: chunk // 4]
            add_file(tf, top + "/libs/big%03d.jar" % i, data)


class ZeroStream(io.RawIOBase):
    def __init__(self, n):
        self.left = n

    def readinto(self, b):
        n = min(len(b), self.left)
        b[:n] = bytes(n)
        self.left -= n
        return n


def write(outdir, case, version, build):
    d = os.path.join(outdir, case)
    os.makedirs(d, exist_ok=True)
    name = "kafka_2.13-%s.tgz" % version
    path = os.path.join(d, name)
    top = "kafka_2.13-%s" % version
    # compresslevel 1: the big tarball is for timing, not for size
    with tarfile.open(path, "w:gz", compresslevel=1 if case == "good" else 6, format=tarfile.PAX_FORMAT) as tf:
        build(tf, top)
    h = hashlib.sha512()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    with open(path + ".sha512", "w") as f:
        f.write("%s  %s\n" % (h.hexdigest(), name))
    return path


def hostile(case):
    def build(tf, top):
        release_tree(tf, top)
        if case == "dotdot":
            add_file(tf, top + "/../../../../tmp/ka-evil", b"pwned\n")
        elif case == "absolute":
            add_file(tf, "/tmp/ka-evil-abs", b"pwned\n")
        elif case == "symlink_passwd":
            add_link(tf, top + "/config/passwd", "/etc/passwd")
        elif case == "symlink_chain":
            add_dir(tf, top + "/a/")
            add_link(tf, top + "/a/up", "..")
            add_link(tf, top + "/a/out", "up/../../../etc")
        elif case == "hardlink_out":
            add_link(tf, top + "/config/shadow", "/etc/shadow", tarfile.LNKTYPE)
        elif case == "device":
            ti = tarfile.TarInfo(top + "/dev-null")
            ti.type = tarfile.CHRTYPE
            ti.devmajor, ti.devminor = 1, 3
            tf.addfile(ti)
        elif case == "fifo":
            ti = tarfile.TarInfo(top + "/fifo")
            ti.type = tarfile.FIFOTYPE
            tf.addfile(ti)
        elif case == "setuid":
            add_file(tf, top + "/bin/suid-shell", b"#!/bin/sh\n", 0o4755)
            add_file(tf, top + "/bin/sgid-tool", b"#!/bin/sh\n", 0o2755)
        elif case == "bomb":
            ti = tarfile.TarInfo(top + "/libs/zeros.jar")
            ti.size = 1 << 30
            ti.mtime = 1700000000
            tf.addfile(ti, ZeroStream(ti.size))
        elif case == "outside_top":
            add_file(tf, "kafka_2.13-0.0.1/bin/x", b"x\n")
        elif case == "implicit_dir_symlink":
            # d/ is never an entry: it exists only as x's parent. The link over it would make
            # escape resolve to etc/shadow inside the tree in a link table, and outside on disk.
            add_file(tf, top + "/d/x", b"x\n")
            add_link(tf, top + "/d", "a/b/c")
            add_link(tf, top + "/config/escape", "../d/../../../etc/shadow")
        elif case == "implicit_dir_file":
            add_file(tf, top + "/d/x", b"x\n")
            add_file(tf, top + "/d", b"replaces the directory\n")
        elif case == "implicit_dir_hardlink":
            add_file(tf, top + "/d/x", b"x\n")
            add_link(tf, top + "/d", top + "/LICENSE", tarfile.LNKTYPE)
        elif case == "dir_after_symlink":
            add_link(tf, top + "/l", "bin")
            add_dir(tf, top + "/l/")
        elif case == "file_as_parent":
            add_file(tf, top + "/f", b"f\n")
            add_file(tf, top + "/f/x", b"x\n")
        elif case == "hardlink_to_symlink":
            add_link(tf, top + "/s", "config/server.properties")
            add_link(tf, top + "/h", top + "/s", tarfile.LNKTYPE)
        elif case == "hardlink_data":
            add_file(tf, top + "/f", b"abc\n")
            add_link(tf, top + "/h", top + "/f", tarfile.LNKTYPE, HARDLINK_DATA_MB << 20)
    return build


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    outdir, version = sys.argv[1], sys.argv[2]
    big = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--big" else 0
    # KA_HOSTILE_ONLY=good, or a comma-separated list of cases (the good tarball is always made)
    only = set(filter(None, os.environ.get("KA_HOSTILE_ONLY", "").split(",")))
    write(outdir, "good", version, lambda tf, top: release_tree(tf, top, big))
    for c in CASES:
        if not only or c in only:
            write(outdir, c, version, hostile(c))
            print(c)
    return 0


if __name__ == "__main__":
    sys.exit(main())
