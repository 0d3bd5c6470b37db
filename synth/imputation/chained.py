"""Fill a table's gaps with real values drawn given everything else each row holds.

Chained equations with the generator's leaf draws (as R's ``mice`` does with its CART method):
for each column to fill, one tree, fitted on the rows where the column is observed, groups rows
by what matters for it given every other column (trees route missing inputs themselves, so a
row with gaps elsewhere is still placed by all it holds). A gap takes the value of a real row
drawn from its leaf among those where the column is observed. The first round places rows by
their observed values only; later rounds refit each tree on the table completed so far, so the
columns being filled inform each other. Every filled value is one the column holds, and every
observed cell is returned as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from synth.constraints import AT_LEAST_ONE, RANDOM_STATE, check_params
from synth.data.cells import CsvCells
from synth.data.kinds import check_category_width, detect_schema
from synth.errors import ParameterError, UnknownColumn
from synth.generator.trees import draw_in_leaves, fit_column_tree, leaf_donors, tree_inputs
from synth.imputation.gaps import Gaps, find_gaps, token_notes
from synth.progress import Progress, silent
from synth.schema import ColumnKind, Schema

# Rounds of chained equations; the README's design record shows what 1, 2 and 3 give.
ROUNDS = 2
# Smallest leaf of a categorical / numeric column's tree: each gap draws among at least this many
# observed rows that resemble its row (numbers gain from finer leaves; see the README's design record).
CATEGORY_LEAF = 3
NUMBER_LEAF = 3
# Trees are fitted on at most this many observed rows (every observed row still lends values).
FIT_ROWS = 30_000
# Beyond this share of gaps a column's fill mostly reflects the other rows, not its own values.
MOSTLY_GAPS = 0.9
MODELLED = (ColumnKind.CATEGORICAL, ColumnKind.NUMERIC, ColumnKind.DATETIME)


@dataclass(frozen=True)
class Imputation:
    """The completed table and what was done to it.

    ``donors[c]`` holds, for each filled cell of ``c`` (in row order), the row whose value it took;
    ``tokens[c]`` says how the gaps of ``c`` were written (``{'?': 120}``).

    >>> synth.impute(table).filled  # cells filled per column  # doctest: +SKIP
    """

    table: pd.DataFrame = field(repr=False)
    filled: dict[str, int]
    gaps: pd.DataFrame = field(repr=False)
    donors: dict[str, np.ndarray] = field(repr=False)
    tokens: dict[str, dict[str, int]]
    notes: tuple[str, ...]
    schema: Schema = field(repr=False)

    @property
    def cells(self) -> int:
        return sum(self.filled.values())

    def apply_to(self, other: pd.DataFrame) -> pd.DataFrame:
        """The same fill on another copy of the input (its cells as written in the file): each gap takes its donor's cell."""
        out = other.copy()
        for name, donors in self.donors.items():
            rows = np.flatnonzero(self.gaps[name].to_numpy())
            column = out[name].copy()
            column.iloc[rows] = other[name].iloc[donors].to_numpy()
            out[name] = column
        return out

    def as_written(self, source: CsvCells | None) -> pd.DataFrame | None:
        """The fill applied to the input file's own text cells, so observed cells keep their text (None: no such cells)."""
        if source is None or list(source.cells.columns) != [str(c) for c in self.table.columns]:
            return None
        return self.apply_to(source.cells) if source.cells.shape == self.table.shape else None

    def written_tokens(self, other: pd.DataFrame) -> dict[str, dict[str, int]]:
        """How each filled column's gaps read in ``other`` (the file's text cells): ``{'age': {'NA': 3}}``."""
        return {name: other[name][self.gaps[name].to_numpy()].value_counts().to_dict() for name in self.donors}


def kinds_of(view: pd.DataFrame, schema: Schema | None) -> Schema:
    """Kinds of the gap-free view; a given schema wins, except where text turned out to hold numbers or dates."""
    detected = detect_schema(view)
    if schema is None:
        return detected
    unread = (ColumnKind.CATEGORICAL, ColumnKind.ID)
    overrides = {
        c.name: detected.kind(c.name)
        for c in schema.columns
        if c.name in view.columns and c.kind in unread and detected.kind(c.name) in (ColumnKind.NUMERIC, ColumnKind.DATETIME)
    }
    return schema.with_overrides(overrides) if overrides else schema


def _chosen(gaps: Gaps, schema: Schema, columns: Sequence[str] | None) -> tuple[list[str], list[str]]:
    """Columns to fill and warnings; a named column that cannot be filled is refused, others are skipped."""
    named = columns is not None
    names = list(columns) if named else [str(c) for c in gaps.view.columns if gaps.mask[c].any()]
    chosen, warnings = [], []
    for name in dict.fromkeys(names):
        share = float(gaps.mask[name].mean())
        problem = None
        if share == 1.0:
            problem = f"column {name!r} is entirely empty: there is no value to draw from"
        elif schema.kind(name) is ColumnKind.ID:
            problem = f"column {name!r} is ID-like (unique values): another row's key would be wrong"
        if problem and named:
            raise ParameterError("columns", problem + ".")
        if problem:
            warnings.append(problem + "; its gaps are left as they are.")
            continue
        if share > MOSTLY_GAPS:
            warnings.append(f"column {name!r} is {share:.0%} gaps: its fill mostly reflects the other rows.")
        if share > 0:
            chosen.append(name)
    if not chosen:
        skipped = len(warnings) > 0
        warnings.append(
            "nothing filled: every column with gaps was skipped (see above)."
            if skipped
            else "nothing to fill: the chosen columns have no gaps."
        )
    return chosen, warnings


def _inputs(gaps: Gaps, schema: Schema) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Modelled columns as floats for the trees, NaN in every gap; their names; which are categories."""
    features = [n for n in schema.names(*MODELLED) if n in gaps.view.columns]
    categorical = [n for n in features if schema.kind(n) is ColumnKind.CATEGORICAL]
    inputs = tree_inputs(gaps.view, categorical, features)
    inputs[gaps.mask[features].to_numpy(dtype=bool)] = np.nan
    return inputs, features, np.array([n in categorical for n in features], dtype=bool)


def _fill_column(
    inputs: np.ndarray, j: int, categorical: bool, leaf_rows: int, rng: np.random.Generator, gap: np.ndarray
) -> np.ndarray:
    """Donor rows for the gaps of column j: a real row of each gap's leaf, the tree fitted on all other columns."""
    observed = ~gap
    others = np.delete(inputs, j, axis=1)
    fit = np.flatnonzero(observed)
    if len(fit) > FIT_ROWS:
        fit = np.sort(rng.choice(fit, size=FIT_ROWS, replace=False))
    seed = int(rng.integers(2**31 - 1))
    tree = fit_column_tree(others[fit], inputs[fit, j], categorical, leaf_rows, seed) if others.shape[1] else None
    donors = leaf_donors(tree, others)
    return draw_in_leaves(donors, others[gap], observed.astype(float), rng)


# Declared as scikit-learn declares an estimator's, checked before any work (``synth.constraints``).
IMPUTE_CONSTRAINTS = {
    "random_state": RANDOM_STATE,
    "rounds": AT_LEAST_ONE,
    "category_leaf": AT_LEAST_ONE,
    "number_leaf": AT_LEAST_ONE,
}


def library_hint(token: str) -> str:
    """How the library keeps a gap spelling as data."""
    return f"keep_tokens=[{token!r}]"


def _check_table(table: pd.DataFrame) -> None:
    """Refuse, by name, tables whose columns cannot be told apart or whose values cannot be drawn and compared."""
    if not isinstance(table, pd.DataFrame):
        raise ParameterError("table", f"table must be a pandas DataFrame; got {type(table).__name__}.")
    for name in table.columns:
        if not isinstance(name, str):
            raise ParameterError(
                "table", f"column names must be text; got {name!r} ({type(name).__name__}). Rename the columns first."
            )
    duplicated = table.columns[table.columns.duplicated()]
    if len(duplicated):
        raise ParameterError("table", f"the column name {duplicated[0]!r} appears more than once; rename one of them.")
    for name in table.columns:
        column = table[name]
        if pd.api.types.is_complex_dtype(column) or pd.api.types.infer_dtype(column, skipna=True) == "complex":
            raise ParameterError("table", f"column {name!r} holds complex numbers; store them as two real columns.")


def impute(
    table: pd.DataFrame,
    *,
    columns: Sequence[str] | str | None = None,
    schema: Schema | None = None,
    random_state: int = 0,
    progress: Progress | None = None,
    rounds: int = ROUNDS,
    category_leaf: int = CATEGORY_LEAF,
    number_leaf: int = NUMBER_LEAF,
    keep_tokens: Sequence[str] = (),
) -> Imputation:
    """Fill the gaps of ``columns`` (default: every column with gaps) with real values drawn given each whole row.

    ``keep_tokens``: spellings of a gap that are data in this table, kept as they are ('NA' for Namibia).

    >>> synth.impute(table, columns=["age"], random_state=0).table  # doctest: +SKIP
    """
    progress = progress or silent
    values = {"random_state": random_state, "rounds": rounds, "category_leaf": category_leaf, "number_leaf": number_leaf}
    check_params("impute", IMPUTE_CONSTRAINTS, values)
    _check_table(table)
    columns = [columns] if isinstance(columns, str) else columns  # one name, not its characters
    unknown = [c for c in columns or () if c not in table.columns]
    if unknown:
        raise UnknownColumn("columns", unknown[0], table.columns)
    progress(0.0, "Finding the gaps")
    keep = frozenset(str(t).strip() for t in ([keep_tokens] if isinstance(keep_tokens, str) else keep_tokens))
    gaps = find_gaps(table, keep)
    schema = kinds_of(gaps.view, schema)
    check_category_width(gaps.view, schema)
    chosen, warnings = _chosen(gaps, schema, columns)
    categories = set(schema.names(ColumnKind.CATEGORICAL))
    warnings += token_notes({c: gaps.tokens[c] for c in chosen if c in gaps.tokens}, categories, library_hint)
    inputs, features, categorical = _inputs(gaps, schema)
    rng = np.random.default_rng(random_state)
    order = sorted(chosen, key=lambda c: (int(gaps.mask[c].sum()), list(table.columns).index(c)))  # fewest gaps first
    donors: dict[str, np.ndarray] = {}
    for r in range(rounds if chosen else 0):
        for i, name in enumerate(order):
            progress((r * len(order) + i) / (rounds * len(order)), f"Filling {name} (round {r + 1} of {rounds})")
            gap = gaps.mask[name].to_numpy()
            if name not in features:  # a constant column: any observed row holds its one value
                donors[name] = rng.choice(np.flatnonzero(~gap), size=int(gap.sum()))
                continue
            j = features.index(name)
            leaf = category_leaf if categorical[j] else number_leaf
            donors[name] = _fill_column(inputs, j, bool(categorical[j]), leaf, rng, gap)
            inputs[gap, j] = inputs[donors[name], j]
    progress(1.0, "Writing the completed table")
    return _result(table, gaps, schema, order, donors, warnings)


def _result(
    table: pd.DataFrame, gaps: Gaps, schema: Schema, order: list[str], donors: dict[str, np.ndarray], warnings: list[str]
) -> Imputation:
    """The input with each gap holding its donor's own cell; observed cells are never written."""
    chosen = [c for c in table.columns if c in order]
    imputation = Imputation(
        table=table,
        filled={c: int(gaps.mask[c].sum()) for c in chosen},
        gaps=gaps.mask[chosen].copy(),
        donors={c: donors[c] for c in chosen},
        tokens={c: gaps.tokens[c] for c in chosen if c in gaps.tokens},
        notes=tuple(warnings),
        schema=schema,
    )
    return replace(imputation, table=imputation.apply_to(table))
