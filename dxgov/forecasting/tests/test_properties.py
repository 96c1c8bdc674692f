"""Properties on arbitrary finite input (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dxgov.forecasting.forecast import Method, Status, forecast

values = st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False)
periods = st.integers(min_value=-2000, max_value=2000)
series = st.lists(st.tuples(periods, values), max_size=60)


@st.composite
def bounds(draw: st.DrawFn) -> tuple[float | None, float | None]:
    lower = draw(st.none() | values)
    upper = draw(st.none() | values)
    if lower is not None and upper is not None and lower > upper:
        lower, upper = upper, lower
    return lower, upper


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    points=series,
    national=st.none() | series,
    target_value=values,
    target_period=periods,
    direction=st.sampled_from(["higher", "lower"]),
    limits=bounds(),
    cumulative=st.booleans(),
)
def test_never_raises_and_stays_coherent(
    points: list[tuple[int, float]],
    national: list[tuple[int, float]] | None,
    target_value: float,
    target_period: int,
    direction: str,
    limits: tuple[float | None, float | None],
    cumulative: bool,
) -> None:
    lower, upper = limits
    result = forecast(
        points,
        target_value=target_value,
        target_period=target_period,
        direction=direction,
        lower=lower,
        upper=upper,
        cumulative=cumulative,
        national=national,
    )
    assert result.reason
    if result.status == Status.TOO_LITTLE_DATA:
        assert result.projected is None and result.probability is None
        assert result.method == Method.NONE
        return
    assert result.probability is not None and 0.0 <= result.probability <= 1.0
    assert result.low is not None and result.high is not None and result.projected is not None
    assert result.low <= result.projected <= result.high
    if result.method != Method.OBSERVED:  # a reported value is shown as reported
        assert upper is None or result.high <= upper
        assert lower is None or result.low >= lower
    assert result.mape is None or result.mape >= 0
