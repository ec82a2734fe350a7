"""A textbook precipitation-hardening model of an Al-Cu-Mg alloy: the prior of ``alloy_ageing_physics.toml``.

Shercliff & Ashby, Acta Metall. Mater. 38:1789 (1990), reduced to its shape. Ageing at
temperature ``T`` for time ``t`` advances a kinetic strength parameter ``P = t / t_peak(T)``;
the peak-age time follows an Arrhenius law about 180 C,

    t_peak(T) = t_peak(180 C) * exp(Q / R * (1 / T - 1 / 453.15 K)),

and the precipitation hardening rises and then falls (under-ageing, peak at ``P = 1``,
over-ageing by coarsening) as ``2 sqrt(P) / (1 + P)``. The precipitate available scales with
the solute (Cu and Mg alike, wt%) kept in solution by the quench. So

    hardness_hv = matrix_hv + solution_hv_per_wt_pct * solute + precipitation_hv_per_wt_pct
                  * solute * retained * 2 sqrt(P) / (1 + P),

ductility falls exponentially with hardness, ``elongation_pct = annealed_elongation_pct *
exp(-(hardness_hv - matrix_hv) / ductility_hv)``, and the quench crack margin is
``log10(crack_solute_wt_pct / (severity * solute))``: > 0 where the model expects the coupon to
survive its quench. Everything but the five keyword constants is fixed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

GAS_CONSTANT_J_MOL_K = 8.314462618
REFERENCE_TEMP_K = 453.15  # 180 C
MATRIX_HV = 30.0  # annealed aluminium
SOLUTION_HV_PER_WT_PCT = 6.0
ANNEALED_ELONGATION_PCT = 30.0
#: Fraction of the solute a quench keeps in solution, and the quench's thermal-stress severity.
RETAINED = {"water": 1.0, "oil": 0.8, "air": 0.5}
SEVERITY = {"water": 1.0, "oil": 0.7, "air": 0.4}


def ageing_outcomes(
    recipes: pd.DataFrame,
    *,
    peak_time_h_at_180c: float = 8.0,
    activation_energy_kj_mol: float = 130.0,
    precipitation_hv_per_wt_pct: float = 15.0,
    ductility_hv: float = 80.0,
    crack_solute_wt_pct: float = 6.0,
) -> pd.DataFrame:
    """``hardness_hv``, ``elongation_pct`` and ``crack_margin`` of each recipe.

    ``recipes`` needs ``cu_wt_pct``, ``mg_wt_pct``, ``ageing_temp_c``, ``ageing_time_h`` and
    ``quench`` (``water``, ``oil`` or ``air``).
    """
    solute_wt_pct = recipes["cu_wt_pct"].to_numpy(float) + recipes["mg_wt_pct"].to_numpy(float)
    temp_k = recipes["ageing_temp_c"].to_numpy(float) + 273.15
    quench = recipes["quench"].astype(str)
    arrhenius = activation_energy_kj_mol * 1e3 / GAS_CONSTANT_J_MOL_K * (1.0 / temp_k - 1.0 / REFERENCE_TEMP_K)
    progress = recipes["ageing_time_h"].to_numpy(float) / (peak_time_h_at_180c * np.exp(arrhenius))
    ageing_curve = 2.0 * np.sqrt(progress) / (1.0 + progress)
    retained = quench.map(RETAINED).to_numpy(float)
    hardness_hv = (
        MATRIX_HV
        + SOLUTION_HV_PER_WT_PCT * solute_wt_pct
        + precipitation_hv_per_wt_pct * solute_wt_pct * retained * ageing_curve
    )
    elongation_pct = ANNEALED_ELONGATION_PCT * np.exp(-(hardness_hv - MATRIX_HV) / ductility_hv)
    severity = quench.map(SEVERITY).to_numpy(float)
    crack_margin = np.log10(crack_solute_wt_pct / (severity * solute_wt_pct))
    return pd.DataFrame({"hardness_hv": hardness_hv, "elongation_pct": elongation_pct, "crack_margin": crack_margin})
