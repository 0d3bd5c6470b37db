"""The app as a user meets it: a Streamlit server in its own process group, and its memory over time."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

# Debian's chromium, started without the background calls that a closed network refuses (the e2e test uses these too).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and all its descendants (from /proc), in MB; 0 once it has gone."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm") as statm:
                total += int(statm.read().split()[1]) * PAGE
        except OSError:
            continue
    return total / 2**20


class MemorySampler(threading.Thread):
    """Samples a process tree's RSS every ``interval`` seconds; keeps the overall and the current step's peak."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = self.step_peak = 0.0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            rss = tree_rss_mb(self.pid)
            self.peak, self.step_peak = max(self.peak, rss), max(self.step_peak, rss)
            self._halt.wait(self.interval)

    def new_step(self) -> None:
        self.step_peak = tree_rss_mb(self.pid)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)


def start_server(root: Path, port: int, store: Path, log: Path) -> subprocess.Popen:
    """``streamlit run app.py`` from ``root`` on 127.0.0.1:``port``; returns once /_stcore/health answers.

    A busy port is refused: the health check would otherwise time someone else's server.
    """
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} is already in use; pass another --port")
    env = {**os.environ, "PYTHONPATH": str(root), "REBALANCE_STUDIO_DB": str(store)}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                return process
        except OSError:
            time.sleep(0.5)
    stop_server(process)
    raise SystemExit(f"Streamlit did not start on port {port}; see {log}")


def stop_server(process: subprocess.Popen) -> None:
    """Terminate the server's own process group (and nothing else)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
