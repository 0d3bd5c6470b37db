"""Progress reporting that long steps accept without knowing who listens (a UI bar, the CLI)."""

from collections.abc import Callable

Progress = Callable[[float, str], None]


def silent(fraction: float, message: str) -> None:
    """Progress sink used when the caller passes none."""
