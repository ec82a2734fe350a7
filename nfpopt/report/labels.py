"""Readable names for parameters and outcomes: ``ab_wt_pct`` -> ``AB (wt%)``.

The names in a campaign carry their units (``calcination_temp_c``); a figure should say
"calcination temperature (°C)". The unit comes from the campaign file; the words come from the
name with the unit's own tokens dropped and a few abbreviations spelled out.
"""

from __future__ import annotations

import re

from nfpopt.definition import CampaignDefinition
from nfpopt.objectives import Objective

#: Units as a chemist writes them.
_UNITS = {"ohm": "Ω", "C": "°C", "m2/g": "m²/g", "cm2": "cm²", "um": "µm", "ohm*cm2": "Ω·cm²"}
#: Name tokens that only spell a unit (dropped from the words when the unit is known).
_UNIT_TOKENS = {"ohm", "mah", "g", "c", "min", "m2", "wt", "pct", "um", "hv", "h", "cm2", "s", "k", "mpa"}
#: Abbreviations and element symbols spelled out.
_WORDS = {
    "ab": "AB",
    "ssa": "SSA",
    "temp": "temperature",
    "alumina": "β″-alumina",
    "nfp": "NFP",
    "cu": "Cu",
    "mg": "Mg",
    "r": "R",
}
_C_RATE = re.compile(r"^(\d+)(?:p(\d+))?c$")


def pretty_unit(unit: str) -> str:
    """``ohm`` -> ``Ω``, ``C`` -> ``°C``; other units unchanged."""
    return _UNITS.get(unit, unit)


def words(name: str, unit: str = "") -> str:
    """The name as words: ``capacity_2c_mah_g`` -> ``capacity at 2 C``."""
    tokens = name.split("_")
    while unit and len(tokens) > 1 and tokens[-1].lower() in _UNIT_TOKENS:
        tokens.pop()
    out = []
    for token in tokens:
        rate = _C_RATE.match(token)
        if rate:
            out.append(f"at {rate.group(1)}{'.' + rate.group(2) if rate.group(2) else ''} C")
        else:
            out.append(_WORDS.get(token.lower(), token))
    return " ".join(out)


def label(name: str, unit: str = "") -> str:
    """Axis label with the unit: ``calcination temperature (°C)``."""
    text = words(name, unit)
    return f"{text} ({pretty_unit(unit)})" if unit else text


def unit_of(definition: CampaignDefinition, name: str) -> str:
    """The unit of a parameter or outcome of ``definition`` ('' where none is given)."""
    if name in definition.space.names:
        return definition.space.parameter(name).unit
    if name in definition.outcome_names:
        return definition.outcome(name).unit
    return "wt%" if name.endswith("_wt_pct") else ""  # a mixture's remainder


def name_label(definition: CampaignDefinition, name: str) -> str:
    """Axis label of a parameter or outcome of ``definition``."""
    return label(name, unit_of(definition, name))


def objective_label(definition: CampaignDefinition, objective: Objective) -> str:
    """Axis label of an objective with the direction that is better."""
    if objective.direction == "target":
        hint = f"target {objective.target:g}"
    else:
        hint = "lower is better" if objective.direction == "minimise" else "higher is better"
    return f"{name_label(definition, objective.outcome)}, {hint}"
