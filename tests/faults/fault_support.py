"""Helpers of the fault tests: a CLI child stopped at a named point, folder snapshots."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from mnist_desktop.core.testhook import ENV

REPO = Path(__file__).resolve().parents[2]


class Paused:
    """A ``mnist-desktop`` subprocess stopped at a pause point, ready to be killed."""

    def __init__(self, args: list[str], point: str, env: dict[str, str] | None = None) -> None:
        self.point = point
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mnist_desktop", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, cwd=REPO, env={**os.environ, ENV: point, **(env or {})})
        self._net = threading.Timer(120, self.proc.kill)  # a safety net only; nothing waits on it
        self._net.start()
        self.before = []
        for line in self.proc.stderr:  # blocks until the child reaches the point (or exits)
            if line.strip() == f"PAUSED {point}":
                return
            self.before.append(line)
        self.proc.wait()
        self._net.cancel()
        raise AssertionError(f"exited {self.proc.returncode} before {point}: {''.join(self.before)}")

    def kill(self, signum: int) -> tuple[int, str]:
        """Send ``signum``; return (exit code, the rest of stderr)."""
        self.proc.send_signal(signum)
        _, rest = self.proc.communicate(timeout=60)
        self._net.cancel()
        return self.proc.returncode, rest

    def close(self) -> None:
        self._net.cancel()
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mnist_desktop", *args], capture_output=True, text=True,
                          cwd=REPO, env={**os.environ, **(env or {})}, timeout=300)


def snapshot(path: Path) -> dict[str, bytes]:
    """Every file under ``path`` (or the file itself) with its bytes, to compare before/after."""
    if path.is_file():
        return {path.name: path.read_bytes()}
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def hidden(folder: Path) -> list[str]:
    """Hidden entries of ``folder`` (temporaries, locks)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))
