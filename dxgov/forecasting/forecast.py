"""Where an indicator is heading: a projection to the target date and the chance of meeting it.

Pure: plain values in and out, no ORM. See ADR 0007 (forecasting) for the choices below.

For one agency's series of an indicator (points ``(period, value)``, possibly with gaps):

1. With fewer than ``MIN_POINTS`` points of its own, the agency's series cannot carry a trend.
   If a national series is given, its *relative* trend is scaled to the agency's last value
   (method ``national``); otherwise the answer is "too little data", never a guess.
2. Otherwise two models compete on the agency's own history by a rolling-origin backtest
   (each of the last ``MAX_HOLDOUT`` points in turn is the forecast origin; the model is fitted
   on everything before it and forecasts every later point): an ordinary least-squares line
   (``linear``) and damped-trend exponential smoothing (``damped_holt``, additive errors, the
   ETS(A,Ad,N) model). The lower backtest MAPE wins; a tie goes to the line. The damped model
   competes only from ``HOLT_MIN_POINTS`` points (it has five parameters).
3. The chosen model's own predictive distribution (Student t: the line's exact prediction
   interval; the damped model's ETS variance, which grows with the horizon) gives the
   ``LEVEL`` (80%) interval and the probability of meeting the target in the indicator's
   direction. Values are clamped to the indicator's valid range (a percentage to [0, 100], a
   cumulative series to at least its last value), and the probability is that of the clamped
   value, so both agree.
4. The probability maps to a status: ``ON_TRACK`` from ``ON_TRACK_FROM`` (0.7), ``OFF_TRACK``
   below ``OFF_TRACK_BELOW`` (0.3), ``AT_RISK`` between.

Damped smoothing is fitted here in closed form (a vectorised grid search over the smoothing
parameters) rather than with statsmodels, whose optimiser costs about a second per fit on the
target machine: a nightly run over every indicator × agency with a backtest of seven fits per
series would take hours. A test checks that this implementation reproduces statsmodels'
forecasts for the same parameters.

A target compared on a sum, an average or a ratio of sums over its year (indicators/targets.py)
is judged on the year's figure, not on its last period: given a ``YearTotal`` (the year's
figure as ``(offset + weight × Σ of the coming periods' values) ÷ divisor``), the model's joint
prediction of the coming periods' sum replaces the one-period prediction (the line: the exact
variance of a sum of Gaussian predictions; the damped model: the variance of the sum of its
correlated h-step errors).

``tasks_at_risk`` judges directive tasks from plain facts (deadline, progress, last report).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from scipy import special

# Fewer own points than this and the agency's trend is not estimated. Six: a line fitted to
# n points leaves n - 2 degrees of freedom for its spread; at n = 6 the 80% t quantile (1.53)
# is within a fifth of the normal one (1.28), at n = 4 it is 1.89 and intervals are mostly
# width; and six points leave two rolling origins for the backtest after MIN_TRAIN points.
MIN_POINTS = 6
# Points a line is fitted on before its first backtest forecast.
MIN_TRAIN = 4
# The damped model (α, β, φ, initial level and trend) competes only from a year of monthly data.
HOLT_MIN_POINTS = 12
HOLT_MIN_TRAIN = 9
# Backtest origins: the most recent this many points (forecasting every later point from each).
MAX_HOLDOUT = 6
# The damped model needs a regular grid; gaps are filled by linear interpolation, but not when
# more than this share of the grid would be invented.
MAX_GAP_SHARE = 0.25
# Projections further ahead than this many periods are refused.
MAX_HORIZON = 240
# When the backtest errors run wider than the model's own spread says, widen it by their ratio
# (never narrow it: a handful of backtest errors can be small by luck), at most this much.
MAX_WIDEN = 3.0
# The interval's coverage.
LEVEL = 0.8
# Status thresholds on the probability of meeting the target: "likely" and "unlikely" in the
# calibrated-language sense (IPCC AR5: likely ≥ 66%, unlikely ≤ 33%), rounded.
ON_TRACK_FROM = 0.7
OFF_TRACK_BELOW = 0.3
# The national pattern says nothing about how far one agency strays from it: its interval is
# the national one (in relative terms) widened by this factor.
NATIONAL_WIDEN = 2.0
# The guarded MAPE divides by max(|actual|, this share of the series' mean |value|).
MAPE_FLOOR_SHARE = 0.01

# The damped model's search grid: α, β as a share of α (ETS form: 0 < β ≤ α), φ.
_ALPHAS = np.array([0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 0.95])
_BETA_SHARES = np.array([0.02, 0.1, 0.25, 0.5, 1.0])
_PHIS = np.array([0.8, 0.88, 0.94, 0.98])
_GRID_A, _GRID_B, _GRID_P = (
    g.ravel() for g in np.meshgrid(_ALPHAS, _BETA_SHARES, _PHIS, indexing="ij")
)
_GRID_B = _GRID_B * _GRID_A


class Direction(StrEnum):
    # The same codes as indicators.models.Direction.
    HIGHER = "higher"
    LOWER = "lower"


class Method(StrEnum):
    LINEAR = "linear"
    DAMPED_HOLT = "damped_holt"
    NATIONAL = "national"
    OBSERVED = "observed"
    NONE = "none"


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    TOO_LITTLE_DATA = "too_little_data"


Period = int | date


@dataclass(frozen=True)
class Forecast:
    """The projection of one series to its target period.

    ``projected``, ``low`` and ``high`` (the ``LEVEL`` interval) and ``probability`` are None
    when the status is TOO_LITTLE_DATA. ``mape`` (percent) is the chosen model's backtest error,
    None when no backtest was possible. ``horizon`` counts periods from the last point to the
    target. ``reason`` says in plain words (in the active language) how the figure was reached.
    """

    method: Method
    status: Status
    projected: float | None
    low: float | None
    high: float | None
    probability: float | None
    mape: float | None
    points: int
    horizon: int | None
    reason: str


@dataclass(frozen=True)
class YearTotal:
    """The target's figure as a linear function of the periods still to come: ``(offset +
    weight × Σ_{x in ahead} y_x) ÷ divisor`` (indicators.targets.projection_parts). ``ahead``
    are the period indices to project (those of the target's year after the last point);
    ``lower``/``upper`` bound one period's value (so the figure's bounds follow)."""

    offset: float
    weight: float
    divisor: float
    ahead: tuple[int, ...]

    def of(self, total: float) -> float:
        return (self.offset + self.weight * total) / self.divisor

    def bounds(self, lower: float | None, upper: float | None) -> tuple[float | None, float | None]:
        count = len(self.ahead)
        low = None if lower is None else self.of(count * lower)
        high = None if upper is None else self.of(count * upper)
        if low is not None and high is not None and self.weight / self.divisor < 0:
            low, high = high, low
        return low, high


def period_index(day: date, months: int = 1) -> int:
    """A running index of the period holding ``day`` (months per period: 1, 3, 6, 12)."""
    return (day.year * 12 + day.month - 1) // months


def status_for(probability: float) -> Status:
    if probability >= ON_TRACK_FROM:
        return Status.ON_TRACK
    if probability < OFF_TRACK_BELOW:
        return Status.OFF_TRACK
    return Status.AT_RISK


# --- models ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prediction:
    mean: float
    sd: float
    dof: float


class _Line:
    """y = a + b·x by least squares; the exact prediction interval of the Gaussian linear model."""

    def __init__(self, xs: np.ndarray, ys: np.ndarray) -> None:
        n = len(xs)
        self.n = n
        self.x_mean = float(xs.mean())
        dx = xs - self.x_mean
        self.sxx = float(dx @ dx)
        self.slope = float(dx @ (ys - ys.mean())) / self.sxx if self.sxx > 0 else 0.0
        self.intercept = float(ys.mean()) - self.slope * self.x_mean
        residuals = ys - (self.intercept + self.slope * xs)
        self.dof = max(n - 2, 1)
        self.s = math.sqrt(float(residuals @ residuals) / self.dof) if n > 2 else 0.0

    def predict(self, x: float) -> _Prediction:
        mean = self.intercept + self.slope * x
        leverage = (x - self.x_mean) ** 2 / self.sxx if self.sxx > 0 else 0.0
        sd = self.s * math.sqrt(1 + 1 / self.n + leverage)
        return _Prediction(mean, sd, self.dof)

    def predict_sum(self, xs: Sequence[int]) -> _Prediction:
        """Σ y_x over xs: k new errors plus the fitted line's error summed (exact)."""
        k = len(xs)
        offsets = sum(x - self.x_mean for x in xs)
        mean = k * self.intercept + self.slope * sum(xs)
        spread = k / self.n * k + (offsets**2 / self.sxx if self.sxx > 0 else 0.0)
        return _Prediction(mean, self.s * math.sqrt(k + spread), self.dof)


def _regular(xs: np.ndarray, ys: np.ndarray) -> np.ndarray | None:
    """The series on every period from first to last, gaps interpolated; None if too gappy."""
    first, last = int(xs[0]), int(xs[-1])
    length = last - first + 1
    if length - len(xs) > MAX_GAP_SHARE * length:
        return None
    grid = np.arange(first, last + 1, dtype=float)
    regular: np.ndarray = np.interp(grid, xs, ys)
    return regular


class _DampedPath:
    """One pass of ETS(A,Ad,N) over a regular series for every (α, β, φ) on the grid at once.

    ŷ_t = l + φb;  e = y_t − ŷ_t;  l ← ŷ_t + αe;  b ← φb + βe. Keeping the states and the
    running sum of squared one-step errors after each step gives the fit on every prefix of
    the series from this one pass (the backtest's refits cost nothing more): the same
    initial state (a line through the first six values) starts every prefix.
    """

    def __init__(self, grid: np.ndarray) -> None:
        head = min(len(grid), 6)
        start = _Line(np.arange(head, dtype=float), grid[:head])
        level = np.full(_GRID_A.shape, start.intercept - start.slope)  # at t = -1
        trend = np.full(_GRID_A.shape, start.slope)
        sse = np.zeros(_GRID_A.shape)
        self.levels, self.trends, self.sses = [], [], []
        for value in grid:
            fitted = level + _GRID_P * trend
            error = value - fitted
            sse = sse + error * error
            level = fitted + _GRID_A * error
            trend = _GRID_P * trend + _GRID_B * error
            self.levels.append(level)
            self.trends.append(trend)
            self.sses.append(sse)


class _Damped:
    """The damped model fitted on the first ``length`` grid values (the last at ``last_x``).

    h steps ahead: l + (φ + … + φ^h)·b, variance σ²·(1 + Σ_{j<h} (α + β(φ + … + φ^j))²)
    (Hyndman et al., Forecasting with Exponential Smoothing, 2008, table 6.1).
    """

    def __init__(self, path: _DampedPath, length: int, last_x: int, observed: int) -> None:
        sse = path.sses[length - 1]
        best = int(np.argmin(sse))
        self.last_x = last_x
        self.alpha = float(_GRID_A[best])
        self.beta = float(_GRID_B[best])
        self.phi = float(_GRID_P[best])
        self.level = float(path.levels[length - 1][best])
        self.trend = float(path.trends[length - 1][best])
        self.dof = max(observed - 5, 1)
        self.sigma = math.sqrt(float(sse[best]) / self.dof)

    def predict(self, x: float) -> _Prediction:
        h = max(round(x) - self.last_x, 1)
        powers = self.phi ** np.arange(1, h + 1)
        cumulative = np.cumsum(powers)  # φ_j = φ + … + φ^j
        mean = self.level + float(cumulative[-1]) * self.trend
        c = self.alpha + self.beta * cumulative[:-1]
        sd = self.sigma * math.sqrt(1 + float(c @ c))
        return _Prediction(mean, sd, self.dof)

    def predict_sum(self, xs: Sequence[int]) -> _Prediction:
        """Σ y_x over xs. The h-step error is ε_h + Σ_{j<h} c_j ε_{h−j} (c_j = α + βφ_j), so the
        sum's error weighs each future ε_i by [i ∈ H] + Σ_{h ∈ H, h > i} c_{h−i}."""
        steps = sorted({max(round(x) - self.last_x, 1) for x in xs})
        if not steps:
            return _Prediction(0.0, 0.0, self.dof)
        last = steps[-1]
        cumulative = np.cumsum(self.phi ** np.arange(1, last + 1))  # φ_1 … φ_last
        mean = sum(self.level + float(cumulative[h - 1]) * self.trend for h in steps)
        c = np.concatenate(([1.0], self.alpha + self.beta * cumulative[:-1]))  # c_0 = 1
        wanted = np.zeros(last + 1)
        wanted[steps] = 1.0
        weights = np.array([float(wanted[i:] @ c[: last + 1 - i]) for i in range(1, last + 1)])
        return _Prediction(mean, self.sigma * math.sqrt(float(weights @ weights)), self.dof)


_Model = _Line | _Damped


def _mape(errors: list[float], actuals: list[float], floor: float) -> float | None:
    """Mean absolute percentage error, each actual floored at ``floor`` (guards zero actuals)."""
    if not errors:
        return None
    if floor <= 0:  # every value is zero: a percentage of nothing
        return 0.0 if all(e == 0 for e in errors) else None
    shares = [abs(e) / max(abs(a), floor) for e, a in zip(errors, actuals, strict=True)]
    return 100 * sum(shares) / len(shares)


@dataclass(frozen=True)
class _Backtest:
    mape: float | None
    # Root mean square of the backtest errors in units of the model's own predictive spread.
    spread_ratio: float


def _backtest(
    fit: Callable[[int], _Model], xs: np.ndarray, ys: np.ndarray, min_train: int, floor: float
) -> _Backtest:
    """Forecasts from each recent origin (fit(k): the model on the first k points), scored."""
    n = len(xs)
    errors: list[float] = []
    actuals: list[float] = []
    standardised: list[float] = []
    for origin in range(max(min_train, n - MAX_HOLDOUT), n):
        model = fit(origin)
        for j in range(origin, n):
            prediction = model.predict(float(xs[j]))
            error = float(ys[j]) - prediction.mean
            errors.append(error)
            actuals.append(float(ys[j]))
            if prediction.sd > 0:
                standardised.append(error / prediction.sd)
    ratio = math.sqrt(sum(z * z for z in standardised) / len(standardised)) if standardised else 1
    return _Backtest(_mape(errors, actuals, floor), ratio)


def _choose(xs: np.ndarray, ys: np.ndarray) -> tuple[Method, _Model, _Backtest]:
    """The better of the line and the damped model by backtest MAPE (the line on a tie)."""
    n = len(xs)
    floor = MAPE_FLOOR_SHARE * float(np.abs(ys).mean())
    grid = _regular(xs, ys) if n >= HOLT_MIN_POINTS else None
    min_train = HOLT_MIN_TRAIN if grid is not None else MIN_TRAIN
    line = _backtest(lambda k: _Line(xs[:k], ys[:k]), xs, ys, min_train, floor)
    if grid is not None:
        path = _DampedPath(grid)
        first = int(xs[0])

        def damped(k: int) -> _Damped:
            last = int(xs[k - 1])
            return _Damped(path, last - first + 1, last, k)

        smoothing = _backtest(damped, xs, ys, min_train, floor)
        if smoothing.mape is not None and (line.mape is None or smoothing.mape < line.mape):
            return Method.DAMPED_HOLT, damped(n), smoothing
    return Method.LINEAR, _Line(xs, ys), line


# --- distribution and clamping ----------------------------------------------------------------


def _upper_tail(prediction: _Prediction, threshold: float, scale: float) -> float:
    """P(Y ≥ threshold) under the prediction (a point mass when its spread is nil)."""
    if prediction.sd <= 1e-12 * max(scale, 1e-300):
        tolerance = 1e-9 * max(scale, abs(prediction.mean), 1e-300)
        return 1.0 if prediction.mean >= threshold - tolerance else 0.0
    z = (threshold - prediction.mean) / prediction.sd
    return float(special.stdtr(prediction.dof, -z))


def _clamp(value: float, lower: float | None, upper: float | None) -> float:
    if lower is not None and value < lower:
        value = lower
    if upper is not None and value > upper:
        value = upper
    return float(value)


def _probability(
    prediction: _Prediction,
    target: float,
    direction: Direction,
    lower: float | None,
    upper: float | None,
    scale: float,
) -> float:
    """The chance that the value, clamped to [lower, upper], meets the target."""
    if direction == Direction.HIGHER:
        if lower is not None and target <= lower:
            return 1.0
        if upper is not None and target > upper:
            return 0.0
        return _upper_tail(prediction, target, scale)
    if upper is not None and target >= upper:
        return 1.0
    if lower is not None and target < lower:
        return 0.0
    # P(Y ≤ t) = 1 − P(Y > t); continuous, so P(Y ≥ t) serves, except for a point mass at t.
    if prediction.sd <= 1e-12 * max(scale, 1e-300):
        tolerance = 1e-9 * max(scale, abs(prediction.mean), 1e-300)
        return 1.0 if prediction.mean <= target + tolerance else 0.0
    return 1.0 - _upper_tail(prediction, target, scale)


def _finite(*values: float | None) -> bool:
    return all(v is None or math.isfinite(v) for v in values)


# --- the entry point ------------------------------------------------------------------------


def _prepare(points: Iterable[tuple[Period, float]], months: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted by period, non-finite values dropped, a repeated period keeps its last value."""
    by_period: dict[int, float] = {}
    for period, value in points:
        index = period_index(period, months) if isinstance(period, date) else int(period)
        if math.isfinite(value):
            by_period[index] = float(value)
    keys = sorted(by_period)
    return np.array(keys, dtype=float), np.array([by_period[k] for k in keys], dtype=float)


def _too_little(points: int, horizon: int | None, reason: str) -> Forecast:
    return Forecast(
        method=Method.NONE,
        status=Status.TOO_LITTLE_DATA,
        projected=None,
        low=None,
        high=None,
        probability=None,
        mape=None,
        points=points,
        horizon=horizon,
        reason=reason,
    )


def _need_more(points: int, horizon: int | None) -> Forecast:
    missing = MIN_POINTS - points
    return _too_little(
        points,
        horizon,
        ngettext(
            "At least %(count)d more period of data is needed.",
            "At least %(count)d more periods of data are needed.",
            missing,
        )
        % {"count": missing},
    )


def forecast(
    points: Iterable[tuple[Period, float]],
    *,
    target_value: float,
    target_period: Period,
    direction: Direction | str = Direction.HIGHER,
    lower: float | None = None,
    upper: float | None = None,
    cumulative: bool = False,
    national: Iterable[tuple[Period, float]] | None = None,
    period_months: int = 1,
    total: YearTotal | None = None,
) -> Forecast:
    """Project ``points`` to ``target_period`` and judge the chance of meeting ``target_value``.

    Periods are running indices (consecutive periods differ by 1) or dates, turned into indices
    with ``period_months`` months per period. ``lower``/``upper`` bound the indicator's valid
    values (0 and 100 for a percentage); a ``cumulative`` series never falls below its last
    value. ``national`` is the national series, used only when the agency's own is too short.
    With ``total``, the figure judged is the target year's (a sum, an average, a ratio of sums)
    rather than the value of its last period. Non-finite values are ignored. Raises ValueError
    when ``lower`` exceeds ``upper``.
    """
    if lower is not None and upper is not None and lower > upper:
        raise ValueError("lower bound above upper bound")
    direction = Direction(direction)
    xs, ys = _prepare(points, period_months)
    n = len(xs)
    target_x = (
        period_index(target_period, period_months)
        if isinstance(target_period, date)
        else int(target_period)
    )
    if n == 0:
        return _need_more(0, None)
    horizon = target_x - int(xs[-1])
    floor_value, ceiling = lower, upper
    if cumulative:
        floor_value = float(ys[-1]) if lower is None else max(lower, float(ys[-1]))
    scale = float(np.abs(ys).max()) or 1.0
    target = float(target_value)

    if horizon <= 0 or (total is not None and not total.ahead):
        return _observed(xs, ys, target_x, target, direction, horizon, total)
    if horizon > MAX_HORIZON:
        return _too_little(
            n,
            horizon,
            _("The target is too far ahead to project (more than %(count)d periods).")
            % {"count": MAX_HORIZON},
        )

    mape: float | None
    if n >= MIN_POINTS:
        # Fit on scaled values (so that huge or tiny magnitudes stay well-conditioned).
        method, model, backtest = _choose(xs, ys / scale)
        mape = backtest.mape
        widen = max(1.0, min(backtest.spread_ratio, MAX_WIDEN))
        scaled = model.predict(float(target_x)) if total is None else model.predict_sum(total.ahead)
        prediction = _Prediction(scaled.mean * scale, scaled.sd * scale * widen, scaled.dof)
        if method == Method.LINEAR:
            reason = _("Linear trend of %(count)d periods.") % {"count": n}
        else:
            reason = _("Damped trend (exponential smoothing) of %(count)d periods.") % {"count": n}
        if mape is not None:
            reason += " " + _("Backtest error %(mape)s%%.") % {"mape": f"{mape:.1f}"}
    else:
        national_prediction = _national(xs, ys, target_x, national, period_months, total)
        if national_prediction is None:
            return _need_more(n, horizon)
        method, mape, prediction = Method.NATIONAL, None, national_prediction
        reason = ngettext(
            "Only %(count)d period of this agency's data: the national trend, "
            "scaled to its latest value.",
            "Only %(count)d periods of this agency's data: the national trend, "
            "scaled to its latest value.",
            n,
        ) % {"count": n}
    if total is not None:
        prediction = _Prediction(
            total.of(prediction.mean),
            abs(prediction.sd * total.weight / total.divisor),
            prediction.dof,
        )
        floor_value, ceiling = total.bounds(lower, upper)
        scale = max(scale, abs(prediction.mean))
        reason += " " + ngettext(
            "The year's figure adds %(count)d projected period to those reported.",
            "The year's figure adds %(count)d projected periods to those reported.",
            len(total.ahead),
        ) % {"count": len(total.ahead)}

    half = prediction.sd * float(special.stdtrit(prediction.dof, 0.5 + LEVEL / 2))
    projected = _clamp(prediction.mean, floor_value, ceiling)
    low = _clamp(prediction.mean - half, floor_value, ceiling)
    high = _clamp(prediction.mean + half, floor_value, ceiling)
    probability = _probability(prediction, target, direction, floor_value, ceiling, scale)
    if not _finite(projected, low, high, probability):
        return _too_little(n, horizon, _("The series cannot be projected (values out of range)."))
    probability = min(1.0, max(0.0, probability))
    return Forecast(
        method=method,
        status=status_for(probability),
        projected=projected,
        low=min(low, projected),
        high=max(high, projected),
        probability=probability,
        mape=mape,
        points=n,
        horizon=horizon,
        reason=reason,
    )


def _observed(
    xs: np.ndarray,
    ys: np.ndarray,
    target_x: int,
    target: float,
    direction: Direction,
    horizon: int,
    total: YearTotal | None,
) -> Forecast:
    """The target period is already reported (or passed): judge the figure reported by then."""
    if total is not None:
        value = total.of(0.0)
    else:
        known = xs <= target_x
        if not known.any():
            return _need_more(0, horizon)
        value = float(ys[known][-1])
    met = value >= target if direction == Direction.HIGHER else value <= target
    probability = 1.0 if met else 0.0
    return Forecast(
        method=Method.OBSERVED,
        status=status_for(probability),
        projected=value,
        low=value,
        high=value,
        probability=probability,
        mape=None,
        points=len(xs),
        horizon=horizon,
        reason=_("The target period is already reported: judged on the reported value."),
    )


def _national(
    xs: np.ndarray,
    ys: np.ndarray,
    target_x: int,
    national: Iterable[tuple[Period, float]] | None,
    months: int,
    total: YearTotal | None = None,
) -> _Prediction | None:
    """The national series' relative change from the agency's last period, on the agency's level
    (at the target period, or summed over the year's coming periods with ``total``).

    None when there is no national series of MIN_POINTS, or its level at the anchor is not
    positive (a relative change from zero or below means nothing).
    """
    if national is None:
        return None
    nx, ny = _prepare(national, months)
    if len(nx) < MIN_POINTS:
        return None
    scale = float(np.abs(ny).max()) or 1.0
    _method, model, _backtest_result = _choose(nx, ny / scale)
    anchor_x = float(xs[-1])
    if nx[0] <= anchor_x <= nx[-1]:
        anchor = float(np.interp(anchor_x, nx, ny / scale))
    else:
        anchor = model.predict(anchor_x).mean
    if not anchor > 0:
        return None
    at_target = model.predict(float(target_x)) if total is None else model.predict_sum(total.ahead)
    last = float(ys[-1])
    factor = last / anchor
    return _Prediction(
        at_target.mean * factor, abs(at_target.sd * factor) * NATIONAL_WIDEN, at_target.dof
    )


# --- directive tasks ----------------------------------------------------------------------------

# A deadline this close (days) with progress below NEAR_DEADLINE_MIN_PROGRESS is at risk. Two
# weeks gives a warning a week before the directives' due-soon reminder (7 days), time enough to
# act or ask for an extension (which the coordinator must decide before the deadline).
NEAR_DEADLINE_DAYS = 14
# On a straight-line expected-progress curve a three-month task should be ~85% done two weeks
# before its deadline; 80% rounds that down, so only tasks clearly behind are flagged.
NEAR_DEADLINE_MIN_PROGRESS = 80
# No progress report for this many days (or none this long since assignment) is at risk:
# progress is reported monthly under Decree 09's monthly cycle; a month of silence is a miss.
STALE_REPORT_DAYS = 30
# Statuses in which a task still has work ahead (directives.rules.Status codes).
ACTIVE_TASK_STATUSES = frozenset({"open", "overdue"})


class TaskRiskCode(StrEnum):
    OVERDUE = "overdue"
    DEADLINE_NEAR_LOW_PROGRESS = "deadline_near_low_progress"
    NO_RECENT_REPORT = "no_recent_report"


@dataclass(frozen=True)
class TaskFacts:
    deadline: date
    progress_percent: int
    status: str
    last_report_on: date | None = None
    assigned_on: date | None = None


@dataclass(frozen=True)
class TaskRisk:
    at_risk: bool
    codes: tuple[TaskRiskCode, ...]
    reasons: tuple[str, ...]


def task_risk(facts: TaskFacts, *, today: date) -> TaskRisk:
    """Whether one task is at risk, and why (every reason that applies)."""
    if facts.status not in ACTIVE_TASK_STATUSES:
        return TaskRisk(False, (), ())
    codes: list[TaskRiskCode] = []
    reasons: list[str] = []
    days_left = (facts.deadline - today).days
    if days_left < 0:
        codes.append(TaskRiskCode.OVERDUE)
        reasons.append(
            ngettext("Overdue by %(count)d day.", "Overdue by %(count)d days.", -days_left)
            % {"count": -days_left}
        )
    elif days_left <= NEAR_DEADLINE_DAYS and facts.progress_percent < NEAR_DEADLINE_MIN_PROGRESS:
        codes.append(TaskRiskCode.DEADLINE_NEAR_LOW_PROGRESS)
        reasons.append(
            ngettext(
                "Deadline in %(count)d day with only %(percent)d%% done.",
                "Deadline in %(count)d days with only %(percent)d%% done.",
                days_left,
            )
            % {"count": days_left, "percent": facts.progress_percent}
        )
    since = facts.last_report_on or facts.assigned_on
    if since is not None and (today - since).days >= STALE_REPORT_DAYS:
        silent = (today - since).days
        codes.append(TaskRiskCode.NO_RECENT_REPORT)
        reasons.append(
            ngettext(
                "No progress report for %(count)d day.",
                "No progress report for %(count)d days.",
                silent,
            )
            % {"count": silent}
        )
    return TaskRisk(bool(codes), tuple(codes), tuple(reasons))


K = TypeVar("K")


def tasks_at_risk(tasks: Mapping[K, TaskFacts], *, today: date) -> dict[K, TaskRisk]:
    """The tasks (by key) that are at risk today, each with its reasons."""
    result: dict[K, TaskRisk] = {}
    for key, facts in tasks.items():
        risk = task_risk(facts, today=today)
        if risk.at_risk:
            result[key] = risk
    return result


__all__ = [
    "Direction",
    "Forecast",
    "Method",
    "Status",
    "TaskFacts",
    "TaskRisk",
    "TaskRiskCode",
    "YearTotal",
    "forecast",
    "period_index",
    "status_for",
    "task_risk",
    "tasks_at_risk",
]
