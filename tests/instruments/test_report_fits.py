"""The report shows the Nyquist figures that ``nfpopt extract`` drew."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from nfpopt.cli.main import cli
from nfpopt.instruments import extract_folder
from nfpopt.instruments.figures import nyquist_figures
from nfpopt.report.fits import fits_section

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_fit_figures_are_copied_beside_the_report_and_shown_by_experiment(
    raw_folder: tuple[Path, object], tmp_path: Path
) -> None:
    extraction = extract_folder(raw_folder[0])
    drawn = nyquist_figures(dict(list(extraction.spectra.items())[:2]), tmp_path / "r_nyquist")
    section = fits_section([drawn], tmp_path / "report")
    assert section is not None
    html = section.render()
    assert html.count("<img") == 2 and 'src="fits/e1.png"' in html and "experiment 2" in html
    assert (tmp_path / "report" / "fits" / "e1.png").read_bytes().startswith(PNG_MAGIC)


def test_no_figures_no_section(tmp_path: Path) -> None:
    assert fits_section([tmp_path], tmp_path / "report") is None


def test_report_help_names_the_fits_option() -> None:
    result = CliRunner().invoke(cli, ["report", "--help"])
    assert "--fits" in result.output and "nfpopt extract" in result.output
