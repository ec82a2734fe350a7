"""Surrogate models: one protocol, BoTorch and scikit-learn implementations, a physics-informed
option, the feasibility model and measures of surrogate quality."""

from nfpopt.surrogates.base import SURROGATES, OutcomeModel, Surrogate, make_surrogate
from nfpopt.surrogates.encoding import Encoder
from nfpopt.surrogates.feasibility import FeasibilityModel
from nfpopt.surrogates.quality import LeaveOneOut, leave_one_out

__all__ = [
    "SURROGATES",
    "Encoder",
    "FeasibilityModel",
    "LeaveOneOut",
    "OutcomeModel",
    "Surrogate",
    "leave_one_out",
    "make_surrogate",
]
