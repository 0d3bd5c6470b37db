"""Declared parameter constraints, checked as scikit-learn and imbalanced-learn check theirs.

Estimators and samplers declare ``_parameter_constraints`` with scikit-learn's ``Interval`` and
``StrOptions``; ``check_params`` refuses the first value outside them before any work, with
scikit-learn's wording ("The 'fit_rows' parameter of SyntheticGenerator must be an int in the
range [1, inf). Got 0 instead.") as our ``ParameterError``, which names the parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral
from typing import Any

from sklearn.utils._param_validation import Interval, InvalidParameterError, validate_parameter_constraints

from synth.errors import ParameterError

# The one seed parameter, ``random_state``: a whole number from 0 (functions and samplers alike).
RANDOM_STATE = [Interval(Integral, 0, None, closed="left")]
# Counts of at least one (rounds, leaves, rows).
AT_LEAST_ONE = [Interval(Integral, 1, None, closed="left")]


def check_params(owner: str, constraints: Mapping[str, list], values: Mapping[str, Any]) -> None:
    """Refuse the first value outside its declared constraints, naming the parameter and the value."""
    for name, allowed in constraints.items():
        try:
            validate_parameter_constraints({name: allowed}, {name: values[name]}, caller_name=owner)
        except InvalidParameterError as error:
            raise ParameterError(name, str(error)) from None
