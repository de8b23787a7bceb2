"""Shared by the Python integration tests: where things are, skipping when a tool is missing,
assertions that show a command's output, and the closing line and exit code."""
import os
import shutil
import signal
import sys
import tempfile

SRC = os.environ.get("KA_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KA = os.environ.get("KA_BINARY") or os.path.join(SRC, "build", "kafka-appliance")
SUPPORT = os.path.join(SRC, "tests", "support")


def require(*tools, root=False):
    """Exit 77 (CTest: skipped) with the reason when the test cannot run here."""
    if root and os.geteuid() != 0:
        print("SKIP: needs root (useradd --root chroots)")
        sys.exit(77)
    for tool in tools:
        if not shutil.which(tool):
            print(f"SKIP: {tool} not installed")
            sys.exit(77)


def workspace(prefix):
    """A scratch directory for one test (finish() removes it when all passed), with the paths of
    its dist/ (what the artifact server serves) and pgp/ (the throwaway signing keys)."""
    work = tempfile.mkdtemp(prefix=prefix)
    return work, os.path.join(work, "dist"), os.path.join(work, "pgp")


def check(cond, msg, p=None):
    """Fail the current case; with a CompletedProcess, show what it printed."""
    if not cond:
        if p is not None:
            msg += f"\n  rc={p.returncode}\n  stdout: {p.stdout}\n  stderr: {p.stderr}"
        raise AssertionError(msg)


def finish(work, failures, server=None):
    """Stop the server, keep the work dir only when something failed, print the closing line, exit."""
    if server is not None:
        server.send_signal(signal.SIGTERM)
        server.wait()
    if not failures:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"work dir kept: {work}")
    print(f"{len(failures)} failed" if failures else "all passed")
    sys.exit(1 if failures else 0)
