"""Connect to a Dask cluster (an address) or start one on this machine, and speak of its failures in one line."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from distributed import Client, LocalCluster, WorkerPlugin
from distributed.comm.core import CommClosedError
from distributed.scheduler import KilledWorker

from synth.errors import ClusterError
from synth.progress import Progress, silent

CONNECT_SECONDS = 10
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
        try:
            client = Client(scheduler, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError, ValueError) as error:
            raise ClusterError(f"{scheduler}: no Dask scheduler answers at this address ({type(error).__name__}).") from None
        progress(0.0, f"Connected to {scheduler}: {len(client.scheduler_info()['workers'])} workers")
        with client:
            yield client
        return
    options = {"n_workers": workers, "threads_per_worker": threads, "memory_limit": memory_limit}
    chosen = {k: v for k, v in options.items() if v is not None}
    with LocalCluster(dashboard_address=f":{dashboard_port}", **chosen) as cluster, Client(cluster) as client:
        client.register_plugin(OutputToStderr())
        progress(0.0, f"Started a local Dask cluster ({len(cluster.workers)} workers); dashboard: {client.dashboard_link}")
        yield client


@contextmanager
def cluster_errors() -> Iterator[None]:
    """Lost workers and broken connections become one ``ClusterError`` line."""
    try:
        yield
    except KilledWorker as error:
        raise ClusterError(f"a Dask worker died while running {error.task!r} too many times; the run was stopped.") from None
    except (CommClosedError, TimeoutError) as error:
        raise ClusterError(f"the connection to the Dask cluster was lost ({type(error).__name__}: {error}).") from None
