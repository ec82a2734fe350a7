"""What one propose fitted, kept with its batch so that the next propose starts from there.

A lab proposes after every batch; between two proposals the results grow by a batch, and the
fits move little. The refitted constants of the campaign's named prior (physics strategy), each outcome GP's
hyperparameters and the feasibility classifier's are stored with the batch as plain JSON
(:func:`model_state`, in each proposed experiment's prediction record); the next propose reads
them back (:func:`read_warm_start`) and starts the constants' search and the marginal-likelihood fits
there instead of at the defaults (the classifier from there alone, without its random
restarts). They are only a starting point: the fits still run to convergence on the results as
they are now, so a stale state costs time, never a wrong model. A state that is corrupt, of
another schema or for other inputs is ignored (the fit starts from the defaults).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import torch

from nfpopt.surrogates.gp import DTYPE

if TYPE_CHECKING:
    from nfpopt.recommend.bayes import FittedModels

#: Version of the stored state's layout; a state of another version is ignored.
MODEL_STATE_SCHEMA = 1


@dataclass(frozen=True)
class WarmStart:
    """Where the next fits start: the prior's constants and each outcome GP's raw hyperparameters."""

    #: The prior's refitted constants by name (names the prior no longer declares are ignored).
    constants: dict[str, float] | None
    #: outcome -> gpytorch parameter name -> value (raw, as ``named_parameters`` holds it).
    gp: dict[str, dict[str, torch.Tensor]]
    #: The feasibility classifier's kernel, log hyperparameters (``LaplaceGPClassifier.theta_``).
    feasibility: list[float] | None = None


def model_state(fitted: FittedModels) -> dict[str, Any]:
    """The JSON form of what was fitted: the refitted constants and every fitted GP's hyperparameters."""
    constants = fitted.constants
    gp = {}
    for name, model in fitted.outcomes.items():
        surrogate = getattr(getattr(model, "surrogate", None), "model_", None)
        if surrogate is not None and hasattr(surrogate, "named_parameters"):
            gp[name] = {k: p.detach().tolist() for k, p in surrogate.named_parameters() if p.requires_grad}
    refitted = {str(n): float(v) for n, v in constants.items()} if constants is not None else None
    classifier = getattr(fitted.feasibility, "classifier_", None)
    theta = [float(v) for v in classifier.theta_] if classifier is not None else None
    return {"schema": MODEL_STATE_SCHEMA, "constants": refitted, "gp": gp, "feasibility": theta}


def read_warm_start(state: object) -> WarmStart | None:
    """The warm start in a stored :func:`model_state`, or None where there is none to trust: not
    a mapping, another schema, a constant that is not finite or not positive, a
    hyperparameter that is not a finite number or list of them."""
    if not isinstance(state, dict) or state.get("schema") != MODEL_STATE_SCHEMA:
        return None
    try:
        return WarmStart(
            _constants(state.get("constants")), _hyperparameters(state.get("gp")), _theta(state.get("feasibility"))
        )
    except (TypeError, ValueError):
        return None


def _constants(stored: object) -> dict[str, float] | None:
    if stored is None:
        return None
    if not isinstance(stored, dict):
        raise TypeError(f"constants must be a table, got {stored!r}")
    values = {str(name): float(value) for name, value in stored.items()}
    if not all(math.isfinite(v) and v > 0 for v in values.values()):
        raise ValueError(f"constants must be finite and positive, got {values}")
    return values


def _hyperparameters(stored: object) -> dict[str, dict[str, torch.Tensor]]:
    if stored is None:
        return {}
    if not isinstance(stored, dict):
        raise TypeError(f"hyperparameters must be a table, got {stored!r}")
    out = {}
    for outcome, parameters in stored.items():
        if not isinstance(parameters, dict):
            raise TypeError(f"{outcome}: hyperparameters must be a table, got {parameters!r}")
        tensors = {str(k): torch.as_tensor(v, dtype=DTYPE) for k, v in parameters.items()}
        if not all(bool(torch.isfinite(t).all()) for t in tensors.values()):
            raise ValueError(f"{outcome}: hyperparameters must be finite")
        out[str(outcome)] = tensors
    return out


def _theta(stored: object) -> list[float] | None:
    if stored is None:
        return None
    if not isinstance(stored, list):
        raise TypeError(f"the classifier's hyperparameters must be a list, got {stored!r}")
    theta = [float(v) for v in stored]
    if not all(math.isfinite(v) for v in theta):
        raise ValueError(f"the classifier's hyperparameters must be finite, got {theta}")
    return theta
