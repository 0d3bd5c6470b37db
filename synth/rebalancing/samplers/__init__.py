"""Every way of adding rows, by name: the app, the CLI and the tests loop over ``SAMPLERS``."""

from typing import Any

from synth.errors import ParameterError
from synth.rebalancing.samplers.base import Sampler
from synth.rebalancing.samplers.naive import NaiveOversampler
from synth.rebalancing.samplers.smote import (
    BorderlineSmoteSampler,
    KMeansSmoteSampler,
    SmoteSampler,
)
from synth.rebalancing.samplers.synthetic import SyntheticSampler

SAMPLERS: dict[str, type[Sampler]] = {
    cls.name: cls for cls in (NaiveOversampler, SmoteSampler, BorderlineSmoteSampler, KMeansSmoteSampler, SyntheticSampler)
}
# The three ways the product compares by default: the baseline, the SMOTE family, ours.
DEFAULT_METHODS: tuple[str, ...] = (NaiveOversampler.name, SmoteSampler.name, SyntheticSampler.name)


def make_sampler(method: str, random_state: int = 0, **params: Any) -> Sampler:
    """The sampler called ``method`` with validated parameters; the message lists the valid names."""
    if method not in SAMPLERS:
        raise ParameterError("method", f"Unknown method {method!r}; choose one of {', '.join(SAMPLERS)}.")
    return SAMPLERS[method].create(random_state=random_state, **params)


__all__ = ["DEFAULT_METHODS", "SAMPLERS", "Sampler", "make_sampler"]
