"""Typed errors that speak of the data and the choices, never of a widget or a flag.

Every one is a ``ValueError``, so callers that only need "bad input" catch that; the CLI and the
pages catch these types to add their own wording (a flag name, a step to go back to).
"""

from __future__ import annotations


class SynthError(ValueError):
    """The data or a choice cannot be used; the message says why and what would work.

    >>> try: synth.read_table("empty.csv")
        ... except synth.SynthError as error: print(error)  # one line about the data  # doctest: +SKIP
    """


class TableReadError(SynthError):
    """The input is not a table we can use.

    >>> synth.read_table("photo.png")  # raises TableReadError  # doctest: +SKIP
    """


class ParameterError(SynthError):
    """A named parameter has a value outside what it accepts.

    >>> try: synth.make_fair(table, column="y", sensitive=["sex"], rows=0)
        ... except synth.ParameterError as error: error.parameter  # "rows"  # doctest: +SKIP
    """

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter

    def __reduce__(self) -> tuple:
        return type(self), (self.parameter, str(self))  # crosses to and from Dask workers intact


class PlanError(SynthError):
    """The target shares cannot be met for this column.

    >>> synth.make_plan(table["income"], {">50K": 1.5})  # raises PlanError  # doctest: +SKIP
    """


class MethodRefused(SynthError):
    """A method cannot handle this table (a known limit, such as SMOTE with one minority row).

    >>> synth.rebalance_all(table, plan=plan, schema=schema).notes  # {"smote": "SMOTE needs ..."}  # doctest: +SKIP
    """

    def __init__(self, method: str, message: str) -> None:
        super().__init__(message)
        self.method = method

    def __reduce__(self) -> tuple:
        return type(self), (self.method, str(self))


class EvaluationError(SynthError):
    """A training table and holdout cannot be scored as asked.

    >>> synth.evaluate(train, holdout.iloc[:0], column="y", positive="yes")  # The holdout is empty ...  # doctest: +SKIP
    """


class ClusterError(SynthError):
    """The Dask cluster cannot be reached or lost the work.

    >>> synth.rebalance_all(table, plan=plan, schema=schema, scheduler="tcp://nowhere:8786")  # doctest: +SKIP
    """


class ScenarioStoreError(SynthError):
    """The scenario database cannot be opened or written."""


class UnknownColumn(ParameterError):
    """A named column is not in the table: one wording for every step, naming what there is instead.

    >>> synth.rebalance(table, column="incme", shares={">50K": 0.5})  # There is no column 'incme' ...  # doctest: +SKIP
    """

    def __init__(self, parameter: str, column: object, columns: object = (), where: str = "the table") -> None:
        names = [str(c) for c in columns]  # type: ignore[attr-defined]
        shown = ", ".join(repr(n) for n in names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")
        have = f"; it has {shown}" if names else ""
        super().__init__(parameter, f"There is no column {column!r} in {where}{have}.")
        self.column, self.columns, self.where = column, tuple(names), where

    def __reduce__(self) -> tuple:
        return type(self), (self.parameter, self.column, self.columns, self.where)
