"""A process emulator for NFP glass-ceramic cathodes co-fired on beta''-alumina.

Calibrated to Yamauchi et al., Sci. Rep. 10:9453 (2020); the equations are in
``docs/emulator.md``. Use :func:`emulate` on a table of recipes.
"""

from nfpopt.emulator.model import (
    CAPACITY_COLUMNS,
    HEADLINE_CAPACITY,
    OUTCOME_COLUMNS,
    emulate,
    emulate_truth,
    physics_outcomes,
)
from nfpopt.emulator.parameters import (
    DEFAULT_PARAMETERS,
    TABLE1_C_RATES,
    EmulatorParameters,
    capacity_column,
)
from nfpopt.emulator.recipe import RECIPE_COLUMNS, ROUGHENING_LEVELS, validate_recipes

__all__ = [
    "CAPACITY_COLUMNS",
    "DEFAULT_PARAMETERS",
    "HEADLINE_CAPACITY",
    "OUTCOME_COLUMNS",
    "RECIPE_COLUMNS",
    "ROUGHENING_LEVELS",
    "TABLE1_C_RATES",
    "EmulatorParameters",
    "capacity_column",
    "emulate",
    "emulate_truth",
    "physics_outcomes",
    "validate_recipes",
]
