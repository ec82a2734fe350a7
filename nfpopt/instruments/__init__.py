"""Both ends of the lab: raw instrument files to outcomes, and recipes to fabrication sheets.

* :func:`extract_folder`: a folder of instrument exports (impedance, discharges, DTA) and its
  manifest to the results table ``nfpopt record`` takes, with fit diagnostics;
* :func:`write_raw_folder`: the same files written from the emulator's outcomes;
* :func:`fabrication_sheet`: per proposed recipe, the masses to weigh and the furnace programme.

The formats and how each outcome is derived: ``docs/instruments.md``.
"""

from nfpopt.instruments.extract import Extraction, extract_folder
from nfpopt.instruments.impedance_fit import PAPER_CIRCUIT, ImpedanceFit, fit_spectrum
from nfpopt.instruments.raw import write_raw_folder

__all__ = [
    "PAPER_CIRCUIT",
    "Extraction",
    "ImpedanceFit",
    "extract_folder",
    "fit_spectrum",
    "write_raw_folder",
]
