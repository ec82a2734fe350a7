"""Campaign definitions: a TOML file, validated on load.

Every message names the key, shows the value and says the fix. (Hand-written rather than
pydantic: pydantic's messages name the key and value but not the chemistry-specific fix.)
See ``campaigns/nfp_rate.toml`` for a complete, commented example.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from nfpopt.columns import RESERVED_NAMES
from nfpopt.exceptions import CampaignDefinitionError
from nfpopt.objectives import SCALES, Objective, OutcomeConstraint, OutcomeSpec
from nfpopt.priors import PriorModel, parse_prior
from nfpopt.space import (
    CategoricalParameter,
    Constraint,
    ContinuousParameter,
    FixedParameter,
    IntegerParameter,
    LinearConstraint,
    MixtureConstraint,
    OnsetConstraint,
    Parameter,
    SearchSpace,
)

#: Proposal strategies a campaign may name (implemented in :mod:`nfpopt.recommend.strategies`):
#: nfpopt's Bayesian recommender with a BoTorch GP (``bayes``), with the campaign's named process
#: model (``[prior]``) as the GP's prior mean (``physics``) or with a scikit-learn surrogate; and, for comparison,
#: random, Sobol and three of Optuna's samplers.
STRATEGIES = (
    "bayes",
    "physics",
    "bayes_extra_trees",
    "bayes_random_forest",
    "bayes_sklearn_gp",
    "random",
    "sobol",
    "tpe",
    "nsga2",
    "optuna_gp",
)
_TOP_LEVEL = {
    "campaign",
    "parameters",
    "constraints",
    "objectives",
    "outcome_constraints",
    "outcomes",
    "feasibility",
    "candidates",
    "instruments",
    "prior",
}
#: Most recipes one batch (or the initial design) may hold; more is a typo, not a lab's batch.
MAX_BATCH_SIZE = 1000
#: Columns of the experiment table and of a proposed batch that no parameter or outcome may reuse.
RESERVED_COLUMNS = RESERVED_NAMES | {"p_feasible", "rationale"}
RESERVED_PREFIXES = ("predicted_", "proposal_")
#: Recipes sampled over the bounds to check, at init, that the constraints leave some.
SATISFIABILITY_DRAWS = 1 << 14
_POOL_LINE = re.compile(r"^\s*candidate_pool\s*=.*$", re.MULTILINE)


@dataclass(frozen=True)
class CampaignDefinition:
    """Everything a campaign fixes up front: space, outcomes, objectives and how to propose."""

    name: str
    space: SearchSpace
    outcomes: tuple[OutcomeSpec, ...]
    objectives: tuple[Objective, ...]
    outcome_constraints: tuple[OutcomeConstraint, ...] = ()
    feasibility: str | None = None
    batch_size: int = 4
    seed: int = 0
    strategy: str = "bayes"
    initial_design_size: int = 5
    description: str = ""
    candidate_pool: pd.DataFrame | None = field(default=None, compare=False)
    #: ``[instruments]``: the equivalent circuit of the impedance fits and the discharge cut-off
    #: that ``nfpopt extract`` uses (None: the paper's R0-p(R1,CPE1)-p(R2,CPE2) and 2.0 V).
    circuit: str | None = None
    cutoff_v: float | None = None
    #: ``[prior]``: the process model the ``physics`` strategy uses as its prior mean (:mod:`nfpopt.priors`).
    prior: PriorModel | None = None
    #: ``[campaign] top_fraction``: the goal is as many as possible of the pool's best share
    #: (e.g. 0.05), not one best recipe: `bayes` then proposes the rows likeliest to be among them
    #: (:mod:`nfpopt.recommend.top_set`). Pool campaigns with one objective only.
    top_fraction: float | None = None
    source_text: str = field(default="", compare=False, repr=False)

    def outcome(self, name: str) -> OutcomeSpec:
        """The declared outcome called ``name``."""
        for spec in self.outcomes:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def outcome_names(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.outcomes)

    def self_contained_text(self) -> str:
        """The TOML source with a file candidate pool written inline as ``[[candidates]]``.

        The database keeps this text, so a campaign shared between stations does not depend
        on a CSV beside the file it was created from.
        """
        if self.candidate_pool is None or not _POOL_LINE.search(self.source_text):
            return self.source_text
        lines = [_POOL_LINE.sub("", self.source_text).rstrip(), "", "# candidate pool, inlined at init"]
        for row in self.candidate_pool[list(self.space.names)].to_dict(orient="records"):
            lines.append("[[candidates]]")
            lines += [f"{name} = {_toml_value(value)}" for name, value in row.items()]
        return "\n".join(lines) + "\n"


def _toml_value(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    number = float(value)  # type: ignore[arg-type]
    return repr(int(number)) if number.is_integer() and not isinstance(value, float) else repr(number)


class _Reader:
    """Reads one table of the TOML document, naming the key path in every error."""

    def __init__(self, table: Mapping[str, Any], path: str, source: str) -> None:
        self.table, self.path, self.source = table, path, source

    def fail(self, key: str, value: object, fix: str) -> CampaignDefinitionError:
        where = f"{self.path}.{key}" if self.path else key
        return CampaignDefinitionError(f"{self.source}: key '{where}' = {value!r}: {fix}")

    def require(self, key: str) -> Any:
        if key not in self.table:
            where = f"{self.path}.{key}" if self.path else key
            return _raise(CampaignDefinitionError(f"{self.source}: missing key '{where}'; add it"))
        return self.table[key]

    def text(self, key: str, default: str | None = None) -> str:
        value = self.table.get(key, default) if default is not None else self.require(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, value, "write a non-empty string")
        return value.strip()

    def number(self, key: str, default: float | None = None) -> float:
        value = self.table.get(key, default) if default is not None or key in self.table else self.require(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self.fail(key, value, "write a finite number")
        return float(value)

    def optional_number(self, key: str) -> float | None:
        return self.number(key) if key in self.table else None

    def integer(self, key: str, default: int, minimum: int = 0, maximum: int | None = None) -> int:
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(key, value, f"write a whole number >= {minimum}")
        if maximum is not None and value > maximum:
            raise self.fail(key, value, f"write a whole number from {minimum} to {maximum} (recipes per batch)")
        return value

    def column_name(self, key: str) -> str:
        """``text(key)``, refused if it would clash with a column of the experiment table."""
        name = self.text(key)
        if name in RESERVED_COLUMNS or name.startswith(RESERVED_PREFIXES):
            reserved = ", ".join(sorted(RESERVED_COLUMNS))
            raise self.fail(
                key,
                name,
                f"the name clashes with a column of the experiment table ({reserved}, or starting with "
                f"{' or '.join(RESERVED_PREFIXES)}); rename it, e.g. '{name}_value'",
            )
        return name

    def no_extra(self, allowed: set[str]) -> None:
        for key, value in self.table.items():
            if key not in allowed:
                raise self.fail(key, value, f"unknown key; allowed here: {sorted(allowed)}")


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _raise(error: Exception) -> Any:
    raise error


def _parameter(reader: _Reader) -> Parameter:
    kind = reader.text("type")
    name = reader.column_name("name")
    unit = reader.table.get("unit", "")
    if kind in ("continuous", "integer"):
        reader.no_extra({"name", "type", "bounds", "unit", "description", "step"})
        bounds = reader.require("bounds")
        if not isinstance(bounds, list) or len(bounds) != 2 or not all(_finite(b) for b in bounds):
            raise reader.fail("bounds", bounds, "write two finite numbers (no inf or nan), e.g. bounds = [500, 560]")
        lower, upper = bounds
        if not lower < upper:
            raise reader.fail("bounds", bounds, f"lower must be below upper; write bounds = [{upper}, {lower}]")
        step = _step(reader, kind, lower, upper)
        if kind == "integer":
            if lower != int(lower) or upper != int(upper):
                raise reader.fail("bounds", bounds, "an integer parameter needs whole-number bounds")
            return IntegerParameter(name, int(lower), int(upper), unit, None if step is None else int(step))
        return ContinuousParameter(name, float(lower), float(upper), unit, step)
    if kind == "categorical":
        reader.no_extra({"name", "type", "values", "unit", "description"})
        values = reader.require("values")
        if (
            not isinstance(values, list)
            or len(values) < 2
            or not all(isinstance(v, str) for v in values)
            or len(set(values)) != len(values)
        ):
            raise reader.fail("values", values, 'write at least two distinct strings, e.g. values = ["none", "both"]')
        return CategoricalParameter(name, tuple(values), unit)
    if kind == "fixed":
        reader.no_extra({"name", "type", "value", "unit", "description"})
        value = reader.require("value")
        if not (isinstance(value, str) or _finite(value)):
            raise reader.fail("value", value, "write a finite number or a string")
        return FixedParameter(name, float(value) if not isinstance(value, str) else value, unit)
    raise reader.fail("type", kind, "use one of 'continuous', 'integer', 'categorical', 'fixed'")


def _step(reader: _Reader, kind: str, lower: float, upper: float) -> float | None:
    """The ``step`` a parameter is set to in the lab (its resolution), or None: positive, whole
    for an integer parameter, and with at least one multiple of it inside the bounds."""
    if "step" not in reader.table:
        return None
    step = reader.number("step")
    unit = f" {reader.table['unit']}" if reader.table.get("unit") else ""
    if step <= 0:
        raise reader.fail("step", reader.table["step"], f"write the resolution the lab sets it to, e.g. step = 1{unit}")
    if kind == "integer" and step != int(step):
        raise reader.fail("step", reader.table["step"], "an integer parameter needs a whole-number step")
    if math.floor(upper / step + 1e-9) < math.ceil(lower / step - 1e-9):
        raise reader.fail(
            "step", reader.table["step"], f"no multiple of it lies in bounds [{lower:g}, {upper:g}]; use a finer step"
        )
    return step


def _constraint(reader: _Reader, names: set[str]) -> Constraint:
    kind = reader.text("type")

    def known(key: str, name: object) -> str:
        if name not in names:
            raise reader.fail(key, name, f"not a parameter of this campaign; use one of {sorted(names)}")
        return str(name)

    if kind == "mixture":
        reader.no_extra({"type", "components", "total", "remainder", "min_remainder"})
        components = reader.require("components")
        if not isinstance(components, list) or not components:
            raise reader.fail("components", components, 'list the parameters, e.g. ["ab_wt_pct", "alumina_wt_pct"]')
        remainder = reader.table.get("remainder")
        if remainder is not None and (not isinstance(remainder, str) or remainder in names):
            raise reader.fail("remainder", remainder, "name a derived column that is not a parameter")
        if remainder is not None:
            reader.column_name("remainder")
        return MixtureConstraint(
            tuple(known("components", c) for c in components),
            reader.number("total", 100.0),
            remainder,
            reader.number("min_remainder", 0.0),
        )
    if kind == "linear":
        reader.no_extra({"type", "coefficients", "lower", "upper"})
        coefficients = reader.require("coefficients")
        if not isinstance(coefficients, dict) or not coefficients or not all(_finite(c) for c in coefficients.values()):
            raise reader.fail("coefficients", coefficients, "write a table of finite numbers, e.g. { ab_wt_pct = 1.0 }")
        lower, upper = reader.optional_number("lower"), reader.optional_number("upper")
        if lower is None and upper is None:
            raise reader.fail("lower", None, "give lower, upper or both")
        return LinearConstraint(
            tuple((known("coefficients", n), float(c)) for n, c in coefficients.items()),
            -math.inf if lower is None else lower,
            math.inf if upper is None else upper,
        )
    if kind == "above_crystallisation_onset":
        reader.no_extra({"type", "temperature", "ssa", "margin_c"})
        return OnsetConstraint(
            known("temperature", reader.text("temperature")),
            known("ssa", reader.text("ssa")),
            reader.number("margin_c", 0.0),
        )
    raise reader.fail("type", kind, "use one of 'mixture', 'linear', 'above_crystallisation_onset'")


def _outcome(reader: _Reader) -> OutcomeSpec:
    reader.no_extra({"name", "unit", "lower", "upper", "kind", "description", "scale", "hurdle", "rate_c"})
    kind = reader.table.get("kind", "number")
    if kind not in ("number", "boolean"):
        raise reader.fail("kind", kind, "use 'number' or 'boolean'")
    scale = reader.table.get("scale")
    if scale is not None and scale not in SCALES:
        raise reader.fail("scale", scale, f"use one of {list(SCALES)} (log: a positive quantity with relative errors)")
    hurdle = reader.table.get("hurdle", False)
    if not isinstance(hurdle, bool):
        raise reader.fail("hurdle", hurdle, "write true or false")
    rate = reader.optional_number("rate_c")
    if rate is not None and rate <= 0:
        raise reader.fail("rate_c", rate, "a C-rate is positive, e.g. rate_c = 2.0 for 2 C")
    spec = OutcomeSpec(
        reader.column_name("name"),
        str(reader.table.get("unit", "")),
        reader.number("lower", -math.inf) if "lower" in reader.table else -math.inf,
        reader.number("upper", math.inf) if "upper" in reader.table else math.inf,
        kind,
        str(reader.table.get("description", "")),
        scale,
        hurdle,
        rate,
    )
    if spec.lower >= spec.upper:
        raise reader.fail("lower", spec.lower, f"must be below upper ({spec.upper:g})")
    if scale == "log" and spec.lower < 0:
        raise reader.fail("scale", scale, "a log scale needs a positive outcome: declare lower = 0 (or above)")
    if kind == "boolean" and (scale is not None or hurdle):
        key = "scale" if scale is not None else "hurdle"
        raise reader.fail(key, reader.table[key], "a boolean outcome has no scale and no hurdle; remove the key")
    return spec


def _objective(reader: _Reader, outcomes: set[str]) -> Objective:
    reader.no_extra({"outcome", "direction", "threshold", "target"})
    outcome = reader.text("outcome")
    if outcome not in outcomes:
        raise reader.fail("outcome", outcome, f"declare it under [[outcomes]] first; declared: {sorted(outcomes)}")
    direction = reader.text("direction")
    if direction not in ("minimise", "maximise", "target"):
        raise reader.fail("direction", direction, "use 'minimise', 'maximise' or 'target'")
    target = reader.optional_number("target")
    if direction == "target" and target is None:
        raise reader.fail("target", None, "a 'target' objective needs target = <value>")
    return Objective(outcome, direction, reader.optional_number("threshold"), target)  # type: ignore[arg-type]


def parse_definition(text: str, *, source: str = "<campaign>", base_dir: Path | None = None) -> CampaignDefinition:
    """Parse and validate a campaign definition from TOML text (a leading UTF-8 BOM is dropped)."""
    text = text.removeprefix("\ufeff")  # written by Windows editors; TOML itself has no place for it
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CampaignDefinitionError(f"{source}: not valid TOML ({exc}); fix the syntax") from exc
    root = _Reader(document, "", source)
    root.no_extra(_TOP_LEVEL)
    campaign = _Reader(root.require("campaign"), "campaign", source)
    campaign.no_extra(
        {
            "name",
            "description",
            "batch_size",
            "seed",
            "strategy",
            "candidate_pool",
            "initial_design_size",
            "top_fraction",
        }
    )

    parameters = [_parameter(_Reader(t, f"parameters[{i}]", source)) for i, t in enumerate(root.require("parameters"))]
    names = [p.name for p in parameters]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise root.fail("parameters", duplicates, "each parameter name must appear once")
    constraints = [
        _constraint(_Reader(t, f"constraints[{i}]", source), set(names))
        for i, t in enumerate(document.get("constraints", []))
    ]
    outcomes = [_outcome(_Reader(t, f"outcomes[{i}]", source)) for i, t in enumerate(root.require("outcomes"))]
    outcome_names = {o.name for o in outcomes}
    objectives = [
        _objective(_Reader(t, f"objectives[{i}]", source), outcome_names)
        for i, t in enumerate(root.require("objectives"))
    ]
    if not objectives:
        raise root.fail("objectives", [], "declare at least one [[objectives]]")
    limits = []
    for i, table in enumerate(document.get("outcome_constraints", [])):
        reader = _Reader(table, f"outcome_constraints[{i}]", source)
        reader.no_extra({"outcome", "lower", "upper"})
        outcome = reader.text("outcome")
        if outcome not in outcome_names:
            raise reader.fail("outcome", outcome, f"declare it under [[outcomes]]; declared: {sorted(outcome_names)}")
        lower, upper = reader.optional_number("lower"), reader.optional_number("upper")
        if lower is None and upper is None:
            raise reader.fail("lower", None, "give lower, upper or both")
        limits.append(
            OutcomeConstraint(outcome, -math.inf if lower is None else lower, math.inf if upper is None else upper)
        )
    feasibility = None
    if "feasibility" in document:
        reader = _Reader(document["feasibility"], "feasibility", source)
        reader.no_extra({"outcome"})
        feasibility = reader.text("outcome")
        if feasibility not in outcome_names or next(o for o in outcomes if o.name == feasibility).kind != "boolean":
            raise reader.fail("outcome", feasibility, "declare it under [[outcomes]] with kind = 'boolean'")

    strategy = campaign.text("strategy", "bayes")
    if strategy not in STRATEGIES:
        raise campaign.fail("strategy", strategy, f"use one of {list(STRATEGIES)}")
    prior = None
    if "prior" in document:
        kinds = {o.name: o.kind for o in outcomes}
        prior = parse_prior(document["prior"], source=source, outcomes=kinds, feasibility=feasibility)
    elif strategy == "physics":
        raise campaign.fail(
            "strategy",
            strategy,
            "'physics' uses the campaign's process model as its prior: name one in a [prior] table "
            "(docs/priors.md), or use strategy = 'bayes'",
        )
    space = SearchSpace(tuple(parameters), tuple(constraints))
    pool = None
    if "candidate_pool" in campaign.table and "candidates" in document:
        raise campaign.fail(
            "candidate_pool",
            campaign.table["candidate_pool"],
            "give the pool either as a CSV file or as [[candidates]], not both",
        )
    if "candidate_pool" in campaign.table:
        pool = _read_pool(campaign, space, base_dir or Path.cwd())
    elif "candidates" in document:
        inline = pd.DataFrame(document["candidates"])
        message = space.describe_problems(inline, source=f"{source} [[candidates]]", limit=5)
        if message:
            raise CampaignDefinitionError(message)
        pool = space.with_derived(inline[list(space.names)])
    else:
        _check_satisfiable(space, source)  # a pool's rows were each checked against the constraints
    top_fraction = _top_fraction(campaign, pool, objectives, limits, outcomes)
    return CampaignDefinition(
        name=campaign.text("name"),
        space=space,
        outcomes=tuple(outcomes),
        objectives=tuple(objectives),
        outcome_constraints=tuple(limits),
        feasibility=feasibility,
        batch_size=campaign.integer("batch_size", 4, minimum=1, maximum=MAX_BATCH_SIZE),
        seed=campaign.integer("seed", 0),
        strategy=strategy,
        initial_design_size=campaign.integer("initial_design_size", 5, minimum=1, maximum=MAX_BATCH_SIZE),
        description=str(campaign.table.get("description", "")),
        candidate_pool=pool,
        **_instruments(document, source),
        prior=prior,
        top_fraction=top_fraction,
        source_text=text,
    )


def _check_satisfiable(space: SearchSpace, source: str) -> None:
    """Refuse constraints that no recipe within the bounds can meet (the campaign could never
    propose anything), naming them."""
    failing = space.unsatisfiable(draws=SATISFIABILITY_DRAWS)
    if not failing:
        return
    listed = "; ".join(f"constraints[{i}]: {_describe(space.constraints[i])}" for i in failing)
    together = " together" if len(failing) > 1 else ""
    raise CampaignDefinitionError(
        f"{source}: no recipe can satisfy this campaign: none of {SATISFIABILITY_DRAWS} random recipes spread over "
        f"the parameter bounds meets{together} {listed}. Widen the parameters' bounds or relax the constraint"
    )


def _describe(constraint: Constraint) -> str:
    text = constraint.describe()
    if isinstance(constraint, MixtureConstraint) and constraint.remainder and constraint.min_remainder:
        text += f", {constraint.remainder} >= {constraint.min_remainder:g}"
    return text


def _instruments(document: Mapping[str, Any], source: str) -> dict[str, Any]:
    """The ``[instruments]`` table: ``circuit`` (impedance.py notation) and ``cutoff_v``."""
    if "instruments" not in document:
        return {}
    from nfpopt.instruments.impedance_fit import circuit_problem

    reader = _Reader(document["instruments"], "instruments", source)
    reader.no_extra({"circuit", "cutoff_v"})
    settings: dict[str, Any] = {}
    if "circuit" in reader.table:
        settings["circuit"] = reader.text("circuit")
        problem = circuit_problem(settings["circuit"])
        if problem:
            raise reader.fail("circuit", settings["circuit"], problem)
    cutoff_v = reader.optional_number("cutoff_v")
    if cutoff_v is not None:
        if not 0.0 < cutoff_v < 10.0:
            raise reader.fail("cutoff_v", cutoff_v, "write the discharge cut-off in volts, between 0 and 10")
        settings["cutoff_v"] = cutoff_v
    return settings


def _read_pool(campaign: _Reader, space: SearchSpace, base_dir: Path) -> pd.DataFrame:
    path = Path(campaign.text("candidate_pool"))
    path = path if path.is_absolute() else base_dir / path
    try:
        pool = pd.read_csv(path, skipinitialspace=True)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise campaign.fail("candidate_pool", str(path), f"cannot read the CSV ({exc})") from exc
    message = space.describe_problems(pool, source=str(path), limit=5)
    if message:
        raise CampaignDefinitionError(message)
    return space.with_derived(pool[list(space.names)])


def _top_fraction(
    campaign: _Reader,
    pool: pd.DataFrame | None,
    objectives: list[Objective],
    limits: list[OutcomeConstraint],
    outcomes: list[OutcomeSpec],
) -> float | None:
    """``[campaign] top_fraction``, checked against what a top set needs: a pool, one objective to
    rank it by (maximised or minimised, not a hurdle), no outcome constraints."""
    value = campaign.optional_number("top_fraction")
    if value is None:
        return None
    if not 0.0 < value <= 1.0:
        raise campaign.fail("top_fraction", value, "write the share of the pool to find, in (0, 1], e.g. 0.05")
    if pool is None:
        raise campaign.fail(
            "top_fraction",
            value,
            "a top set is a share of a candidate pool: add candidate_pool = 'rows.csv' or [[candidates]], "
            "or remove top_fraction",
        )
    if len(objectives) != 1 or objectives[0].direction == "target":
        raise campaign.fail(
            "top_fraction",
            value,
            "the pool is ranked by one objective, maximised or minimised: keep one such [[objectives]]",
        )
    if limits:
        raise campaign.fail(
            "top_fraction",
            value,
            "outcome constraints are not part of the top-set search yet: remove them or top_fraction",
        )
    spec = next(o for o in outcomes if o.name == objectives[0].outcome)
    if spec.hurdle:
        raise campaign.fail(
            "top_fraction",
            value,
            f"{spec.name} is a hurdle outcome (mostly 0): rank the pool by an outcome that is not",
        )
    return value


def load_definition(path: str | Path) -> CampaignDefinition:
    """Read and validate a campaign definition file (``campaigns/*.toml``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CampaignDefinitionError(
            f"cannot read campaign file {path}: it is not UTF-8 text ({exc}); save it as UTF-8"
        ) from exc
    except OSError as exc:
        raise CampaignDefinitionError(f"cannot read campaign file {path}: {exc}") from exc
    return parse_definition(text, source=str(path), base_dir=path.parent)
