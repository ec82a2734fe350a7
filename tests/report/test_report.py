"""``nfpopt report``: the page, its figures and tables, for NFP, generic and empty campaigns."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from nfpopt.campaign import Campaign
from nfpopt.cli.main import cli
from nfpopt.definition import load_definition
from nfpopt.report import ReportContent, figures, gather, write_report
from nfpopt.store import Store
from tests.report.conftest import ROOT

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def report(db: Path, out: Path, *extra: str) -> Result:
    return CliRunner().invoke(cli, ["report", "--db", str(db), "-o", str(out), *extra], catch_exceptions=False)


def images(page: str) -> list[str]:
    return re.findall(r'<img src="([^"]+)"', page)


def section(page: str, title: str) -> str:
    start = page.index(f"<h2>{title}")
    return page[start : page.index("</section>", start)]


@pytest.fixture(scope="module")
def nfp_content(nfp_db: Path) -> ReportContent:
    """What the report draws for the NFP campaign (surrogates fitted once for the module)."""
    with Store(nfp_db) as store:
        return gather(Campaign.open(store))


@pytest.fixture(scope="module")
def nfp_page(nfp_content: ReportContent, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("report")
    path = write_report(nfp_content, out)
    return out, path.read_text(encoding="utf-8")


def test_every_figure_is_a_non_empty_png_beside_the_page(nfp_page: tuple[Path, str]) -> None:
    out, page = nfp_page
    names = images(page)
    expected = {"progress.png", "tradeoff.png", "feasibility.png"}
    for outcome in ("internal_resistance_ohm", "capacity_2c_mah_g"):
        expected |= {f"map_{outcome}.png", f"slices_{outcome}.png"}
    assert set(names) == expected
    for name in names:
        data = (out / name).read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 10_000, name


def test_tables_list_every_experiment_and_the_pending_batch(nfp_db: Path, nfp_page: tuple[Path, str]) -> None:
    out, page = nfp_page
    with Store(nfp_db) as store:
        table = Campaign.open(store).table()
    everything = section(page, "All experiments")
    assert everything.count("<tr class=") == len(table) == 14  # 6 paper cells, 2 batches of 4
    for column in ("AB (wt%)", "calcination temperature (°C)", "internal resistance (Ω)", "capacity at 2 C (mAh/g)"):
        assert column in everything
    batch = section(page, "Last proposed batch")
    assert "Batch 2" in batch and batch.count('<tr class="proposed">') == 4
    assert "random proposal" in batch  # the rationale stored with the proposal
    assert (out / "experiments.csv").read_text().count("\n") == len(table) + 1


def test_summary_compares_with_the_papers_best_cells(nfp_page: tuple[Path, str]) -> None:
    _, page = nfp_page
    assert "120 Ω" in page and "(Cell E)" in page and "60.6 mAh/g" in page


def test_tradeoff_and_maps_label_the_papers_cells(nfp_content: ReportContent) -> None:
    content = nfp_content
    tradeoff = figures.tradeoff_figure(content.definition, content.table, content.paper)
    ax = tradeoff.axes[0]
    assert {"Cell C", "Cell D", "Cell E", "liquid electrolyte"} <= {t.get_text() for t in ax.texts}
    assert ax.get_xlabel() == "internal resistance (Ω), lower is better"
    assert ax.get_ylabel() == "capacity at 2 C (mAh/g), higher is better"
    assert content.pair == ("ab_wt_pct", "calcination_temp_c")
    feasibility = figures.feasibility_figure(
        content.definition, content.models, content.reference, content.pair, content.table, content.paper
    )
    labels = {t.get_text() for t in feasibility.axes[0].texts}
    assert {"Cell A", "Cells C–E", "5 wt% AB"} <= labels
    assert feasibility.axes[0].get_xlabel() == "AB (wt%)"


def test_generic_campaign_reports_without_the_paper(alloy_db: Path, tmp_path: Path) -> None:
    result = report(alloy_db, tmp_path)
    assert result.exit_code == 0, result.output
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "Campaign alloy_ageing" in page and "Yamauchi" not in page
    assert section(page, "All experiments").count("<tr class=") == 6
    for name in images(page):
        assert (tmp_path / name).read_bytes().startswith(PNG_MAGIC)
    assert "tradeoff.png" in images(page)  # hardness against the elongation limit


def test_campaign_without_results_gives_a_page_without_figures(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    with Store(db) as store:
        Campaign.create(store, load_definition(ROOT / "campaigns" / "nfp_rate.toml")).propose(4, strategy="sobol")
    result = report(db, tmp_path / "out")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert images(page) == []
    assert "No experiment has been measured yet" in page and "No surrogate yet" in page
    assert section(page, "Last proposed batch").count('<tr class="proposed">') == 4


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param((), "holds no campaign", id="empty_database"),
        pytest.param(("--campaign", "nope"), "nope", id="unknown_campaign"),
    ],
)
def test_bad_database_is_a_clear_error(tmp_path: Path, extra: tuple[str, ...], message: str) -> None:
    Store(tmp_path / "empty.db").close()  # an nfpopt database without a campaign
    result = report(tmp_path / "empty.db", tmp_path / "out", *extra)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "out").exists()
