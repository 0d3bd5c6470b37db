"""Small files that expand into huge tables are refused before they exist, under a bounded address space.

The CLI runs in a child process whose address space is capped (``RLIMIT_AS``): without the checks
these files end in a ``MemoryError`` (seen at 6.3 GB); with them, in one line naming the limit.
"""

import resource
import subprocess
import sys
import zlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[2]
ADDRESS_SPACE = 3 * 2**30  # imports take about 1.5 GB of address space; a parsed bomb needs several times more


def gzip_bomb(path: Path, lines: int = 80_000_000) -> Path:
    """About 1 MB of gzip that expands to ``lines`` rows of a two-column CSV (400 MB of text)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"1,2\n" * 250_000
    with path.open("wb") as out:
        out.write(packer.compress(b"a,b\n"))
        for _ in range(lines // 250_000):
            out.write(packer.compress(block))
        out.write(packer.flush())
    return path


def parquet_bomb(path: Path, row_groups: int = 100) -> Path:
    """A small Parquet file of 100M rows: one constant column, compressed away."""
    chunk = pa.table({"a": pa.array([1] * 1_000_000, pa.int8()), "b": pa.array([0] * 1_000_000, pa.int8())})
    with pq.ParquetWriter(path, chunk.schema, compression="zstd") as writer:
        for _ in range(row_groups):
            writer.write_table(chunk)
    return path


def run_capped(*args: str) -> subprocess.CompletedProcess:
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    return subprocess.run(
        [sys.executable, "-m", "synth", *args], cwd=ROOT, capture_output=True, text=True, preexec_fn=cap, timeout=300
    )


@pytest.mark.parametrize("make", [gzip_bomb, parquet_bomb], ids=["gzip", "parquet"])
def test_a_bomb_is_refused_in_one_line_under_a_memory_cap(make, tmp_path):
    source = make(tmp_path / ("bomb.csv.gz" if make is gzip_bomb else "bomb.parquet"))
    assert source.stat().st_size < 5_000_000
    done = run_capped("rebalance", str(source), "--column", "b", "--share", "2=0.5", "--output", str(tmp_path / "o.csv"))
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1 and "MemoryError" not in done.stderr
    assert "rows × 2 columns" in done.stderr and "5,000,000" in done.stderr
