"""The README's examples run as pasted: the Python campaign loop and the pool campaign."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from nfpopt.cli.main import cli
from nfpopt.definition import load_definition

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(heading: str, language: str) -> str:
    """The first ``language`` code block after ``heading`` in the README."""
    section = README[README.index(heading) :]
    match = re.search(rf"```{language}\n(.*?)```", section, re.DOTALL)
    assert match, f"no {language} block after {heading!r}"
    return match.group(1)


def _assert_shown_lines_are_in(section: str, campaign_file: str) -> None:
    """Every non-comment line of the README's TOML block under ``section`` is in the campaign file."""
    text = (ROOT / "campaigns" / campaign_file).read_text(encoding="utf-8")
    for line in _block(section, "toml").splitlines():
        if line.strip() and not line.startswith("#"):
            assert line.split("#")[0].strip() in text, line


def test_the_readme_python_campaign_loop_runs() -> None:
    code = _block("## The campaign loop from Python", "python")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert run.returncode == 0, run.stderr
    assert "'measured'" in run.stdout and "internal_resistance_ohm" in run.stdout


def test_the_readme_pool_example_is_the_campaign_file_and_proposes_from_its_pool(tmp_path: Path) -> None:
    _assert_shown_lines_are_in("## A pool campaign with a simplex", "cathode_mix_pool.toml")
    definition = load_definition(ROOT / "campaigns" / "cathode_mix_pool.toml")
    url = f"sqlite:///{tmp_path / 'pool.db'}"
    assert (
        CliRunner().invoke(cli, ["init", str(ROOT / "campaigns" / "cathode_mix_pool.toml"), "--db", url]).exit_code == 0
    )
    proposed = CliRunner().invoke(cli, ["propose", "--strategy", "random", "--db", url, "-o", str(tmp_path / "b.csv")])
    assert proposed.exit_code == 0, proposed.output
    batch = pd.read_csv(tmp_path / "b.csv")
    names = list(definition.space.names)
    pool = {tuple(row) for row in definition.candidate_pool[names].itertuples(index=False)}
    assert all(tuple(row) in pool for row in batch[names].itertuples(index=False))
    assert (batch[["nfp_wt_pct", "alumina_wt_pct", "ab_wt_pct"]].sum(axis=1) - 100).abs().max() < 1e-6


def test_the_readme_physics_prior_campaign_runs_as_pasted(tmp_path: Path) -> None:
    """The bash loop, with the repository's paths made absolute, in a scratch folder."""
    _assert_shown_lines_are_in("## A campaign with a physics prior", "alloy_ageing_physics.toml")
    script = _block("## A campaign with a physics prior", "bash")
    script = script.replace(".venv/bin/", f"{Path(sys.executable).parent}/").replace("campaigns/", f"{ROOT}/campaigns/")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        ["bash", "-e", "-c", script], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600
    )
    assert run.returncode == 0, run.stderr
    assert "recorded 3 result(s)" in run.stdout and "alloy_ageing_physics" in run.stdout
