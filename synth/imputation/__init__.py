"""Smart imputation: fill a real table's gaps with values drawn from the rest of each row."""

from synth.imputation.chained import Imputation, impute

__all__ = ["Imputation", "impute"]
