"""What every page call must pass: the one Plotly config to each chart (no "Share chart..." button, no
logo), and a name made from the data to each download (``ui.text.file_name``)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DRAWING = [*sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]  # pages and what they draw with


def calls(method: str) -> list[tuple[str, ast.Call]]:
    return [
        (f"{path.name}:{node.lineno}", node)
        for path in DRAWING
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == method
    ]


def chart_calls() -> list[tuple[str, ast.Call]]:
    return calls("plotly_chart")


def test_every_plotly_chart_call_passes_the_one_config():
    calls = chart_calls()
    assert len(calls) >= 10
    missing = [
        where
        for where, call in calls
        if not any(k.arg == "config" and isinstance(k.value, ast.Name) and k.value.id == "PLOTLY_CONFIG" for k in call.keywords)
    ]
    assert missing == []


def test_every_download_is_named_after_its_data():
    downloads = calls("download_button")
    assert len(downloads) >= 4
    names = {
        where: next((k.value for k in call.keywords if k.arg == "file_name"), call.args[2] if len(call.args) > 2 else None)
        for where, call in downloads
    }
    literal = [w for w, n in names.items() if not (isinstance(n, ast.Call) and getattr(n.func, "id", "") == "file_name")]
    assert literal == []
