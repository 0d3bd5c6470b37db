"""Built-in demo tables, simulated by our own code with a fixed seed (no data ships with the app).

Each demo has a rare class whose rows differ from the rest in several correlated columns, so the
difference between the rebalancing methods shows in a stakeholder demo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from synth.errors import ParameterError


@dataclass(frozen=True)
class Demo:
    title: str
    description: str
    column: str
    positive: str
    build: Callable[[np.random.Generator, int], pd.DataFrame]
    rows: int


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _patients(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Hospital patients; 'Variant X' infections are rare and tied to exposure, age and BMI."""
    age = np.clip(rng.gamma(6.0, 8.5, n), 18, 98).round().astype(int)
    sex = rng.choice(["female", "male"], n)
    bmi = np.clip(rng.normal(26 + 0.04 * (age - 50), 4.5, n), 15, 55).round(1)
    diabetes = rng.random(n) < _logistic(-4.2 + 0.035 * age + 0.12 * (bmi - 26))
    dementia = rng.random(n) < _logistic(-9.0 + 0.09 * age)
    exposure = rng.random(n) < 0.08
    region = rng.choice(["North", "South", "East", "West", "Capital"], n, p=[0.2, 0.25, 0.15, 0.15, 0.25])
    variant_logit = -5.4 + 3.2 * exposure + 0.035 * (age - 50) + 0.12 * (bmi - 26) + 0.9 * (region == "Capital") + 0.8 * diabetes
    variant = np.where(rng.random(n) < _logistic(variant_logit), "Variant X", "Other")
    hospital_logit = -3.2 + 0.04 * (age - 50) + 0.9 * diabetes + 1.1 * dementia + 1.4 * (variant == "Variant X")
    hospitalised = np.where(rng.random(n) < _logistic(hospital_logit), "yes", "no")
    admitted = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    bmi[rng.random(n) < 0.03] = np.nan  # BMI is not always measured
    return pd.DataFrame(
        {
            "patient_id": np.arange(100_001, 100_001 + n),
            "admitted": admitted,
            "age": age,
            "sex": sex,
            "region": region,
            "bmi": bmi,
            "diabetes": np.where(diabetes, "yes", "no"),
            "dementia": np.where(dementia, "yes", "no"),
            "known_exposure": np.where(exposure, "yes", "no"),
            "hospitalised": hospitalised,
            "variant": variant,
        }
    )


def _fraud(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Card transactions; fraud is rare, at night, online, abroad, on new accounts, for more money."""
    channel = rng.choice(["in store", "online", "phone"], n, p=[0.55, 0.4, 0.05])
    hour = rng.choice(24, n, p=np.roll(np.r_[np.full(7, 0.01), np.full(17, 0.93 / 17)], 0))
    account_days = np.clip(rng.exponential(900, n), 1, 6000).round().astype(int)
    abroad = rng.random(n) < 0.07
    category = rng.choice(
        ["groceries", "electronics", "travel", "fashion", "fuel", "gaming"], n, p=[0.35, 0.12, 0.08, 0.15, 0.22, 0.08]
    )
    amount = np.round(rng.lognormal(3.4 + 0.9 * np.isin(category, ["electronics", "travel"]), 0.9, n), 2)
    night = (hour < 6).astype(float)
    fraud_logit = (
        -6.3
        + 1.3 * (channel == "online")
        + 1.4 * night
        + 1.6 * abroad
        - 0.0012 * account_days
        + 0.35 * np.log(amount)
        + 0.8 * np.isin(category, ["electronics", "gaming"])
    )
    fraud = np.where(rng.random(n) < _logistic(fraud_logit), "fraud", "legit")
    return pd.DataFrame(
        {
            "transaction_id": [f"T{i:07d}" for i in range(n)],
            "amount": amount,
            "hour": hour,
            "channel": channel,
            "merchant_category": category,
            "abroad": np.where(abroad, "yes", "no"),
            "account_age_days": account_days,
            "currency": "EUR",
            "fraud": fraud,
        }
    )


def _insurance(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Motor insurance customers; young drivers and sports cars pay more and claim more."""
    age = np.clip(rng.normal(46, 15, n), 18, 90).round().astype(int)
    region = rng.choice(["urban", "suburban", "rural"], n, p=[0.45, 0.35, 0.2])
    vehicle = rng.choice(["compact", "sedan", "SUV", "sports", "van"], n, p=[0.3, 0.3, 0.22, 0.06, 0.12])
    young = age < 25
    vehicle = np.where(young & (rng.random(n) < 0.15), "sports", vehicle)
    risk = 0.9 * young + 0.25 * (age > 75) + 0.7 * (vehicle == "sports") + 0.3 * (region == "urban")
    premium = np.round(rng.lognormal(6.4 + 0.45 * risk, 0.2, n), 2)
    claims = rng.poisson(0.12 * np.exp(risk), n)
    claim_amount = np.where(claims > 0, np.round(rng.lognormal(7.6, 0.8, n) * claims, 2), 0.0)
    tenure = np.clip(rng.exponential(6, n), 0, 40).round().astype(int)
    churn_logit = -3.6 + 1.5 * (claims > 0) + 0.003 * (premium - 600) - 0.25 * tenure + 0.8 * (region == "urban")
    churned = np.where(rng.random(n) < _logistic(churn_logit), "yes", "no")
    return pd.DataFrame(
        {
            "customer_id": np.arange(1, n + 1),
            "age": age,
            "region": region,
            "vehicle": vehicle,
            "tenure_years": tenure,
            "annual_premium": premium,
            "claims": claims,
            "claim_amount": claim_amount,
            "churned": churned,
        }
    )


DEMOS: dict[str, Demo] = {
    "patients": Demo(
        "Hospital patients: a new Variant X",
        "Simulated patients where a new variant is rare (2-3% of patients, by draw); it goes with known exposure, age, BMI and region.",
        "variant",
        "Variant X",
        _patients,
        12_000,
    ),
    "fraud": Demo(
        "Card transactions: fraud",
        "Simulated card payments where about 1% are fraud: online, at night, abroad, new accounts, larger amounts.",
        "fraud",
        "fraud",
        _fraud,
        20_000,
    ),
    "insurance": Demo(
        "Motor insurance customers",
        "Simulated customers with premiums and claims that depend on age, vehicle and region; few churn.",
        "churned",
        "yes",
        _insurance,
        10_000,
    ),
}


def make_demo(name: str, *, random_state: int = 0, rows: int | None = None, rare_rows: int | None = None) -> pd.DataFrame:
    """The demo table called ``name``, the same for the same seed.

    ``rare_rows`` keeps only that many rows of the rare class (chosen with the same seed), for showing
    the methods at the extreme imbalance where they differ most.

    >>> synth.make_demo("patients", rare_rows=25).shape  # doctest: +SKIP
    """
    if name not in DEMOS:
        raise ParameterError("name", f"Unknown demo {name!r}; choose one of {', '.join(DEMOS)}.")
    demo = DEMOS[name]
    rng = np.random.default_rng(random_state)
    table = demo.build(rng, rows or demo.rows)
    if rare_rows is None:
        return table
    rare = np.flatnonzero((table[demo.column] == demo.positive).to_numpy())
    if rare_rows < 1:
        raise ParameterError("rare_rows", f"Keep at least one {demo.positive!r} row; got {rare_rows}.")
    dropped = rng.choice(rare, size=max(len(rare) - rare_rows, 0), replace=False)
    return table.drop(index=table.index[dropped]).reset_index(drop=True)


# Demos are drawn with seed 0; their independent holdouts with this one.
DEMO_HOLDOUT_SEED = 1


def demo_holdout(name: str) -> tuple[pd.DataFrame, str]:
    """An independent draw of half the demo's rows at the natural rate, and a sentence saying so.

    With only a few rare training rows, a holdout split off the same table would hold a handful
    of them; a fresh draw scores the methods as the seed tutorial does, on many real rare rows.
    """
    demo = DEMOS[name]
    holdout = make_demo(name, random_state=DEMO_HOLDOUT_SEED, rows=demo.rows // 2)
    rate = (holdout[demo.column] == demo.positive).mean()
    return holdout, f"an independent draw of {len(holdout):,} demo rows at the natural rate ({rate:.1%} {demo.positive!r})"
