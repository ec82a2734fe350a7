"""Recipes <-> model inputs: numeric parameters scaled to [0, 1], categoricals one-hot.

Fixed parameters carry no information and are dropped; they come back on decoding.
"""

from __future__ import annotations

from collections.abc import Container

import numpy as np
import pandas as pd

from nfpopt.space import CategoricalParameter, FixedParameter, SearchSpace


class Encoder:
    """Encodes recipes of ``space`` as a float matrix in the unit cube."""

    def __init__(self, space: SearchSpace) -> None:
        self.space = space
        self.feature_names: list[str] = []
        for parameter in space.parameters:
            if isinstance(parameter, CategoricalParameter):
                self.feature_names += [f"{parameter.name}={v}" for v in parameter.values]
            elif not isinstance(parameter, FixedParameter):
                self.feature_names.append(parameter.name)

    @property
    def dimension(self) -> int:
        return len(self.feature_names)

    def transform(self, recipes: pd.DataFrame) -> np.ndarray:
        """Recipes (one row each) -> array of shape ``(n, dimension)``."""
        columns = []
        for parameter in self.space.parameters:
            if isinstance(parameter, FixedParameter):
                continue
            values = recipes[parameter.name]
            if isinstance(parameter, CategoricalParameter):
                text = values.astype(str).str.strip().to_numpy()
                columns += [(text == level).astype(float) for level in parameter.values]
            else:
                span = float(parameter.upper - parameter.lower)
                columns.append((values.astype(float).to_numpy() - parameter.lower) / span)
        return np.column_stack(columns) if columns else np.zeros((len(recipes), 0))

    def inverse_transform(self, features: np.ndarray) -> pd.DataFrame:
        """Array of shape ``(n, dimension)`` -> recipes (categoricals by largest one-hot)."""
        features = np.atleast_2d(np.asarray(features, float))
        out: dict[str, object] = {}
        column = 0
        for parameter in self.space.parameters:
            if isinstance(parameter, FixedParameter):
                out[parameter.name] = [parameter.value] * len(features)
            elif isinstance(parameter, CategoricalParameter):
                block = features[:, column : column + len(parameter.values)]
                out[parameter.name] = [parameter.values[i] for i in block.argmax(axis=1)]
                column += len(parameter.values)
            else:
                value = parameter.lower + features[:, column] * (parameter.upper - parameter.lower)
                out[parameter.name] = np.round(value) if parameter.kind == "integer" else value
                column += 1
        return self.space.with_derived(pd.DataFrame(out))


def unseen_rows(features: np.ndarray, seen: Container[bytes]) -> tuple[list[bytes], dict[bytes, int]]:
    """Each encoded recipe's key (its bytes), and the first row of each key not in ``seen``:
    what a per-recipe memo still has to compute, in one call for all of them."""
    keys = [row.tobytes() for row in features]
    unseen: dict[bytes, int] = {}
    for row, key in enumerate(keys):
        if key not in seen:
            unseen.setdefault(key, row)
    return keys, unseen
