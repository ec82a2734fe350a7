"""The report's section of impedance fits: the Nyquist figures ``nfpopt extract`` drew."""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from nfpopt.report.page import Section

_FIGURE = re.compile(r"^e(?P<id>\d+)\.png$")


def fits_section(folders: Sequence[Path], directory: Path) -> Section | None:
    """Copy every ``e<id>.png`` of ``folders`` into ``directory/fits`` and show them by experiment."""
    found = sorted(
        (
            (int(m["id"]), path)
            for folder in folders
            for path in folder.glob("e*.png")
            if (m := _FIGURE.match(path.name))
        ),
        key=lambda item: item[0],
    )
    if not found:
        return None
    target = directory / "fits"
    target.mkdir(parents=True, exist_ok=True)
    section = Section("Impedance fits")
    section.text("Each spectrum with its fitted equivalent circuit, as `nfpopt extract` drew it (docs/instruments.md).")
    for experiment_id, path in found:
        shutil.copyfile(path, target / path.name)
        section.figure(f"fits/{path.name}", f"experiment {experiment_id}: measured spectrum and fit")
    return section
