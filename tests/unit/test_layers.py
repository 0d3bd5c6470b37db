"""Data flows one way through ``synth``: no module imports one above its layer, and no import circle.

Every import counts, also one inside a function (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

import synth

ROOT = Path(synth.__file__).parent

# Lowest first. A module may import its own layer and those below, never one above.
LAYERS: list[tuple[str, ...]] = [
    (
        "synth.errors",
        "synth.schema",
        "synth.table",
        "synth.progress",
        "synth.labels",
        "synth.wording",
        "synth.constraints",
        "synth.encoding",
        "synth.parallel",
        "synth.lightgbm_calls",
    ),
    ("synth.data",),
    ("synth.generator",),
    ("synth.rebalancing",),
    ("synth.assess",),
    ("synth.imputation", "synth.whatif", "synth.fairness"),
    ("synth.figures", "synth.study", "synth.report"),
    ("synth.distributed",),  # builds on the in-memory core, which never imports it
    ("synth.engine",),  # chooses pandas or Dask, above both
    ("synth", "synth.__main__", "synth.numeric_cli"),  # the public API and the CLI
]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The ``synth`` modules a file imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name == "synth" or name.startswith("synth.")}


def layer(module: str) -> int:
    """The layer of the longest prefix of ``module`` that LAYERS names."""
    best = None
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            inside = module == prefix or module.startswith(prefix + ".")
            if inside and (best is None or len(prefix) > best[1]):
                best = (index, len(prefix))
    assert best is not None, f"{module} is in no layer: add it to LAYERS"
    return best[0]


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in ROOT.rglob("*.py")}
    return {name: {m for m in imports(path) if m in modules and m != name} for name, path in modules.items()}


def test_every_import_goes_to_the_same_layer_or_below():
    upward = [
        f"{module} (layer {layer(module)}) imports {target} (layer {layer(target)})"
        for module, targets in graph().items()
        for target in targets
        if layer(target) > layer(module)
    ]
    assert upward == []


def test_no_module_imports_itself_through_others():
    edges = graph()
    cycles, state = [], {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(edges[module]):
            if state.get(target) == "open":
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_layers_test_sees_a_lazy_import(tmp_path):
    lazy = tmp_path / "lazy.py"
    lazy.write_text("def f():\n    from synth.distributed.local import evaluate_on_cluster\n")
    assert imports(lazy) == {"synth.distributed.local"}
    assert layer("synth.distributed.local") > layer("synth.assess.evaluate")
