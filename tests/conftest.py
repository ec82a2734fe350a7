"""Shared fixtures: the paper's cells, their emulated outcomes, and one fresh database per test
on every backend.

SQLite always runs, in ``tmp_path``. PostgreSQL runs when ``NFPOPT_TEST_POSTGRES_URL`` names
a database the test role owns (``eval "$(bash .ci/postgres.sh)"`` sets one up); each test
then gets its own schema, selected through the connection's ``search_path`` and dropped
afterwards.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from nfpopt.emulator import emulate
from nfpopt.paper import paper_cells


@pytest.fixture(scope="session")
def cells() -> pd.DataFrame:
    """The paper's cells, indexed by cell name."""
    return paper_cells()


@pytest.fixture(scope="session")
def replay(cells: pd.DataFrame) -> pd.DataFrame:
    """Noise-free emulator outcomes of every co-fired paper cell, indexed by cell name."""
    cofired = cells[cells["cell_type"] == "glass_ceramic"]
    outcomes = emulate(cofired.reset_index())
    outcomes.index = cofired.index
    return outcomes


@pytest.fixture(scope="session", autouse=True)
def _no_worker_of_the_user() -> Iterator[None]:
    """The ``nfpopt`` processes the tests start never hand their calls to a worker the user
    started (``nfpopt worker start``): their worker folder is an empty one of the session's."""
    with tempfile.TemporaryDirectory(prefix="nfw-") as folder, pytest.MonkeyPatch.context() as patch:
        patch.setenv("NFPOPT_WORKER_DIR", folder)
        yield


POSTGRES_ENV_VAR = "NFPOPT_TEST_POSTGRES_URL"


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def backend(request: pytest.FixtureRequest) -> str:
    """The name of the backend under test."""
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: os.PathLike[str]) -> Iterator[str]:
    """The URL of a fresh, empty database on ``backend``."""
    if backend == "sqlite":
        yield f"sqlite:///{os.path.join(tmp_path, 'campaign.db')}"
        return
    base = os.environ.get(POSTGRES_ENV_VAR, "").strip()
    if not base:
        pytest.skip(f'PostgreSQL: set {POSTGRES_ENV_VAR} (eval "$(bash .ci/postgres.sh)")')
    schema = f"nfpopt_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()
