"""How values appear inside messages: as the user wrote them, never as numpy's ``np.int64(999)``."""

from __future__ import annotations

import numpy as np


def shown_value(value: object) -> str:
    """``value`` quoted as in Python source, numpy scalars first turned into plain Python ones."""
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)
