"""A campaign declares its circuit and cut-off (``[instruments]``); ``extract`` follows it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from nfpopt.cli.main import cli
from nfpopt.definition import load_definition, parse_definition
from nfpopt.exceptions import CampaignDefinitionError
from nfpopt.instruments.impedance_fit import PAPER_CIRCUIT, circuit_problem

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = """
[campaign]
name = "rc"
[[parameters]]
name = "temp_c"
type = "continuous"
bounds = [400, 600]
[[outcomes]]
name = "internal_resistance_ohm"
lower = 0
[[outcomes]]
name = "sintered"
kind = "boolean"
[[objectives]]
outcome = "internal_resistance_ohm"
direction = "minimise"
"""


def test_the_paper_campaign_declares_the_papers_circuit_and_cutoff() -> None:
    definition = load_definition(ROOT / "campaigns" / "nfp_rate.toml")
    assert definition.circuit == PAPER_CIRCUIT and definition.cutoff_v == 2.0
    assert parse_definition(MINIMAL).circuit is None


@pytest.mark.parametrize(
    ("table", "fragment"),
    [
        pytest.param('circuit = "R0-p(R1,L1)"', "instruments.circuit", id="unknown_element"),
        pytest.param('circuit = "R0-p(R1,CPE1"', "instruments.circuit", id="unbalanced"),
        pytest.param('circuit = "p(C1,CPE1)"', "no DC resistance", id="no_resistor"),
        pytest.param('circuit = "R0-p(R0,CPE1)"', "name each element once", id="element_twice"),
        pytest.param("cutoff_v = -1", "instruments.cutoff_v", id="negative_cutoff"),
        pytest.param('cutoff_v = "2 V"', "instruments.cutoff_v", id="cutoff_text"),
        pytest.param("colour = 1", "instruments.colour", id="unknown_key"),
    ],
)
def test_bad_instrument_settings_name_the_key(table: str, fragment: str) -> None:
    with pytest.raises(CampaignDefinitionError) as info:
        parse_definition(MINIMAL + "[instruments]\n" + table + "\n", source="bad.toml")
    assert fragment in str(info.value) and "bad.toml" in str(info.value)


@pytest.mark.parametrize("circuit", [PAPER_CIRCUIT, "R0-p(R1,C1)", "R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)", "R1"])
def test_circuits_nfpopt_fits_pass_the_check(circuit: str) -> None:
    assert circuit_problem(circuit) is None


def test_extract_follows_the_campaigns_circuit_and_writes_only_its_outcomes(tmp_path: Path) -> None:
    recipes = tmp_path / "b.csv"
    recipes.write_text(
        "experiment_id,glass_ssa_m2_g,alumina_ssa_m2_g,ab_wt_pct,alumina_wt_pct,calcination_temp_c,"
        "calcination_time_min,roughening\n3,27,45,4.2,12.4,525,30,none\n"
    )
    assert (
        CliRunner().invoke(cli, ["emulate", str(recipes), "--raw", str(tmp_path / "raw"), "--rates", "2"]).exit_code
        == 0
    )
    campaign = tmp_path / "rc.toml"
    campaign.write_text(MINIMAL + '[instruments]\ncircuit = "R0-p(R1,CPE1)"\n')
    args = ["extract", str(tmp_path / "raw"), "-o", str(tmp_path / "r.csv"), "--campaign-file", str(campaign)]
    refused = CliRunner().invoke(cli, args)
    assert refused.exit_code == 2 and "poor fit of R0-p(R1,CPE1)" in refused.output  # one arc for two
    kept = CliRunner().invoke(cli, [*args, "--keep-poor-fits", "--no-figures"])
    assert kept.exit_code == 0, kept.output
    assert "does not declare them" in kept.output and "capacity_2c_mah_g" in kept.output
    written = pd.read_csv(tmp_path / "r.csv")
    assert list(written.columns) == ["experiment_id", "sintered", "internal_resistance_ohm", "notes"]
