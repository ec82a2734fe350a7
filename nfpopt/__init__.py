"""nfpopt: plan materials-processing experiments with Bayesian optimisation.

The public API, imported lazily so that ``import nfpopt`` (and commands such as
``nfpopt status``) do not load torch until a model is needed::

    from nfpopt import Campaign, Store, load_definition, propose, emulate
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Campaign": "nfpopt.campaign",
    "CampaignDefinition": "nfpopt.definition",
    "load_definition": "nfpopt.definition",
    "STRATEGIES": "nfpopt.definition",
    "Store": "nfpopt.store",
    "emulate": "nfpopt.emulator",
    "paper_cells": "nfpopt.paper",
    "propose": "nfpopt.recommend.strategies",
    "RecommenderSettings": "nfpopt.recommend.bayes",
    "simulate_campaign": "nfpopt.simulate",
    "hypervolume": "nfpopt.scoring",
    "NfpoptError": "nfpopt.exceptions",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'nfpopt' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
