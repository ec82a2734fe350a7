"""Two people proposing at once: the second waits for the first and sees its batch as pending,
so no recipe is proposed twice (issue 15, item 4). Both backends."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nfpopt.campaign import Campaign
from nfpopt.definition import load_definition
from nfpopt.store import Store
from tests.campaign.conftest import NFP_CAMPAIGN
from tests.store.helpers import run_together

PROPOSER = Path(__file__).with_name("_proposer.py")
REPO_ROOT = Path(__file__).resolve().parents[2]
REPEATS = 10


def _spawn(url: str, workdir: Path, name: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, str(PROPOSER), url, str(workdir), name, str(REPEATS)]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_two_processes_proposing_at_once_never_propose_the_same_recipe(db_url: str, tmp_path: Path) -> None:
    with Store(db_url) as store:
        Campaign.create(store, load_definition(NFP_CAMPAIGN))
    workers = [_spawn(db_url, tmp_path, name) for name in ("ann", "bob")]
    run_together(workers, [tmp_path / f"ready-{name}" for name in ("ann", "bob")], tmp_path / "go")
    with Store(db_url) as store:
        table = Campaign.open(store).table()
    assert sorted(table["batch"].unique()) == list(range(1, 2 * REPEATS + 1))
    recipes = table[["glass_ssa_m2_g", "alumina_ssa_m2_g", "ab_wt_pct", "calcination_temp_c"]]
    assert not recipes.duplicated().any(), "a recipe was proposed twice: a proposer missed a pending batch"


def test_a_batch_fitted_on_experiments_that_changed_meanwhile_is_fitted_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fit runs without the lock; a batch stored by someone else during it is seen by a refit."""
    import nfpopt.recommend.strategies as strategies

    db = tmp_path / "c.db"
    with Store(db) as store:
        Campaign.create(store, load_definition(NFP_CAMPAIGN))
    fast, seen = strategies.propose, []

    def meanwhile(definition, experiments, batch_size, **options):  # noqa: ANN001, ANN202
        seen.append(len(experiments))
        if len(seen) == 1:
            with Store(db) as other:  # another lab member's propose lands during this fit
                Campaign.open(other).propose(2, strategy="random")
        return fast(definition, experiments, batch_size, **options)

    monkeypatch.setattr(strategies, "propose", meanwhile)
    with Store(db) as store:
        batch = Campaign.open(store).propose(2, strategy="random")
    assert seen == [0, 0, 2]  # ours, the other's (inside ours), then our refit, which sees the other's batch
    assert batch["batch"].tolist() == [2, 2]
