"""``synth.__all__`` is exactly the public API the guide lists, and every callable in it shows an example."""

import inspect
import re
from pathlib import Path

import synth

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide.md"


def listed_in_the_guide() -> set[str]:
    section = GUIDE.read_text().split("### The public API", 1)[1].split("\n### ", 1)[0]
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return {name for cell in rows for name in re.findall(r"`([A-Za-z_]+)`", cell)}


def test_all_is_exactly_what_the_guide_lists():
    assert listed_in_the_guide() == set(synth.__all__)
    assert all(hasattr(synth, name) for name in synth.__all__)


def test_every_function_and_class_has_a_docstring_with_an_example():
    lacking = [
        name
        for name in synth.__all__
        if (inspect.isfunction(obj := getattr(synth, name)) or inspect.isclass(obj)) and ">>>" not in (obj.__doc__ or "")
    ]
    assert lacking == []


def test_public_functions_take_everything_after_the_data_by_keyword():
    positional = {}
    for name in synth.__all__:
        obj = getattr(synth, name)
        if not inspect.isfunction(obj):
            continue
        parameters = list(inspect.signature(obj).parameters.values())
        data = [p for p in parameters[2:] if "DataFrame" in str(p.annotation)]  # more tables: data too
        loose = [p.name for p in parameters[2:] if p.kind is p.POSITIONAL_OR_KEYWORD and p not in data]
        if loose:
            positional[name] = loose
    assert positional == {}
