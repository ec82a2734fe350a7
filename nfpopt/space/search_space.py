"""The search space: parameters plus the constraints every recipe must satisfy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nfpopt.exceptions import InputDataError
from nfpopt.space.constraints import Constraint, MixtureConstraint, satisfied
from nfpopt.space.parameters import (
    CategoricalParameter,
    ContinuousParameter,
    FixedParameter,
    IntegerParameter,
    Parameter,
    finite_number,
)

_MAX_SAMPLING_ROUNDS = 20
_SLACK = 1e-9


@dataclass(frozen=True)
class SearchSpace:
    """Where recipes may lie: each parameter's domain and every known constraint."""

    parameters: tuple[Parameter, ...]
    constraints: tuple[Constraint, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Parameter names in definition order."""
        return tuple(p.name for p in self.parameters)

    @property
    def derived_names(self) -> tuple[str, ...]:
        """Columns derived from the parameters (e.g. a mixture's remainder)."""
        return tuple(c.remainder for c in self.constraints if getattr(c, "remainder", None))

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name``."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        raise KeyError(name)

    @property
    def free(self) -> tuple[Parameter, ...]:
        """Parameters an optimiser may move (all but fixed ones)."""
        return tuple(p for p in self.parameters if not isinstance(p, FixedParameter))

    def with_derived(self, recipes: pd.DataFrame) -> pd.DataFrame:
        """``recipes`` with the derived columns (mixture remainders) filled in."""
        out = recipes.copy()
        for constraint in self.constraints:
            for name, values in constraint.derived(out).items():
                out[name] = values
        return out

    def settable(self, recipes: pd.DataFrame, taken: pd.DataFrame | None = None) -> pd.DataFrame:
        """``recipes`` on every parameter's declared step, each constraint still exact and none a
        repeat of ``taken`` (see :func:`nfpopt.space.settable.settable`)."""
        from nfpopt.space.settable import settable

        return settable(self, recipes, taken)

    def feasible(self, recipes: pd.DataFrame) -> np.ndarray:
        """Boolean mask: recipes inside every parameter domain and every constraint."""
        mask = np.ones(len(recipes), dtype=bool)
        for parameter in self.parameters:
            mask &= np.array([parameter.check(v) is None for v in recipes[parameter.name]], dtype=bool)
        for constraint in self.constraints:
            mask &= satisfied(constraint, recipes)
        return mask

    def problems(self, recipes: pd.DataFrame, *, source: str | None = None, row_offset: int = 1) -> list[str]:
        """Every reason a recipe is not allowed, each naming the row and column.

        To show a table's problems, prefer :meth:`describe_problems`: it also says how many rows
        fail in all.
        """
        prefix = f"{source}: " if source else ""
        found = self._problems_by_row(recipes, row_offset)
        if found is None:
            return [f"{prefix}{self._missing(recipes)}"]
        return [f"{prefix}{message}" for messages in found.values() for message in messages]

    def describe_problems(
        self, recipes: pd.DataFrame, *, source: str | None = None, row_offset: int = 1, limit: int = 5
    ) -> str | None:
        """``None`` if every recipe is allowed, else one message: how many rows fail, then the
        problems of the first ``limit`` failing rows, e.g. ``pool.csv: 37 of 120 rows are outside
        the search space (5 of 37 failing rows shown): row 3, column ...``."""
        prefix = f"{source}: " if source else ""
        found = self._problems_by_row(recipes, row_offset)
        if found is None:
            return f"{prefix}{self._missing(recipes)}"
        if not found:
            return None
        failing, total = len(found), len(recipes)
        shown = f" ({min(limit, failing)} of {failing} failing rows shown)" if failing > limit else ""
        listed = "; ".join(message for messages in list(found.values())[:limit] for message in messages)
        noun = "row is" if total == 1 else "rows are"
        return f"{prefix}{failing} of {total} {noun} outside the search space{shown}: {listed}"

    def _missing(self, recipes: pd.DataFrame) -> str:
        missing = [n for n in self.names if n not in recipes]
        return f"missing parameter column(s) {', '.join(missing)}; add them (one column per parameter)"

    def _problems_by_row(self, recipes: pd.DataFrame, row_offset: int) -> dict[int, list[str]] | None:
        """The problems of each failing row, keyed by its label; ``None`` if columns are missing."""
        if any(n not in recipes for n in self.names):
            return None
        units = {p.name: p.unit for p in self.parameters}
        found: dict[int, list[str]] = {}
        for position, (_, row) in enumerate(recipes.iterrows()):
            label = position + row_offset
            messages = []
            for parameter in self.parameters:
                message = parameter.check(row[parameter.name])
                if message:
                    messages.append(f"row {label}, column '{parameter.name}': {message}")
            frame = row.to_frame().T
            for constraint in self.constraints:
                if any(finite_number(row[n]) is None for n in constraint.parameters):
                    continue  # a missing or non-numeric value is reported above, on its own
                if not satisfied(constraint, frame)[0]:
                    column = constraint.parameters[0]
                    messages.append(f"row {label}, column '{column}': {constraint.explain(frame, units)}")
            if messages:
                found[label] = messages
        return found

    def validate(self, recipes: pd.DataFrame, *, source: str | None = None) -> None:
        """Raise :class:`InputDataError` saying how many rows break the space, listing the first 10."""
        message = self.describe_problems(recipes, source=source, limit=10)
        if message:
            raise InputDataError(message)

    def unsatisfiable(self, *, draws: int = 1 << 14) -> list[int]:
        """Indices of the constraints that leave no recipe, [] if some recipe satisfies them all.

        Checked on ``draws`` uniformly random recipes spread over the parameter bounds (the same
        every time): the constraints that no sample meets on its own, or, when each alone can
        be met but not all at once, every constraint. A mixture without a remainder is an
        equality that samples never hit; it is checked against its parts' bounds instead.
        """
        if not self.constraints:
            return []
        unit = np.random.default_rng(0).random((draws, max(1, len(self.free))))  # no scipy: cheap at load
        recipes = self.from_unit(unit[:, : len(self.free)])
        masks = [self._satisfied_somewhere(constraint, recipes) for constraint in self.constraints]
        alone = [index for index, mask in enumerate(masks) if not mask.any()]
        if alone:
            return alone
        return [] if np.logical_and.reduce(masks).any() else list(range(len(self.constraints)))

    def _satisfied_somewhere(self, constraint: Constraint, recipes: pd.DataFrame) -> np.ndarray:
        if not (isinstance(constraint, MixtureConstraint) and constraint.remainder is None):
            return satisfied(constraint, recipes)
        ranges = [_numeric_range(self.parameter(name)) for name in constraint.components]
        low, high = sum(r[0] for r in ranges), sum(r[1] for r in ranges)
        return np.full(len(recipes), low - _SLACK <= constraint.total <= high + _SLACK)

    def from_unit(self, unit: np.ndarray) -> pd.DataFrame:
        """Map points of the unit hypercube (one column per free parameter) to recipes."""
        columns = {}
        free_iter = iter(range(unit.shape[1]))
        for parameter in self.parameters:
            if isinstance(parameter, FixedParameter):
                columns[parameter.name] = parameter.from_unit(np.zeros(len(unit)))
            else:
                columns[parameter.name] = parameter.from_unit(unit[:, next(free_iter)])
        return pd.DataFrame(columns)

    def sample(self, n: int, *, seed: int | None = None, method: str = "sobol") -> pd.DataFrame:
        """``n`` recipes satisfying every constraint: scrambled Sobol (space-filling) or uniform.

        Candidates are drawn in rounds and filtered by the constraints, so a constraint that
        rejects most of the box costs more rounds, not a biased design.

        Raises:
            InputDataError: the constraints leave (almost) no feasible recipe.
        """
        from scipy.stats import qmc  # a second's import: only for commands that sample

        if n <= 0:
            return pd.DataFrame(columns=list(self.names) + list(self.derived_names))
        rng = np.random.default_rng(seed)
        dims = max(1, len(self.free))
        kept: list[pd.DataFrame] = []
        have = 0
        draw = max(64, 4 * n)
        for _ in range(_MAX_SAMPLING_ROUNDS):
            if method == "sobol":
                sampler = qmc.Sobol(d=dims, scramble=True, seed=rng)
                unit = sampler.random(1 << int(np.ceil(np.log2(draw))))
            elif method == "random":
                unit = rng.random((draw, dims))
            else:
                raise InputDataError(f"unknown sampling method {method!r}; use 'sobol' or 'random'")
            candidates = self.from_unit(unit[:, : len(self.free)] if self.free else unit[:, :0])
            candidates = candidates[self.feasible(candidates)]
            kept.append(candidates)
            have += len(candidates)
            if have >= n:
                break
            draw = min(draw * 2, 1 << 16)
        else:
            raise InputDataError(
                f"could not find {n} recipes satisfying the constraints "
                f"({'; '.join(c.describe() for c in self.constraints)}); widen the bounds"
            )
        design = pd.concat(kept, ignore_index=True)
        if method == "sobol":
            # Keep the space-filling order of the first Sobol points; later rounds only top up.
            design = design.iloc[:n]
        else:
            design = design.sample(n=n, random_state=int(rng.integers(2**31))).reset_index(drop=True)
        return self.with_derived(design.reset_index(drop=True))


def _numeric_range(parameter: Parameter) -> tuple[float, float]:
    """The lowest and highest value a parameter may take (unbounded for text)."""
    if isinstance(parameter, ContinuousParameter | IntegerParameter):
        return float(parameter.lower), float(parameter.upper)
    if isinstance(parameter, FixedParameter) and not isinstance(parameter.value, str):
        return float(parameter.value), float(parameter.value)
    return -np.inf, np.inf


def numeric_parameter_names(parameters: Sequence[Parameter]) -> list[str]:
    """Names of continuous and integer parameters."""
    return [p.name for p in parameters if isinstance(p, ContinuousParameter | IntegerParameter)]


def categorical_parameter_names(parameters: Sequence[Parameter]) -> list[str]:
    """Names of categorical parameters."""
    return [p.name for p in parameters if isinstance(p, CategoricalParameter)]
