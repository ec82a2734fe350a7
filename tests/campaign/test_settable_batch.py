"""A proposed batch of the paper's campaign is one a technician can set: every recipe on the
campaign file's steps, and a CSV without 15-digit numbers."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from nfpopt.definition import load_definition

from .conftest import NFP_CAMPAIGN


def test_proposals_of_the_paper_campaign_sit_on_its_declared_steps_in_a_csv_without_long_numbers(
    campaign_db: Path, batch: pd.DataFrame
) -> None:
    space = load_definition(NFP_CAMPAIGN).space
    for parameter in space.free:
        if getattr(parameter, "step", None):
            multiples = batch[parameter.name] / parameter.step
            assert np.allclose(multiples, np.round(multiples), atol=1e-9), parameter.name
    assert space.feasible(batch).all()
    text = (campaign_db.parent / "b.csv").read_text()
    assert not re.search(r"\d\.\d{7,}", text), text
