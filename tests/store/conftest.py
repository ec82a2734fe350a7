"""Fixtures for the store tests: an open store on every backend (``db_url`` is in
``tests/conftest.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nfpopt.store import Store

from .helpers import CAMPAIGN_TOML


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """An open store on a fresh database, closed after the test."""
    with Store(db_url) as opened:
        yield opened


@pytest.fixture
def campaign(store: Store) -> str:
    """The name of a campaign created in ``store``."""
    return store.create_campaign("nfp", CAMPAIGN_TOML).name
