"""Search spaces: parameters with units and bounds, and the constraints recipes must satisfy."""

from nfpopt.space.constraints import Constraint, LinearConstraint, MixtureConstraint, OnsetConstraint
from nfpopt.space.parameters import (
    CategoricalParameter,
    ContinuousParameter,
    FixedParameter,
    IntegerParameter,
    Parameter,
)
from nfpopt.space.search_space import SearchSpace

__all__ = [
    "CategoricalParameter",
    "Constraint",
    "ContinuousParameter",
    "FixedParameter",
    "IntegerParameter",
    "LinearConstraint",
    "MixtureConstraint",
    "OnsetConstraint",
    "Parameter",
    "SearchSpace",
]
