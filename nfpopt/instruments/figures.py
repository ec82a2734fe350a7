"""Nyquist figures: each measured spectrum with its fitted circuit, one PNG per experiment."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from nfpopt.instruments.extract import Spectrum


def nyquist_figures(spectra: dict[int, Spectrum], directory: Path) -> Path:
    """Draw ``e<id>.png`` per experiment into ``directory`` (created); returns the directory."""
    import matplotlib

    matplotlib.use("Agg")
    from impedance.models.circuits import CustomCircuit
    from matplotlib import pyplot as plt

    directory.mkdir(parents=True, exist_ok=True)
    for experiment_id, spectrum in spectra.items():
        fit = spectrum.fit
        model = CustomCircuit(fit.circuit, initial_guess=list(fit.values))
        dense = np.logspace(np.log10(spectrum.frequencies_hz.max()), np.log10(spectrum.frequencies_hz.min()), 300)
        with warnings.catch_warnings():  # predicting from given parameters is the point here
            warnings.simplefilter("ignore", UserWarning)
            predicted = model.predict(dense, use_initial=True)
        figure, axes = plt.subplots(figsize=(5.0, 3.6), constrained_layout=True)
        axes.plot(spectrum.impedance_ohm.real, -spectrum.impedance_ohm.imag, "o", ms=3, label="measured")
        axes.plot(predicted.real, -predicted.imag, "-", lw=1.5, label=f"fit {fit.circuit}")
        axes.set_aspect("equal", adjustable="datalim")
        axes.set_xlabel("Re(Z) / Ω")
        axes.set_ylabel("−Im(Z) / Ω")
        flag = " (POOR FIT)" if fit.poor else ""
        axes.set_title(
            f"experiment {experiment_id}: R = {fit.total_ohm:.4g} Ω, rms {100 * fit.relative_rms:.2g} %{flag}"
        )
        axes.title.set_fontsize(9)
        axes.legend(fontsize=8)
        figure.savefig(directory / f"e{experiment_id}.png", dpi=110)
        plt.close(figure)
    return directory
