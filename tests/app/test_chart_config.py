"""Every chart a page draws is given the one Plotly config (no "Share chart..." button, no logo)."""

import ast
from pathlib import Path

PAGES = Path(__file__).resolve().parents[2] / "pages"


def chart_calls() -> list[tuple[str, ast.Call]]:
    return [
        (f"{path.name}:{node.lineno}", node)
        for path in sorted(PAGES.glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "plotly_chart"
    ]


def test_every_plotly_chart_call_passes_the_one_config():
    calls = chart_calls()
    assert len(calls) >= 10
    missing = [
        where
        for where, call in calls
        if not any(k.arg == "config" and isinstance(k.value, ast.Name) and k.value.id == "PLOTLY_CONFIG" for k in call.keywords)
    ]
    assert missing == []
