"""Hypothesis strategies for recipes inside the emulator's physical domain."""

from __future__ import annotations

from hypothesis import strategies as st

from nfpopt.emulator import ROUGHENING_LEVELS


def finite(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def recipes(draw: st.DrawFn) -> dict[str, object]:
    """A recipe anywhere in a broad, physically sensible domain."""
    return {
        "glass_ssa_m2_g": draw(finite(0.5, 60.0)),
        "alumina_ssa_m2_g": draw(finite(1.0, 80.0)),
        "ab_wt_pct": draw(finite(0.0, 8.0)),
        "alumina_wt_pct": draw(finite(0.5, 30.0)),
        "calcination_temp_c": draw(finite(400.0, 650.0)),
        "calcination_time_min": draw(finite(5.0, 240.0)),
        "roughening": draw(st.sampled_from(ROUGHENING_LEVELS)),
        "test_temp_c": draw(finite(-20.0, 60.0)),
    }
