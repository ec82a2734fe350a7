"""Text the user wrote is printed as written: rich markup in a name, a reason or a TOML key is
neither eaten nor fatal (issue 15, item 3)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from nfpopt.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]


def _invoke(*args: object):  # noqa: ANN202 - click's Result
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_a_campaign_name_with_brackets_is_stored_and_shown_verbatim(tmp_path: Path) -> None:
    text = (ROOT / "campaigns" / "nfp_rate.toml").read_text().replace('name = "nfp_rate"', 'name = "nfp[/]rate[bold"')
    definition = tmp_path / "odd.toml"
    definition.write_text(text)
    url = f"sqlite:///{tmp_path / 'c.db'}"
    created = _invoke("init", definition, "--db", url)
    assert created.exit_code == 0, created.output
    assert "nfp[/]rate[bold" in created.output
    status = _invoke("status", "--db", url)
    assert status.exit_code == 0, status.output
    assert "campaign nfp[/]rate[bold:" in status.output


def test_an_abandon_reason_with_markup_is_kept_as_written(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert _invoke("init", ROOT / "campaigns" / "nfp_rate.toml", "--db", url).exit_code == 0
    assert _invoke("propose", "--strategy", "sobol", "--batch", "1", "--db", url).exit_code == 0
    abandoned = _invoke("abandon", "1", "--reason", "oven [/x] tripped", "--db", url)
    assert abandoned.exit_code == 0, abandoned.output
    again = _invoke("abandon", "1", "--reason", "again", "--db", url)  # an error message about experiment 1
    assert again.exit_code == 2 and "MarkupError" not in again.output


def test_error_messages_keep_their_brackets(tmp_path: Path) -> None:
    text = (ROOT / "campaigns" / "nfp_rate.toml").read_text()
    start = text.index("[[objectives]]")
    end = text.index("[feasibility]")
    definition = tmp_path / "no_objectives.toml"
    definition.write_text("objectives = []\n" + text[:start] + text[end:])  # a top-level key comes first
    result = _invoke("init", definition, "--db", f"sqlite:///{tmp_path / 'c.db'}")
    assert result.exit_code == 2
    assert "[[objectives]]" in result.output
