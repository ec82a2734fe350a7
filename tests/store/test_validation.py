"""Bad input to :class:`Result` is refused on construction, before any database is touched."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest

from nfpopt.exceptions import InputDataError
from nfpopt.store import ExperimentStatus, Result

OHM = "internal_resistance_ohm"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        pytest.param({"experiment_id": 0}, "positive integer", id="zero_id"),
        pytest.param({"experiment_id": -3}, "positive integer", id="negative_id"),
        pytest.param({"experiment_id": "3"}, "positive integer", id="string_id"),
        pytest.param({"experiment_id": True}, "positive integer", id="bool_id"),
        pytest.param({"experiment_id": 1.0}, "positive integer", id="float_id"),
        pytest.param({"outcomes": {OHM: math.nan}}, "not finite", id="nan_outcome"),
        pytest.param({"outcomes": {OHM: -math.inf}}, "not finite", id="infinite_outcome"),
        pytest.param({"outcomes": {OHM: "12"}}, "not a number", id="string_outcome"),
        pytest.param({"outcomes": {OHM: None}}, "not a number", id="none_outcome"),
        pytest.param({"outcomes": {OHM: True}}, "not a number", id="bool_outcome"),
        pytest.param({"outcomes": [(OHM, 1.0)]}, "must be a mapping", id="outcomes_not_mapping"),
        pytest.param({"outcomes": {"": 1.0}}, "usable name", id="empty_outcome_name"),
        pytest.param({"outcomes": {"notes": 1.0}}, "reserved", id="reserved_outcome_name"),
        pytest.param({"outcomes": {}}, "no outcomes and no failure_reason", id="nothing_recorded"),
        pytest.param({"failure_reason": " "}, "non-empty string", id="blank_failure_reason"),
        pytest.param({"parameters_made": {}}, "non-empty mapping", id="empty_parameters_made"),
        pytest.param({"parameters_made": {"t_c": math.nan}}, "not finite", id="nan_parameter_made"),
        pytest.param({"notes": 3}, "notes=3 must be a string", id="notes_not_text"),
    ],
)
def test_bad_results_are_refused(kwargs: dict[str, Any], match: str) -> None:
    fields = {"experiment_id": 1, "outcomes": {OHM: 1.0}, **kwargs}
    with pytest.raises(InputDataError, match=match):
        Result(**fields)


def test_messages_name_the_experiment_and_the_value() -> None:
    with pytest.raises(InputDataError) as caught:
        Result(12, {OHM: math.nan})
    assert "experiment_id=12" in str(caught.value)
    assert f"outcome '{OHM}'=nan" in str(caught.value)


def test_numpy_numbers_become_python_numbers() -> None:
    result = Result(np.int64(4), {OHM: np.float64(1.5), "count": np.int32(3)})  # type: ignore[arg-type, dict-item]
    assert result.experiment_id == 4 and type(result.experiment_id) is int
    assert [type(v) for v in result.outcomes.values()] == [float, int]


def test_result_status_and_immutability() -> None:
    assert Result(1, {OHM: 1.0}).status == ExperimentStatus.MEASURED
    failed = Result(1, failure_reason="cracked during sintering")
    assert failed.status == ExperimentStatus.FAILED
    with pytest.raises(dataclasses.FrozenInstanceError):
        failed.failure_reason = None  # type: ignore[misc]
