"""Connect to a Dask cluster (an address) or start one on this machine, and speak of its failures in one line."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version

from distributed import Client, LocalCluster, WorkerPlugin
from distributed.comm import connect as open_comm
from distributed.comm import parse_host_port
from distributed.comm.core import CommClosedError
from distributed.scheduler import KilledWorker

from synth.errors import ClusterError
from synth.progress import Progress, silent

CONNECT_SECONDS = 10
DISTRIBUTION = "rebalance-studio"  # the package every node installs: client, scheduler and workers alike
# Dask's own dashboard port; a busy port falls back to a free one.
DASHBOARD_PORT = 8787


class OutputToStderr(WorkerPlugin):
    """A local worker process writes to stderr: the CLI's stdout carries its JSON report, and LightGBM's
    C++ network code prints to stdout whatever its verbosity."""

    def setup(self, worker: object) -> None:
        sys.stdout.flush()
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())


@contextmanager
def connect(
    scheduler: str | None = None,
    *,
    workers: int | None = None,
    threads: int | None = None,
    memory_limit: str | float | None = "auto",
    dashboard_port: int = DASHBOARD_PORT,
    progress: Progress | None = None,
) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler``, or of a local cluster sized to the machine (closed on exit)."""
    progress = progress or silent
    if scheduler:
        check_scheduler(scheduler)
        try:
            client = Client(scheduler, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError, ValueError) as error:
            raise ClusterError(f"{scheduler}: no Dask scheduler answers at this address ({type(error).__name__}).") from None
        with client:
            check_versions(client, scheduler)
            progress(0.0, f"Connected to {scheduler}: {len(client.scheduler_info()['workers'])} workers")
            yield client
        return
    options = {"n_workers": workers, "threads_per_worker": threads, "memory_limit": memory_limit}
    chosen = {k: v for k, v in options.items() if v is not None}
    with LocalCluster(dashboard_address=f":{dashboard_port}", **chosen) as cluster, Client(cluster) as client:
        client.register_plugin(OutputToStderr())
        progress(0.0, f"Started a local Dask cluster ({len(cluster.workers)} workers); dashboard: {client.dashboard_link}")
        yield client


async def _identify(address: str, seconds: float) -> object:
    comm = await open_comm(address, timeout=seconds)
    try:
        await comm.write({"op": "identity", "reply": True})
        return await comm.read()
    finally:
        comm.abort()


def _listens(address: str) -> bool:
    try:
        host, port = parse_host_port(address.split("://")[-1])
        socket.create_connection((host, port), timeout=1).close()
    except (OSError, ValueError):
        return False
    return True


def check_scheduler(address: str) -> None:
    """Within ``CONNECT_SECONDS``: a Dask scheduler answers at ``address``.

    ``Client`` waits forever on a port where something else listens (an HTTP server, a socket that
    never answers), so this asks the scheduler's identity first, under its own deadline.
    """
    seconds = CONNECT_SECONDS
    try:
        # Dask's own connect gives up after ``seconds``; the outer deadline covers a peer that never answers.
        # In a thread of its own: the caller may already run an event loop (a notebook).
        with ThreadPoolExecutor(1) as pool:
            reply = pool.submit(asyncio.run, asyncio.wait_for(_identify(address, seconds), seconds + 1)).result()
    except (OSError, TimeoutError, ValueError) as error:
        if _listens(address):
            raise ClusterError(f"{address}: something listens at this address, but not a Dask scheduler.") from None
        raise ClusterError(f"{address}: no Dask scheduler answers at this address ({type(error).__name__}).") from None
    kind = reply.get("type") if isinstance(reply, dict) else None
    if kind != "Scheduler":
        what = f"a Dask {kind.lower()}" if isinstance(kind, str) else "something"
        raise ClusterError(f"{address}: {what} answers at this address, not a Dask scheduler.")


def worker_memory_limit() -> int | None:
    """The smallest memory limit of the current client's workers, in bytes (None: no client, or no limit)."""
    from distributed import get_client

    try:
        workers = get_client().scheduler_info()["workers"].values()
    except ValueError:  # no client: the synchronous scheduler, in this process
        return None
    limits = [w.get("memory_limit") or 0 for w in workers]
    return min(limits) if limits and min(limits) > 0 else None


def local_version() -> str:
    """This machine's version of the package ('not installed' when run from a source tree)."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "not installed"


def _installed(answer: object) -> str:
    return answer if isinstance(answer, str) else "not installed"


def check_versions(client: Client, address: str, expected: str | None = None) -> None:
    """Before any work: the scheduler and every worker run the same version of the package as this client.

    Recent Dask unpickles task graphs on the scheduler too, so a node without it fails with a long
    deserialisation traceback; this asks each node with a standard-library call instead, which needs
    nothing of ours there, and names in one line what to install where.
    """
    expected = expected or local_version()
    try:
        found = {"the scheduler": _installed(client.run_on_scheduler(version, DISTRIBUTION))}
    except Exception:  # a node without the package answers with an error
        found = {"the scheduler": "not installed"}
    workers = client.run(version, DISTRIBUTION, on_error="return")
    found.update({f"worker {name}": _installed(answer) for name, answer in sorted(workers.items())})
    wrong = {node: got for node, got in found.items() if got != expected}
    if wrong:
        nodes = ", ".join(f"{node} has {got}" for node, got in list(wrong.items())[:3])
        more = f" (and {len(wrong) - 3} more)" if len(wrong) > 3 else ""
        raise ClusterError(
            f"{address}: the cluster does not run this version of {DISTRIBUTION} ({expected}): {nodes}{more}. "
            f"Install the same version on the scheduler and every worker (pip install '{DISTRIBUTION}[dask]=={expected}' "
            "or the same source tree), then restart them."
        )


@contextmanager
def cluster_errors() -> Iterator[None]:
    """Lost workers and broken connections become one ``ClusterError`` line."""
    try:
        yield
    except KilledWorker as error:
        raise ClusterError(f"a Dask worker died while running {error.task!r} too many times; the run was stopped.") from None
    except (CommClosedError, TimeoutError) as error:
        raise ClusterError(f"the connection to the Dask cluster was lost ({type(error).__name__}: {error}).") from None
