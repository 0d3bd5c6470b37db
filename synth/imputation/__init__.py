"""Smart imputation: fill a real table's gaps with values drawn from the rest of each row."""

from synth.imputation.chained import Imputation, impute
from synth.imputation.holdout_first import FilledSplit, impute_training_rows, without_tokens

__all__ = ["FilledSplit", "Imputation", "impute", "impute_training_rows", "without_tokens"]
