"""Recognising a unit slip: a recorded value far outside a parameter's bounds that a common
conversion would bring inside, e.g. ``calcination_temp_c = 798.7`` with bounds [450, 600] C,
which is 525.55 C written in kelvin.

A recipe as made may lie outside the campaign's bounds (the lab deviated); only a value
outside them by more than the range is wide is suspicious enough to warn about.
"""

from __future__ import annotations

from collections.abc import Callable

from nfpopt.space.parameters import ContinuousParameter, IntegerParameter

#: What a value may have been written in, and how to convert it to the parameter's unit.
Conversion = tuple[str, Callable[[float], float]]

_TEMPERATURE: list[Conversion] = [("kelvin", lambda v: v - 273.15), ("°F", lambda v: (v - 32.0) * 5.0 / 9.0)]
_PERCENT: list[Conversion] = [("a fraction (0-1) instead of a percentage", lambda v: v * 100.0)]
_MINUTES: list[Conversion] = [("hours", lambda v: v * 60.0), ("seconds", lambda v: v / 60.0)]
_SCALE: list[Conversion] = [
    ("a unit 1000 times larger", lambda v: v * 1000.0),
    ("a unit 1000 times smaller", lambda v: v / 1000.0),
]
_BY_UNIT = {"c": _TEMPERATURE, "°c": _TEMPERATURE, "wt%": _PERCENT, "%": _PERCENT, "min": _MINUTES}
_BY_SUFFIX = {"_c": _TEMPERATURE, "_pct": _PERCENT, "_min": _MINUTES}


def _conversions(parameter: ContinuousParameter | IntegerParameter) -> list[Conversion]:
    known = _BY_UNIT.get(parameter.unit.strip().lower())
    if known is None:
        known = next((c for suffix, c in _BY_SUFFIX.items() if parameter.name.endswith(suffix)), [])
    return [*known, *_SCALE]


def unit_slip(parameter: object, value: object) -> str | None:
    """A warning if ``value`` lies outside ``parameter``'s bounds by more than their width,
    naming the likely slip where a common conversion brings it inside; else None."""
    if not isinstance(parameter, ContinuousParameter | IntegerParameter) or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    width = float(parameter.upper - parameter.lower)
    distance = max(parameter.lower - number, number - parameter.upper, 0.0)
    if distance <= width:
        return None
    unit = f" {parameter.unit}" if parameter.unit else ""
    found = (
        f"{parameter.name} = {number:g}{unit} is {distance:g}{unit} outside [{parameter.lower:g}, "
        f"{parameter.upper:g}]{unit}, farther than the range is wide"
    )
    for written_in, convert in _conversions(parameter):
        converted = convert(number)
        if parameter.lower <= converted <= parameter.upper:
            return f"{found}: was it written in {written_in}? That would be {converted:g}{unit}; convert it if so"
    return f"{found}: check that it was written in{unit or ' the unit of the campaign'}"
