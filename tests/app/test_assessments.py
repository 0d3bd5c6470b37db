import os
import sys
import threading

import pytest

from ui.assessments import BACKGROUND, BACKGROUND_NICENESS


@pytest.mark.skipif(sys.platform != "linux", reason="threads have their own priority on Linux only")
def test_background_assessments_step_back_for_the_callers_work():
    """The privacy job shares the cores with model fits: its worker runs at a lower priority, the caller's is unchanged."""

    def niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    mine = niceness()
    assert BACKGROUND.submit(niceness).result() == min(mine + BACKGROUND_NICENESS, 19)
    assert niceness() == mine
