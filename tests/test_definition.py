"""Campaign definitions load, and every mistake is named with its key, value and fix."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nfpopt.definition import load_definition, parse_definition
from nfpopt.exceptions import CampaignDefinitionError

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = """
[campaign]
name = "t"
[[parameters]]
name = "temp_c"
type = "continuous"
bounds = [400, 600]
[[parameters]]
name = "ab_wt_pct"
type = "continuous"
bounds = [0, 10]
[[outcomes]]
name = "r_ohm"
lower = 0
[[objectives]]
outcome = "r_ohm"
direction = "minimise"
"""


def test_the_paper_campaign_loads() -> None:
    definition = load_definition(ROOT / "campaigns" / "nfp_rate.toml")
    assert definition.name == "nfp_rate"
    assert [o.outcome for o in definition.objectives] == ["internal_resistance_ohm", "capacity_2c_mah_g"]
    assert definition.feasibility == "sintered"
    assert definition.space.derived_names == ("nfp_wt_pct",)


def test_the_generic_campaign_loads_with_its_candidate_pool() -> None:
    definition = load_definition(ROOT / "campaigns" / "alloy_ageing.toml")
    assert definition.candidate_pool is not None and len(definition.candidate_pool) == 24
    assert (definition.candidate_pool["al_wt_pct"] >= 90).all()


def test_space_filling_design_respects_every_constraint() -> None:
    definition = load_definition(ROOT / "campaigns" / "nfp_rate.toml")
    design = definition.space.sample(32, seed=3)
    assert len(design) == 32 and definition.space.feasible(design).all()
    total = design["nfp_wt_pct"] + design["ab_wt_pct"] + design["alumina_wt_pct"]
    assert np.allclose(total, 100.0)
    pd_design = definition.space.sample(32, seed=3)
    assert design.equals(pd_design)  # same seed, same design


def _with(old: str, new: str) -> str:
    assert old in MINIMAL
    return MINIMAL.replace(old, new)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param(_with("bounds = [400, 600]", "bounds = [600, 400]"), "parameters[0].bounds", id="reversed_bounds"),
        pytest.param(_with("bounds = [400, 600]", 'bounds = ["low", 600]'), "parameters[0].bounds", id="text_bounds"),
        pytest.param(
            _with('type = "continuous"\nbounds = [400, 600]', 'type = "fuzzy"'), "parameters[0].type", id="unknown_type"
        ),
        pytest.param(_with('name = "ab_wt_pct"', 'name = "temp_c"'), "parameters", id="duplicate_parameter"),
        pytest.param(
            _with('direction = "minimise"', 'direction = "lower"'), "objectives[0].direction", id="bad_direction"
        ),
        pytest.param(
            _with('outcome = "r_ohm"\ndirection', 'outcome = "r_mohm"\ndirection'),
            "objectives[0].outcome",
            id="undeclared_outcome",
        ),
        pytest.param(
            _with('direction = "minimise"', 'direction = "target"'), "objectives[0].target", id="target_without_value"
        ),
        pytest.param(_with('name = "t"', 'name = "t"\nbatch_size = 0'), "campaign.batch_size", id="zero_batch"),
        pytest.param(_with('name = "t"', 'name = "t"\nstrategy = "magic"'), "campaign.strategy", id="unknown_strategy"),
        pytest.param(_with('name = "t"', 'name = "t"\ncolour = "red"'), "campaign.colour", id="unknown_key"),
        pytest.param(
            MINIMAL + '[[constraints]]\ntype = "mixture"\ncomponents = ["ab_wt_pct", "cu_wt_pct"]\n',
            "constraints[0].components",
            id="mixture_of_unknown_parameter",
        ),
        pytest.param(MINIMAL + '[feasibility]\noutcome = "r_ohm"\n', "feasibility.outcome", id="numeric_feasibility"),
        pytest.param(MINIMAL + "[campaign\n", "not valid TOML", id="toml_syntax"),
        pytest.param(MINIMAL.replace("[[objectives]]", "[[nonsense]]"), "nonsense", id="unknown_table"),
        pytest.param(_with("lower = 0", 'lower = 0\nscale = "logarithmic"'), "outcomes[0].scale", id="unknown_scale"),
        pytest.param(_with("lower = 0", 'lower = -5\nscale = "log"'), "declare lower = 0", id="log_of_negative"),
        pytest.param(_with("lower = 0", 'scale = "log"'), "declare lower = 0", id="log_without_lower_bound"),
        pytest.param(_with("lower = 0", 'lower = 0\nhurdle = "yes"'), "outcomes[0].hurdle", id="hurdle_not_boolean"),
        pytest.param(
            _with("bounds = [400, 600]", "bounds = [400, 600]\nstep = 0"), "parameters[0].step", id="zero_step"
        ),
        pytest.param(
            _with("bounds = [400, 600]", "bounds = [400, 600]\nstep = -1"), "e.g. step = 1", id="negative_step"
        ),
        pytest.param(
            _with("bounds = [400, 600]", 'bounds = [400, 600]\nstep = "1 C"'), "finite number", id="text_step"
        ),
        pytest.param(
            _with("bounds = [0, 10]", "bounds = [0.2, 0.4]\nstep = 0.5"), "use a finer step", id="step_misses_bounds"
        ),
        pytest.param(
            _with('type = "continuous"\nbounds = [400, 600]', 'type = "integer"\nbounds = [400, 600]\nstep = 2.5'),
            "whole-number step",
            id="fractional_step_of_an_integer",
        ),
    ],
)
def test_bad_definitions_name_the_key(text: str, fragment: str) -> None:
    with pytest.raises(CampaignDefinitionError, match=None) as info:
        parse_definition(text, source="bad.toml")
    assert fragment in str(info.value) and "bad.toml" in str(info.value)


def test_the_campaign_files_declare_the_steps_a_lab_can_set() -> None:
    space = load_definition(ROOT / "campaigns" / "nfp_rate.toml").space
    steps = {p.name: p.step for p in space.free if p.kind == "continuous"}
    assert steps == {
        "glass_ssa_m2_g": 0.5,
        "alumina_ssa_m2_g": 1.0,
        "ab_wt_pct": 0.1,
        "alumina_wt_pct": 0.1,
        "calcination_temp_c": 1.0,
        "calcination_time_min": 1.0,
    }
    alloy = load_definition(ROOT / "campaigns" / "alloy_ageing.toml").space
    assert all(p.step for p in alloy.free if p.kind == "continuous")


NFP_RATE = (ROOT / "campaigns" / "nfp_rate.toml").read_text(encoding="utf-8")
LINEAR = '[[constraints]]\ntype = "linear"\ncoefficients = { ab_wt_pct = 1.0 }\nlower = 50\n'


def _nfp(old: str, new: str) -> str:
    assert old in NFP_RATE
    return NFP_RATE.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param(
            _nfp("min_remainder = 60.0", "min_remainder = 99"),
            "meets constraints[0]: ab_wt_pct + alumina_wt_pct + nfp_wt_pct = 100, nfp_wt_pct >= 99",
            id="mixture_remainder_out_of_reach",
        ),
        pytest.param(NFP_RATE + LINEAR, "meets constraints[2]: 50 <= 1*ab_wt_pct", id="linear_out_of_reach"),
        pytest.param(_nfp("margin_c = 30.0", "margin_c = 500"), "meets constraints[1]", id="onset_margin_out_of_reach"),
        pytest.param(
            MINIMAL
            + '[[constraints]]\ntype = "linear"\ncoefficients = { ab_wt_pct = 1.0 }\nupper = 4\n'
            + '[[constraints]]\ntype = "linear"\ncoefficients = { ab_wt_pct = 1.0 }\nlower = 6\n',
            "meets together constraints[0]",
            id="constraints_that_exclude_each_other",
        ),
        pytest.param(
            _nfp(
                'components = ["ab_wt_pct", "alumina_wt_pct"]\nremainder = "nfp_wt_pct"',
                'components = ["ab_wt_pct", "alumina_wt_pct"]',
            ),
            "meets constraints[0]",
            id="mixture_whose_parts_cannot_reach_the_total",
        ),
        pytest.param(_nfp("bounds = [3.0, 40.0]", "bounds = [3.0, inf]"), "parameters[0].bounds", id="infinite_bound"),
        pytest.param(_nfp("bounds = [3.0, 40.0]", "bounds = [nan, 40.0]"), "parameters[0].bounds", id="nan_bound"),
        pytest.param(_nfp("value = 1.0", "value = inf"), "parameters[7].value", id="infinite_fixed_value"),
        pytest.param(NFP_RATE + LINEAR.replace("1.0", "inf"), "constraints[2].coefficients", id="infinite_coefficient"),
        pytest.param(_nfp('name = "roughening"', 'name = "status"'), "parameters[6].name", id="parameter_named_status"),
        pytest.param(_nfp('name = "sintered"', 'name = "batch"'), "outcomes[0].name", id="outcome_named_batch"),
        pytest.param(
            _nfp('name = "r_bulk_ohm"', 'name = "predicted_r_ohm"'), "clashes with a column", id="predicted_prefix"
        ),
        pytest.param(_nfp('remainder = "nfp_wt_pct"', 'remainder = "notes"'), "remainder", id="remainder_named_notes"),
        pytest.param(_nfp("batch_size = 4", "batch_size = 100000000"), "campaign.batch_size", id="absurd_batch_size"),
        pytest.param(
            _nfp("initial_design_size = 5", "initial_design_size = 5000"),
            "campaign.initial_design_size",
            id="absurd_initial_design",
        ),
    ],
)
def test_campaigns_that_cannot_work_are_refused(text: str, fragment: str) -> None:
    """Issue 15, item 9: each of these passed `nfpopt init` and broke later."""
    with pytest.raises(CampaignDefinitionError) as info:
        parse_definition(text, source="bad.toml")
    assert fragment in str(info.value) and "bad.toml" in str(info.value)


def test_a_file_with_a_utf8_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + NFP_RATE.encode("utf-8"))
    assert load_definition(path) == load_definition(ROOT / "campaigns" / "nfp_rate.toml")
    assert parse_definition("\ufeff" + NFP_RATE).name == "nfp_rate"


def test_a_file_in_another_encoding_is_named(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(NFP_RATE.replace("beta''", "\u03b2''").encode("utf-16"))
    with pytest.raises(CampaignDefinitionError, match="not UTF-8 text.*save it as UTF-8"):
        load_definition(path)


def test_declared_scales_are_kept_and_undeclared_ones_follow_the_declaration() -> None:
    definition = load_definition(ROOT / "campaigns" / "nfp_rate.toml")
    assert definition.outcome("internal_resistance_ohm").model_scale() == "log"
    capacity = definition.outcome("capacity_2c_mah_g")
    assert capacity.hurdle and capacity.model_scale([0.0, 50.0]) == "linear"
    # Undeclared: a non-negative, unbounded quantity is modelled on a log scale from its first
    # results, whatever their span (two results within 10 % of each other).
    undeclared = parse_definition(MINIMAL).outcome("r_ohm")
    assert undeclared.scale is None and undeclared.model_scale([200.0, 210.0]) == "log"
    assert undeclared.model_scale([0.0, 210.0]) == "linear"  # a zero cannot be logged
