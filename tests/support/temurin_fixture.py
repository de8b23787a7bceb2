"""Temurin-like releases for tests (never shipped): a tarball with the real archive's layout
(top directory jdk-<ver>-jre or jdk-<ver>, bin/java, lib/ with a symlink), its .sha256.txt in
Adoptium's layout, a binary .sig made by real gpg (tests/support/make_pgp_fixtures.sh), and the
Adoptium API v3 answers that point at them, laid out for tests/support/artifact_server.py:

    DIST/bin/OpenJDK21U-jre_x64_linux_hotspot_21.0.5_11.tar.gz{,.sha256.txt,.sig}
    DIST/v3/assets/latest/21/hotspot                      (a list of {binary, release_name})
    DIST/v3/assets/release_name/eclipse/jdk-21.0.5+11     ({binaries: [...], release_name})

Used by tests/integration/test_install_java.py (test doubles of a JRE) and tests/realkafka/jdk.py
(a real JRE made with jlink, for the cluster tier); meant for any test that needs a fake Adoptium."""
import hashlib
import io
import json
import os
import subprocess
import tarfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


class Release:
    """One Temurin build: release name jdk-<semver>, image jre|jdk, x64 Linux HotSpot."""

    def __init__(self, dist, semver, image="jre", feature=None):
        self.dist = dist
        self.semver = semver                       # "21.0.5+11"
        self.release_name = "jdk-" + semver        # "jdk-21.0.5+11"
        self.image = image
        self.feature = feature or semver.split(".")[0]
        self.top = self.release_name + ("-jre" if image == "jre" else "")
        self.name = (f"OpenJDK{self.feature}U-{image}_x64_linux_hotspot_"
                     f"{semver.replace('+', '_')}.tar.gz")
        self.path = os.path.join(dist, "bin", self.name)

    # --- the tarball -----------------------------------------------------------------------

    def build(self, pad_bytes=256 << 10):
        """Writes the tarball and its .sha256.txt; returns self. Members carry odd modes on
        purpose (a group-writable file) so a test can see the installer strip them."""
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        now = int(time.time())

        def add(t, name, data=None, mode=0o644, kind=tarfile.REGTYPE, target=""):
            ti = tarfile.TarInfo(f"{self.top}/{name}" if name else self.top)
            ti.mtime, ti.uid, ti.gid, ti.uname, ti.gname = now, 1000, 1000, "builder", "builder"
            ti.type, ti.mode = kind, mode
            if kind == tarfile.SYMTYPE:
                ti.linkname = target
            if data is not None:
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
            else:
                t.addfile(ti)

        java = f"#!/bin/sh\necho 'openjdk {self.semver} (Temurin test double, {self.image})'\n".encode()
        with tarfile.open(self.path, "w:gz") as t:
            add(t, "", kind=tarfile.DIRTYPE, mode=0o755)
            add(t, "bin", kind=tarfile.DIRTYPE, mode=0o755)
            add(t, "bin/java", java, mode=0o755)
            add(t, "lib", kind=tarfile.DIRTYPE, mode=0o755)
            add(t, "lib/server", kind=tarfile.DIRTYPE, mode=0o755)
            add(t, "lib/server/libjvm.so", os.urandom(pad_bytes), mode=0o644)
            add(t, "lib/libjvm.so", kind=tarfile.SYMTYPE, target="server/libjvm.so")
            add(t, "release", f'JAVA_VERSION="{self.semver.split("+")[0]}"\nIMAGE_TYPE="{self.image.upper()}"\n'.encode(),
                mode=0o664)
        self.write_sha256_txt()
        return self

    def build_from_tree(self, tree):
        """Packs a real Java runtime TREE (e.g. one made by jlink) as this release's tarball, under
        its top directory, and writes the .sha256.txt; returns self. Symbolic links must stay
        inside TREE (the installer refuses the others, as it should)."""
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        tmp = self.path + ".tmp"
        with tarfile.open(tmp, "w:gz", compresslevel=6) as t:
            def owner(ti):
                ti.uid, ti.gid, ti.uname, ti.gname = 0, 0, "root", "root"
                return ti
            t.add(tree, arcname=self.top, filter=owner)
        os.replace(tmp, self.path)
        self.write_sha256_txt()
        return self

    @property
    def sha256(self):
        with open(self.path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()

    def write_sha256_txt(self, digest=None):
        with open(self.path + ".sha256.txt", "w") as f:
            f.write(f"{digest or self.sha256}  {self.name}\n")

    def sign(self, pgp_dir, key="rsa", over=None):
        """The binary .sig Adoptium publishes, made by real gpg with a throwaway key. `over`: sign
        that file instead and put its signature beside this tarball (a good signature of other
        bytes, i.e. a bad signature for this one)."""
        target = over or self.path
        env = {**os.environ, "KA_PGP_ARMOR": "0", "KA_PGP_DIGEST": "SHA256", "KA_PGP_KEY": key}
        subprocess.run([os.path.join(HERE, "make_pgp_fixtures.sh"), pgp_dir, target], check=True,
                       stdout=subprocess.DEVNULL, env=env)
        if over:
            os.replace(over + ".sig", self.path + ".sig")
        return self

    # --- the Adoptium API ------------------------------------------------------------------

    def binary(self, base, checksum=None):
        return {"architecture": "x64", "heap_size": "normal", "image_type": self.image, "jvm_impl": "hotspot",
                "os": "linux", "project": "jdk",
                "package": {"checksum": checksum or self.sha256, "checksum_link": f"{base}/bin/{self.name}.sha256.txt",
                            "link": f"{base}/bin/{self.name}", "name": self.name,
                            "signature_link": f"{base}/bin/{self.name}.sig", "size": os.path.getsize(self.path)}}

    def _write(self, rel, doc):
        p = os.path.join(self.dist, *rel.split("/"))
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p + ".tmp", "w") as f:
            json.dump(doc, f)
        os.replace(p + ".tmp", p)

    def publish_latest(self, base, checksum=None):
        """Makes this build the answer of /v3/assets/latest/<feature>/hotspot."""
        self._write(f"v3/assets/latest/{self.feature}/hotspot",
                    [{"binary": self.binary(base, checksum), "release_name": self.release_name, "vendor": "eclipse",
                      "version": {"major": int(self.feature), "semver": self.semver}}])

    def publish_release(self, base, *more, checksum=None):
        """The answer of /v3/assets/release_name/eclipse/<release name>: this build plus `more`
        (other images of the same release)."""
        self._write(f"v3/assets/release_name/eclipse/{self.release_name}",
                    {"binaries": [self.binary(base, checksum)] + [m.binary(base) for m in more],
                     "release_name": self.release_name, "vendor": "eclipse",
                     "version_data": {"major": int(self.feature), "semver": self.semver}})


def start_server(work, dist):
    """tests/support/artifact_server.py on DIST; returns (process, base URL, CA file)."""
    import sys
    pf = os.path.join(work, "port")
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "artifact_server.py"), "--dir", dist,
                             "--tls-dir", os.path.join(work, "tls"), "--port-file", pf], stdout=subprocess.DEVNULL)
    for _ in range(600):
        if os.path.exists(pf):
            break
        if proc.poll() is not None:
            raise RuntimeError("artifact_server.py exited early")
        time.sleep(0.05)
    with open(pf) as f:
        return proc, f"https://127.0.0.1:{int(f.read())}", os.path.join(work, "tls", "ca.pem")


def server_log(base, ca):
    import ssl
    import urllib.request
    c = ssl.create_default_context(cafile=ca)
    return json.loads(urllib.request.urlopen(f"{base}/_log", context=c).read())
