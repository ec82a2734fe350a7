"""What ``propose`` and ``status`` show: intervals in the outcome's units under headings that are
not cut, and one line per model saying whether it is better than a constant yet."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from rich.console import Console

from nfpopt.cli.main import cli
from nfpopt.cli.tables import heading, proposal_cells, proposal_tables, significant
from nfpopt.paper import paper_cells_path

ROOT = Path(__file__).resolve().parents[2]
UNITS = {
    "glass_ssa_m2_g": "m2/g",
    "alumina_wt_pct": "wt%",
    "calcination_temp_c": "C",
    "roughening": "",
    "internal_resistance_ohm": "ohm",
    "capacity_2c_mah_g": "mAh/g",
}


def _batch(**extra: list[object]) -> pd.DataFrame:
    """Two proposals as the recommender returns them, with 90 % intervals."""
    return pd.DataFrame(
        {
            "experiment_id": [7, 8],
            "batch": [3, 3],
            "glass_ssa_m2_g": [27.0, 12.3],
            "alumina_wt_pct": [12.4, 20.0],
            "calcination_temp_c": [525.0, 560.2],
            "roughening": ["both", "cathode"],
            "predicted_internal_resistance_ohm": [205.2, 3929.0],
            "predicted_internal_resistance_ohm_lo90": [160.4, 2100.0],
            "predicted_internal_resistance_ohm_hi90": [262.3, 7351.0],
            "predicted_internal_resistance_ohm_scale": ["log", "log"],
            "predicted_capacity_2c_mah_g": [41.23, 0.0],
            "predicted_capacity_2c_mah_g_lo90": [20.1, 0.0],
            "predicted_capacity_2c_mah_g_hi90": [97.0, 12.7],
            "predicted_capacity_2c_mah_g_scale": ["linear", "linear"],
            "predicted_capacity_2c_mah_g_truncated": [True, False],
            "rationale": ["exploit", "explore"],
            **extra,
        }
    )


def test_predictions_show_point_and_interval_in_the_outcomes_units() -> None:
    cells = proposal_cells(_batch(p_feasible=[0.9134, 0.62]), UNITS)
    assert list(cells["internal resistance (Ω, log)"]) == ["205 [160, 262] Ω", "3930 [2100, 7350] Ω"]
    assert list(cells["capacity 2c (mAh/g, linear)"]) == ["41.2 [20.1, 97.0]* mAh/g", "0 [0, 12.7] mAh/g"]
    assert list(cells["P(success)"]) == ["0.91", "0.62"]
    assert list(cells.columns[:6]) == [
        "id",
        "batch",
        "glass ssa (m²/g)",
        "alumina (wt%)",
        "calcination temp (°C)",
        "roughening",
    ]
    assert "rationale" not in cells and not any(c.startswith("predicted_") for c in cells)


def test_a_top_set_search_shows_p_top_set_beside_the_predictions_not_among_the_recipe() -> None:
    cells = proposal_cells(_batch(p_top_set=[0.5412, 0.08], p_feasible=[0.9, 0.8]), UNITS)
    assert list(cells["P(top set)"]) == ["0.54", "0.08"]
    assert "P(top set)" in cells.attrs["predictions"] and "p_top_set" not in cells
    assert list(cells.columns[-2:]) == ["P(top set)", "P(success)"]


def test_no_success_column_without_a_feasibility_outcome() -> None:
    cells = proposal_cells(_batch(), UNITS)
    assert not any("success" in c for c in cells) and "p_feasible" not in cells


def test_a_strategy_with_only_an_sd_keeps_the_plus_minus_form() -> None:
    batch = pd.DataFrame(
        {
            "experiment_id": [1],
            "predicted_internal_resistance_ohm": [1234.5],
            "predicted_internal_resistance_ohm_sd": [87.6],
        }
    )
    cells = proposal_cells(batch, UNITS)
    assert list(cells["internal resistance (Ω)"]) == ["1230 ± 88 Ω"]


@pytest.mark.parametrize("width", [100, 132, 200, 300])
def test_no_heading_or_cell_is_cut(width: int) -> None:
    cells = proposal_cells(_batch(p_feasible=[0.91, 0.62]), UNITS)
    console = Console(width=width, record=True)
    for table in proposal_tables(cells, "batch 3", width=width):
        console.print(table)
    text = console.export_text()
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= width
    words = {word for column in cells for word in column.split()}
    assert all(word in text for word in words)
    assert "3930 [2100, 7350] Ω" in text and "41.2 [20.1, 97.0]* mAh/g" in text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (205.2, "205"),
        (3929.0, "3930"),
        (97.0, "97.0"),
        (0.012345, "0.0123"),
        (0.0, "0"),
        (1.5e7, "1.5e+07"),
        (-41.26, "-41.3"),
    ],
)
def test_three_significant_figures_in_plain_digits(value: float, text: str) -> None:
    assert significant(value) == text


def test_a_heading_names_the_quantity_its_unit_and_scale() -> None:
    assert heading("internal_resistance_ohm", "ohm", "log") == "internal resistance (Ω, log)"
    assert heading("ab_wt_pct", "wt%") == "ab (wt%)"
    assert heading("roughening") == "roughening"


# -- the commands ---------------------------------------------------------------------------
def _run(*args: object) -> object:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def new_campaign(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    _run("init", ROOT / "campaigns" / "nfp_rate.toml", "--db", url)
    return url


@pytest.fixture
def cell_a_only(new_campaign: str, tmp_path: Path) -> str:
    cells = pd.read_csv(paper_cells_path())
    cells[cells["cell"] == "A"].to_csv(tmp_path / "a.csv", index=False)
    _run("import", tmp_path / "a.csv", "--db", new_campaign)
    return new_campaign


def test_status_says_when_there_is_too_little_to_judge(cell_a_only: str) -> None:
    said = _run("status", "--skill", "--db", cell_a_only).output
    assert "model skill: not enough results to judge the models yet" in said
    skills = json.loads(_run("status", "--skill", "--db", cell_a_only, "--json").output)["model_skill"]
    assert set(skills) == {"internal_resistance_ohm", "capacity_2c_mah_g", "sintered"}
    assert all(
        s["text"] == "not enough results to judge the models yet" and not s["has_skill"] for s in skills.values()
    )


def test_status_before_any_proposal_says_the_models_are_not_judged_yet(cell_a_only: str) -> None:
    assert (
        "model skill: not judged yet; 'nfpopt propose' judges the models" in _run("status", "--db", cell_a_only).output
    )
    status = json.loads(_run("status", "--db", cell_a_only, "--json").output)
    assert status["model_skill"] == {} and status["model_skill_judged"]["batch"] is None


def test_status_shows_the_skill_judged_at_the_last_proposal_and_what_came_since(new_campaign: str) -> None:
    _run("import", paper_cells_path(), "--db", new_campaign)  # cells A-E and the 5 wt% AB mix that failed
    judged_now = json.loads(_run("status", "--skill", "--db", new_campaign, "--json").output)
    skills = judged_now["model_skill"]
    assert list(skills) == ["internal_resistance_ohm", "capacity_2c_mah_g", "sintered"]
    for skill in skills.values():
        assert isinstance(skill["has_skill"], bool) and skill["text"] and "n" in skill
    assert skills["sintered"]["text"].startswith("not enough failures yet (1 of 6 failed")
    assert "model skill, internal resistance (Ω):" in _run("status", "--skill", "--db", new_campaign).output
    proposed = _run("propose", "--strategy", "sobol", "--db", new_campaign).output
    assert proposed.index("model skill, capacity 2c (mAh/g):") < proposed.index("batch 1: 4 recipe(s) (sobol)")
    status = json.loads(_run("status", "--db", new_campaign, "--json").output)
    stored = status["model_skill"]  # judged with propose's strategy, read back without a fit
    said = " ".join(proposed.split())  # the terminal wraps long lines
    assert list(stored) == list(skills) and all(s["text"] in said for s in stored.values())
    assert status["model_skill_judged"] == {"batch": 1, "results": 6, "results_since": 0}
    table = _run("status", "--db", new_campaign).output
    assert "model skill, internal resistance (Ω):" in table and "model skill, P(sintered):" in table


def test_a_batch_chosen_while_a_model_has_no_skill_says_it_explores() -> None:
    from nfpopt.cli.campaign_commands import _exploring
    from nfpopt.surrogates.skill import Skill

    skills = {
        "internal_resistance_ohm": Skill("internal_resistance_ohm", "outcome", 12, 5, True, r2=0.7).as_dict(),
        "capacity_2c_mah_g": Skill("capacity_2c_mah_g", "outcome", 9, 5, False, r2=-0.1).as_dict(),
        "sintered": Skill("sintered", "feasibility", 6, 0, False, note="not enough failures yet").as_dict(),
    }
    modelled = pd.DataFrame({"predicted_capacity_2c_mah_g": [50.0]})
    said = _exploring(skills, modelled)
    assert "the model of capacity_2c_mah_g is no better than a constant yet: this batch explores" in said
    assert "internal_resistance_ohm" not in said and "sintered" not in said  # skilled, or not yet judged
    assert _exploring(skills, pd.DataFrame({"rationale": ["initial design"]})) == ""  # no model involved
