"""A simulated ageing lab for the alloy benchmark: not the prior's model, and not its constants.

The prior (:mod:`nfpopt.examples.ageing`) is Shercliff-Ashby in one line. This lab is richer,
so that a prior with the best constants it can have is still wrong in places the GP must learn:

* two hardening phases: theta' from Cu and S (Al2CuMg) from Mg, which hardens 1.6x more per
  wt% and only above ~0.4 wt% Mg; Mg also speeds the kinetics;
* JMAK precipitation, ``f = 1 - exp(-(t / tau)^1.5)``, with coarsening softening
  ``(1 + t / (4 tau))^(-1/3)`` (LSW: the particle radius grows as t^(1/3));
* a solvus: the solute that can precipitate falls with ageing temperature;
* elongation that falls with hardness and with Cu (coarse constituent particles);
* quench cracking where a severe quench meets much solute, with coupon-to-coupon scatter.

``measure(recipes, noise=, seed=)`` returns the outcomes of ``campaigns/alloy_ageing_physics.toml``
(``hardness_hv``, ``elongation_pct``, ``crack_free``); ``noise=0`` gives the truth.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

GAS_CONSTANT_J_MOL_K = 8.314462618
TAU_H_AT_180C = 3.0
ACTIVATION_J_MOL = 110e3
RETAINED = {"water": 1.0, "oil": 0.9, "air": 0.55}
CRACK_SOLUTE_WT_PCT = {"water": 5.4, "oil": 6.6, "air": np.inf}


def _truth(recipes: pd.DataFrame) -> pd.DataFrame:
    cu = recipes["cu_wt_pct"].to_numpy(float)
    mg = recipes["mg_wt_pct"].to_numpy(float)
    temp_c = recipes["ageing_temp_c"].to_numpy(float)
    time_h = recipes["ageing_time_h"].to_numpy(float)
    quench = recipes["quench"].astype(str)
    retained = quench.map(RETAINED).to_numpy(float)
    solubility = np.exp(0.018 * (temp_c - 220.0))  # wt% that stays in solution, 1 at 220 C
    available = np.clip(cu + 1.6 * np.clip(mg - 0.4, 0.0, None) - solubility, 0.0, None) * retained
    temp_k = temp_c + 273.15
    tau_h = (
        TAU_H_AT_180C / (1.0 + 0.5 * mg) * np.exp(ACTIVATION_J_MOL / GAS_CONSTANT_J_MOL_K * (1 / temp_k - 1 / 453.15))
    )
    precipitated = 1.0 - np.exp(-((time_h / tau_h) ** 1.5))
    coarsening = (1.0 + time_h / (4.0 * tau_h)) ** (-1.0 / 3.0)
    hardness_hv = 35.0 + 5.0 * (cu + mg) + 22.0 * available * precipitated * coarsening
    elongation_pct = 32.0 * np.exp(-(hardness_hv - 35.0) / 75.0) - 1.2 * cu
    margin = np.log10(quench.map(CRACK_SOLUTE_WT_PCT).to_numpy(float) / (cu + mg))
    return pd.DataFrame(
        {"hardness_hv": hardness_hv, "elongation_pct": np.clip(elongation_pct, 0.5, None), "margin": margin}
    )


def measure(recipes: pd.DataFrame, *, noise: float = 0.0, seed: int | None = None) -> pd.DataFrame:
    """Outcomes as measured: relative noise ``noise`` on hardness, twice that on elongation, and
    scatter of the crack margin; nothing is measured on a cracked coupon but the crack."""
    truth = _truth(recipes.reset_index(drop=True))
    rng = np.random.default_rng(seed)
    n = len(truth)
    hardness = truth["hardness_hv"] * np.exp(rng.normal(0.0, noise, n))
    elongation = truth["elongation_pct"] * np.exp(rng.normal(0.0, 2 * noise, n))
    crack_free = truth["margin"] + rng.normal(0.0, noise, n) > 0
    out = pd.DataFrame({"hardness_hv": hardness, "elongation_pct": elongation, "crack_free": crack_free})
    out.loc[~crack_free, ["hardness_hv", "elongation_pct"]] = np.nan
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.ageing_lab BATCH.csv -o RESULTS.csv``: the simulated lab ages and
    tests a proposed batch, writing the table ``nfpopt record`` takes."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.ageing_lab", description=main.__doc__)
    parser.add_argument("batch", help="a batch from nfpopt propose (-o)")
    parser.add_argument("-o", "--out", required=True, help="results CSV to write")
    parser.add_argument("--noise", type=float, default=0.02, help="relative measurement noise")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    batch = pd.read_csv(args.batch)
    results = measure(batch, noise=args.noise, seed=args.seed)
    results.insert(0, "experiment_id", batch["experiment_id"].to_numpy())
    results.to_csv(args.out, index=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
