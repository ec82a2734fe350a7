"""Property tests of the emulator's physics: monotone where the science says so."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nfpopt.emulator import CAPACITY_COLUMNS, emulate
from nfpopt.emulator.crystallisation import crystallisation_onset_c, crystallisation_peak_c
from nfpopt.emulator.interdiffusion import interdiffusion_depth_um
from nfpopt.emulator.resistance import resistance_breakdown
from tests.emulator.strategies import finite, recipes

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None)


@PROPERTY_SETTINGS
@given(coarse=finite(0.2, 100.0), factor=finite(1.0, 50.0))
def test_finer_glass_never_crystallises_later(coarse: float, factor: float) -> None:
    ssa = np.array([coarse, coarse * factor])
    onset = crystallisation_onset_c(ssa)
    peak = crystallisation_peak_c(ssa)
    assert onset[1] <= onset[0] + 1e-9
    assert peak[1] <= peak[0] + 1e-9
    assert np.all(onset < peak)


@PROPERTY_SETTINGS
@given(temp=finite(380.0, 700.0), time=finite(1.0, 600.0), d_temp=finite(0.0, 100.0), d_time=finite(0.0, 600.0))
def test_longer_or_hotter_firing_never_diffuses_less(temp: float, time: float, d_temp: float, d_time: float) -> None:
    base = interdiffusion_depth_um(np.array(temp), np.array(time))
    assert interdiffusion_depth_um(np.array(temp + d_temp), np.array(time)) >= base
    assert interdiffusion_depth_um(np.array(temp), np.array(time + d_time)) >= base


def _charge_transfer(glass: float, alumina: float, alumina_wt: float, roughening: str) -> float:
    breakdown = resistance_breakdown(
        glass_ssa_m2_g=np.array([glass]),
        alumina_ssa_m2_g=np.array([alumina]),
        alumina_wt_pct=np.array([alumina_wt]),
        ab_wt_pct=np.array([4.2]),
        roughening=np.array([roughening], dtype=object),
        crystal_fraction=np.array([1.0]),
        bonded_fraction=np.array([1.0]),
        interdiffusion_um=np.array([0.0]),
        cell_area_cm2=np.array([1.0]),
        test_temp_c=np.array([30.0]),
    )
    return float(breakdown.charge_transfer_ohm[0] + breakdown.anode_ohm[0])


@PROPERTY_SETTINGS
@given(
    glass=finite(0.5, 60.0),
    alumina=finite(1.0, 80.0),
    alumina_wt=finite(0.5, 30.0),
    grow=finite(1.0, 10.0),
    which=st.sampled_from(["glass", "alumina", "alumina_wt"]),
)
def test_more_contact_area_never_raises_interfacial_resistance(
    glass: float, alumina: float, alumina_wt: float, grow: float, which: str
) -> None:
    base = _charge_transfer(glass, alumina, alumina_wt, "none")
    finer = dict(glass=glass, alumina=alumina, alumina_wt=alumina_wt)
    finer[which] *= grow
    assert _charge_transfer(finer["glass"], finer["alumina"], finer["alumina_wt"], "none") <= base * (1 + 1e-12)
    cathode = _charge_transfer(glass, alumina, alumina_wt, "cathode")
    both = _charge_transfer(glass, alumina, alumina_wt, "both")
    assert both <= cathode <= base


@PROPERTY_SETTINGS
@given(recipe=recipes())
def test_roughening_never_raises_internal_resistance(recipe: dict[str, object]) -> None:
    levels = [dict(recipe, roughening=r) for r in ("none", "cathode", "both")]
    resistance = emulate(levels)["internal_resistance_ohm"].to_numpy()
    if np.isnan(resistance).any():
        return  # not sintered: nothing to measure
    assert resistance[0] >= resistance[1] >= resistance[2]


@PROPERTY_SETTINGS
@given(recipe=recipes())
def test_capacity_never_rises_with_c_rate(recipe: dict[str, object]) -> None:
    capacities = emulate(recipe).loc[0, list(CAPACITY_COLUMNS)].to_numpy(dtype=float)
    if np.isnan(capacities).any():
        assert np.isnan(capacities).all()  # an unsintered layer has no capacity at any rate
        return
    assert np.all(np.diff(capacities) <= 1e-9)
    assert np.all((capacities >= 0) & (capacities <= 97.0))


@PROPERTY_SETTINGS
@given(recipe=recipes(), extra_ab=finite(0.0, 4.0))
def test_more_carbon_never_helps_sintering(recipe: dict[str, object], extra_ab: float) -> None:
    more = dict(recipe, ab_wt_pct=float(recipe["ab_wt_pct"]) + extra_ab)
    both = emulate([recipe, more])["sintering_index"].to_numpy()
    assert both[1] <= both[0] + 1e-9
