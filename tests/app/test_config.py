"""The server's configuration sends nothing away: no usage statistics, no tracebacks, no 'Ask Google / ChatGPT' links."""

import tomllib
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"


def test_nothing_leaves_the_machine_from_an_error_or_a_visit():
    config = tomllib.loads(CONFIG.read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["showErrorLinks"] == "false"
    assert config["server"]["address"] == "127.0.0.1"
