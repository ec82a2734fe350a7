"""Named physics priors: a campaign's own process model as the prior mean of its surrogates.

A campaign file names an importable function that maps a table of recipes to predicted
outcomes (``docs/priors.md``)::

    [prior]
    model = "nfpopt.emulator:physics_outcomes"      # "package.module:function"
    outcomes = ["internal_resistance_ohm", "capacity_2c_mah_g"]
    feasibility_margin = "sintering_index"          # optional: a column of the model's output

    [prior.constants]                               # optional: refitted to the lab's results
    charge_transfer_asr_ohm_cm2 = { value = 77.64, spread = 0.3, fit_to = ["internal_resistance_ohm"] }

The function is called as ``model(recipes, **constants)`` and returns a DataFrame with one row
per recipe and a finite column per declared outcome (and the margin); a recipe's row depends on
that recipe and the constants alone (nfpopt asks about each recipe once per set of constants and
remembers the answer). The ``physics`` strategy
then models each declared outcome as the model's prediction plus a GP of the discrepancy on the
outcome's scale, refits the constants (log-normal prior: ``log(c) ~ N(log(value), spread)``)
to the campaign's results, and gives the feasibility classifier the margin as one more input.

What is cheap is checked when the campaign file is loaded (the import, the declared names, the
function's signature); what needs a call (the columns returned, their finiteness) at every call.
Every message names the campaign file, the key and the fix.
"""

from __future__ import annotations

import importlib
import inspect
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from nfpopt.exceptions import PriorModelError

#: ``fit_to`` name of the evidence "which experiments succeeded" (needs a ``feasibility_margin``).
FEASIBILITY = "feasibility"
#: A constant's log-normal sd when the file gives none: within a factor ~1.35 of its value, 1 sd.
DEFAULT_SPREAD = 0.3
_PRIOR_KEYS = {"model", "outcomes", "feasibility_margin", "constants"}
_CONSTANT_KEYS = {"value", "spread", "fit_to"}


@dataclass(frozen=True)
class PriorConstant:
    """A refittable constant of the prior model: its prior value and log-normal spread."""

    name: str
    #: The value the model assumes (positive: the constants are fitted on a log scale).
    value: float
    #: sd of ``log(constant)`` about ``log(value)``: 0.3 lets a few results move it by ~35 %.
    spread: float = DEFAULT_SPREAD
    #: The evidence it is fitted to: outcome names of the prior and/or :data:`FEASIBILITY`.
    fit_to: tuple[str, ...] = ()


#: The predictions of :meth:`PriorModel.mean` by (model, function, recipe columns, constants), then
#: by each recipe's content hash: one row of the model's declared columns.
_REMEMBERED: dict[tuple, dict[int, np.ndarray]] = {}
_REMEMBERED_CONSTANTS = 16  # sets of constants remembered (a propose uses one or two)
_REMEMBERED_RECIPES = 200_000  # recipes remembered per set of constants


@dataclass(frozen=True)
class PriorModel:
    """A campaign's named process model (the ``[prior]`` table), resolved and validated."""

    #: ``"package.module:function"`` as written in the campaign file.
    model: str
    #: The outcomes it predicts, each a declared numeric outcome of the campaign.
    outcomes: tuple[str, ...]
    #: Column of the model's output that is > 0 where it expects the experiment to succeed.
    feasibility_margin: str | None = None
    constants: tuple[PriorConstant, ...] = ()
    #: The campaign file, named in every error.
    source: str = field(default="<campaign>", compare=False)
    function: Callable[..., Any] = field(default=None, compare=False, repr=False)  # type: ignore[assignment]

    def values(self) -> dict[str, float]:
        """The constants' prior values, by name."""
        return {c.name: c.value for c in self.constants}

    def predict(
        self,
        recipes: pd.DataFrame,
        constants: Mapping[str, float] | None = None,
        *,
        check: bool = True,
        columns: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """The model's declared columns for ``recipes`` (positional rows), each checked to be there.

        ``constants``: values of the declared constants (default: their prior values).
        ``check=False`` lets non-finite values through (the refit, whose search may try constants
        the model breaks at, counts them as misses); otherwise they are an error. ``columns``: only
        these of the declared columns; a model whose function takes a ``columns`` keyword is asked
        for them alone (the refit evaluates the model hundreds of times for one column: the NFP
        emulator's sintering index alone costs a third of its whole table).
        """
        output = self._call(recipes, constants, columns)
        columns = list(columns) if columns is not None else self.columns()
        missing = [c for c in columns if c not in output.columns]
        if missing:
            key = "prior.feasibility_margin" if missing == [self.feasibility_margin] else "prior.outcomes"
            raise self.fail(
                key,
                missing,
                f"{self.model} returned no such column (it returned {list(output.columns)[:12]}); "
                "declare only columns the model returns, or make it return them",
            )
        table = output[columns].apply(pd.to_numeric, errors="coerce").to_numpy(float)
        bad = ~np.isfinite(table)
        if check and bad.any():
            row, column = (int(i) for i in np.argwhere(bad)[0])
            recipe = recipes.iloc[row].to_dict()
            raise self.fail(
                "prior.model",
                self.model,
                f"it returned {int(bad.sum())} non-finite value(s), e.g. {columns[column]} = {table[row, column]} "
                f"for recipe {recipe}; a prior must predict a finite value everywhere in the space "
                "(clip it, or give a large finite value where the physics says 'no')",
            )
        return output[columns].reset_index(drop=True)

    def columns(self) -> list[str]:
        """Every column the prior declares: its outcomes, then its feasibility margin."""
        return [*self.outcomes, *([self.feasibility_margin] if self.feasibility_margin else [])]

    def mean(self, outcome: str, constants: Mapping[str, float] | None = None) -> Callable[[pd.DataFrame], np.ndarray]:
        """``recipes -> predicted outcome``, as :class:`~nfpopt.surrogates.OutcomeModel`'s prior mean.

        The prediction for each recipe under one set of constants is remembered (a prior is a
        pure function of them, recipe by recipe): one propose asks the prior about the same
        recipes, the results and the candidates, once per outcome model, for the feasibility
        margin, for each fold of the model-skill check and in each block of the acquisition
        (41 tables at 50 experiments on the NFP campaign, 3 of them new recipes).
        """
        return lambda recipes: self._remembered(recipes, constants)[outcome].to_numpy(float, copy=True)

    def margin(self, constants: Mapping[str, float] | None = None) -> Callable[[pd.DataFrame], np.ndarray] | None:
        """``recipes -> feasibility margin`` (> 0: the model expects success), or None if it gives none."""
        return self.mean(self.feasibility_margin, constants) if self.feasibility_margin else None

    def _remembered(self, recipes: pd.DataFrame, constants: Mapping[str, float] | None) -> pd.DataFrame:
        given = self.values() if constants is None else dict(constants)
        key = (self.model, id(self.function), tuple(recipes.columns), tuple(sorted(given.items())))
        if key not in _REMEMBERED:
            while len(_REMEMBERED) >= _REMEMBERED_CONSTANTS:
                _REMEMBERED.pop(next(iter(_REMEMBERED)))
            _REMEMBERED[key] = {}
        known = _REMEMBERED[key]
        hashes = pd.util.hash_pandas_object(recipes, index=False).to_numpy().tolist()
        new = _first_unknown(hashes, known)
        if len(known) + len(new) > _REMEMBERED_RECIPES:
            known.clear()
            new = _first_unknown(hashes, known)
        if new:
            predicted = self.predict(recipes.iloc[new], given).to_numpy(float)
            known.update(zip([hashes[i] for i in new], predicted, strict=True))
        rows = np.array([known[h] for h in hashes]).reshape(len(hashes), len(self.columns()))
        return pd.DataFrame(rows, columns=self.columns())

    def fail(self, key: str, value: object, fix: str) -> PriorModelError:
        """An error naming the campaign file, ``key`` and the fix."""
        return _Rejecter(self.source)(key, value, fix)

    def _call(
        self, recipes: pd.DataFrame, constants: Mapping[str, float] | None, columns: Sequence[str] | None = None
    ) -> pd.DataFrame:
        given = self.values() if constants is None else dict(constants)
        wanted = {"columns": list(columns)} if columns is not None and _takes_columns(self.function) else {}
        try:
            output = self.function(recipes.reset_index(drop=True), **wanted, **given)
        except TypeError as exc:
            raise self.fail(
                "prior.constants",
                sorted(given),
                f"calling {self.model}(recipes, **constants) raised TypeError ({exc}); "
                "name only constants the function accepts as keyword arguments",
            ) from exc
        if not isinstance(output, pd.DataFrame) or len(output) != len(recipes):
            shape = f"{type(output).__name__} of length {len(output) if hasattr(output, '__len__') else '?'}"
            raise self.fail(
                "prior.model",
                self.model,
                f"it must return a DataFrame with one row per recipe ({len(recipes)}), got a {shape}",
            )
        return output


def _first_unknown(hashes: list[int], known: Mapping[int, object]) -> list[int]:
    """Positions of the recipes (by content hash) not in ``known``, each distinct one once."""
    seen: set[int] = set(known)
    positions = []
    for position, digest in enumerate(hashes):
        if digest not in seen:
            seen.add(digest)
            positions.append(position)
    return positions


def parse_prior(table: object, *, source: str, outcomes: Mapping[str, str], feasibility: str | None) -> PriorModel:
    """The ``[prior]`` table of a campaign file, its model imported and its names checked.

    Args:
        table: the parsed ``[prior]`` table.
        source: the campaign file, for messages.
        outcomes: every declared outcome's name -> kind (``number`` or ``boolean``).
        feasibility: the campaign's feasibility outcome, if any.
    """
    reject = _Rejecter(source)
    if not isinstance(table, dict):
        raise reject("prior", table, 'write a table: [prior] with model = "package.module:function"')
    for key, value in table.items():
        if key not in _PRIOR_KEYS:
            raise reject(f"prior.{key}", value, f"unknown key; allowed here: {sorted(_PRIOR_KEYS)}")
    path = table.get("model")
    if not isinstance(path, str) or path.count(":") != 1 or not all(path.split(":")):
        raise reject("prior.model", path, 'name an importable function as "package.module:function"')
    predicted = _outcome_names(table.get("outcomes"), outcomes, reject)
    margin = table.get("feasibility_margin")
    if margin is not None:
        if not isinstance(margin, str) or not margin.strip():
            raise reject("prior.feasibility_margin", margin, "name a column of the model's output")
        if feasibility is None:
            raise reject(
                "prior.feasibility_margin",
                margin,
                "a margin informs the feasibility classifier; declare [feasibility] outcome = ... or remove the key",
            )
    evidence = (*predicted, *([FEASIBILITY] if margin else []))
    constants = tuple(_constant(name, spec, evidence, reject) for name, spec in _table(table, "constants", reject))
    function = _import(path, reject)
    _check_signature(function, path, constants, reject)
    return PriorModel(path, predicted, margin, constants, source, function)


class _Rejecter:
    """Makes the errors of one campaign file: ``reject(key, value, fix)``."""

    def __init__(self, source: str) -> None:
        self.source = source

    def __call__(self, key: str, value: object, fix: str) -> PriorModelError:
        return PriorModelError(f"{self.source}: key '{key}' = {value!r}: {fix}")


def _table(table: dict, key: str, reject: _Rejecter) -> list[tuple[str, Any]]:
    value = table.get(key, {})
    if not isinstance(value, dict):
        raise reject(f"prior.{key}", value, "write a table: [prior.constants] name = { value = 1.0, spread = 0.3 }")
    return list(value.items())


def _outcome_names(value: object, outcomes: Mapping[str, str], reject: _Rejecter) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise reject("prior.outcomes", value, 'list the outcomes the model predicts, e.g. ["hardness_hv"]')
    for name in value:
        if outcomes.get(name) != "number":
            numeric = sorted(n for n, kind in outcomes.items() if kind == "number")
            raise reject("prior.outcomes", name, f"name a declared numeric [[outcomes]] entry; declared: {numeric}")
    if len(set(value)) != len(value):
        raise reject("prior.outcomes", value, "list each outcome once")
    return tuple(value)


def _constant(name: str, spec: object, evidence: tuple[str, ...], reject: _Rejecter) -> PriorConstant:
    key = f"prior.constants.{name}"
    if not isinstance(spec, dict) or "value" not in spec:
        raise reject(key, spec, f"write {name} = {{ value = <positive number>, spread = {DEFAULT_SPREAD} }}")
    for extra in set(spec) - _CONSTANT_KEYS:
        raise reject(f"{key}.{extra}", spec[extra], f"unknown key; allowed here: {sorted(_CONSTANT_KEYS)}")
    value, spread = spec["value"], spec.get("spread", DEFAULT_SPREAD)
    if not _positive(value):
        raise reject(f"{key}.value", value, "write a positive finite number (the constants are fitted on a log scale)")
    if not _positive(spread):
        raise reject(f"{key}.spread", spread, "write the sd of log(constant), a positive number such as 0.3")
    fit_to = spec.get("fit_to", list(evidence))
    fit_to = [fit_to] if isinstance(fit_to, str) else fit_to
    if not isinstance(fit_to, list) or not fit_to or any(e not in evidence for e in fit_to):
        raise reject(f"{key}.fit_to", spec.get("fit_to"), f"list evidence to fit it to, from {list(evidence)}")
    return PriorConstant(name, float(value), float(spread), tuple(dict.fromkeys(fit_to)))


def _positive(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value > 0


def _import(path: str, reject: _Rejecter) -> Callable[..., Any]:
    module_name, attribute = path.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise reject(
            "prior.model",
            path,
            f"cannot import module '{module_name}' ({exc}); install the package that provides it, or put the "
            "folder holding it on PYTHONPATH",
        ) from exc
    except Exception as exc:  # the user's module failed while importing: say so, with its error
        raise reject("prior.model", path, f"importing '{module_name}' failed ({type(exc).__name__}: {exc})") from exc
    function = getattr(module, attribute, None)
    if function is None:
        public = sorted(n for n, v in vars(module).items() if callable(v) and not n.startswith("_"))[:12]
        raise reject("prior.model", path, f"module '{module_name}' has no '{attribute}'; functions there: {public}")
    if not callable(function):
        raise reject("prior.model", path, f"'{attribute}' in '{module_name}' is not a function")
    return function


def _check_signature(
    function: Callable[..., Any], path: str, constants: tuple[PriorConstant, ...], reject: _Rejecter
) -> None:
    """Every declared constant must be a keyword the function accepts (unless it takes ``**kwargs``:
    then the first call checks)."""
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):  # a builtin without a signature: the first call will tell
        return
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if not parameters or parameters[0].kind not in (*positional, inspect.Parameter.VAR_POSITIONAL):
        raise reject("prior.model", path, "the function must take the recipes table as its first argument")
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return
    keywords = [p.name for p in parameters[1:] if p.kind is not inspect.Parameter.POSITIONAL_ONLY]
    for constant in constants:
        if constant.name not in keywords:
            raise reject(
                f"prior.constants.{constant.name}",
                {"value": constant.value},
                f"{path} accepts no constant '{constant.name}'; it accepts {keywords}; rename or remove it",
            )


@cache
def _takes_columns(function: Callable[..., Any]) -> bool:
    """True if ``function`` has a ``columns`` keyword (it can compute only the columns asked for)."""
    try:
        return "columns" in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
