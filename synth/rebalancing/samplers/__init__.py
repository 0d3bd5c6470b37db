"""Every way of adding rows, by name: the app and the CLI loop over ``SAMPLERS``."""

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


def make_sampler(method: str, random_state: int = 0, privacy_guard: float = 0.0) -> Sampler:
    """The sampler called ``method``; the message lists the valid names."""
    if method not in SAMPLERS:
        raise ValueError(f"Unknown method {method!r}; choose one of {', '.join(SAMPLERS)}.")
    if privacy_guard:
        if method != SyntheticSampler.name:
            raise ValueError(f"The privacy guard applies to the synthetic method only; {method!r} has none.")
        return SyntheticSampler(random_state=random_state, privacy_guard=privacy_guard)
    return SAMPLERS[method](random_state=random_state)


__all__ = ["SAMPLERS", "Sampler", "make_sampler"]
