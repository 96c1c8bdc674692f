"""Series drawn from known processes, with targets and realised outcomes, for calibration checks.

Two processes, alternating: a straight line with Gaussian noise (random slope and noise), and
ETS(A,Ad,N) (a damped trend whose level and slope wander). Histories are 8, 12, 24 or 36
periods long; the target lies 1–12 periods ahead and, as a planner would set it, is drawn
from the observed history alone (its average slope carried on at 0.5–1.5 times the pace, plus
± 2.5 widths of its period-to-period noise), so every probability bin is populated. A target
that knew the true process would favour it over any forecaster's; none does in practice. The
outcome is whether the realised value at the target period met the target in a random direction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Case:
    kind: str
    history: list[float]
    target_period: int
    target_value: float
    direction: str
    met: bool


def simulate(count: int, seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for i in range(count):
        n = int(rng.choice([8, 12, 24, 36]))
        h = int(rng.integers(1, 13))
        sigma = float(rng.uniform(0.5, 3.0))
        steps = n + h
        if i % 2 == 0:
            kind = "linear"
            slope = rng.normal(0, 1)
            mean = 50 + slope * np.arange(steps)
            values = mean + rng.normal(0, sigma, steps)
        else:
            kind = "damped"
            alpha = rng.uniform(0.1, 0.5)
            beta = alpha * rng.uniform(0.05, 0.5)
            phi = rng.uniform(0.85, 0.98)
            level, trend = 50.0, float(rng.normal(0, 1))
            out = []
            for _ in range(steps):
                error = rng.normal(0, sigma)
                fitted = level + phi * trend
                out.append(fitted + error)
                level, trend = fitted + alpha * error, phi * trend + beta * error
            values = np.array(out)
        direction = "higher" if rng.random() < 0.5 else "lower"
        history = values[:n]
        pace = (history[-1] - history[0]) / (n - 1)
        noise = float(np.std(np.diff(history))) / np.sqrt(2)
        target = (
            float(history[-1])
            + pace * h * float(rng.uniform(0.5, 1.5))
            + float(rng.uniform(-2.5, 2.5)) * noise
        )
        realised = float(values[-1])
        met = realised >= target if direction == "higher" else realised <= target
        cases.append(Case(kind, [float(v) for v in values[:n]], n - 1 + h, target, direction, met))
    return cases
