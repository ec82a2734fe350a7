"""BioLogic EC-Lab files: the text export (``.mpt``) written and read, the binary ``.mpr`` read.

An EC-Lab text export starts with ``EC-Lab ASCII FILE`` and ``Nb header lines : N``; line N is
the tab-separated column header (``freq/Hz``, ``Re(Z)/Ohm``, ``-Im(Z)/Ohm`` for impedance;
``time/s``, ``Ewe/V``, ``I/mA``, ``(Q-Qo)/mA.h`` for a galvanostatic test), the data follow.
Impedance exports are read with impedance.py's ``readBioLogic``; galvanostatic ones here
(impedance.py reads only impedance), binary ``.mpr`` files with galvani.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from nfpopt.exceptions import InputDataError

MAGIC = "EC-Lab ASCII FILE"
EIS_COLUMNS = ("freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm", "|Z|/Ohm", "Phase(Z)/deg")
GCPL_COLUMNS = ("mode", "ox/red", "time/s", "Ewe/V", "I/mA", "(Q-Qo)/mA.h", "cycle number")
#: Capacity columns EC-Lab versions write, in the order nfpopt prefers them.
CAPACITY_HEADERS = ("(Q-Qo)/mA.h", "Q discharge/mA.h", "Capacity/mA.h", "Q charge/discharge/mA.h")


def write_mpt(path: Path, technique: str, settings: Sequence[str], table: pd.DataFrame) -> None:
    """Write ``table`` as an EC-Lab text export with the technique's name and settings lines."""
    header = ["", technique, "", *settings, ""]
    count = 2 + len(header) + 1  # the magic line, the count line, the header block, the column line
    lines = [MAGIC, f"Nb header lines : {count}", *header, "\t".join(table.columns)]
    body = table.to_csv(sep="\t", header=False, index=False, float_format="%.9g", lineterminator="\n")
    path.write_text("\n".join(lines) + "\n" + body, encoding="latin-1")


def _header_count(lines: list[str], source: str) -> int:
    if len(lines) < 2 or not lines[0].startswith(MAGIC) or "header lines" not in lines[1]:
        raise InputDataError(f"{source}: not an EC-Lab text export (no '{MAGIC}' / 'Nb header lines' at the top)")
    try:
        count = int(lines[1].split(":")[1])
    except (IndexError, ValueError):
        raise InputDataError(f"{source}: unreadable header line count {lines[1]!r}") from None
    if not 2 <= count <= len(lines):
        raise InputDataError(f"{source}: header line count {count} does not fit a file of {len(lines)} lines")
    return count


def read_mpt_table(path: Path) -> tuple[list[str], pd.DataFrame]:
    """The header lines and the data table of an EC-Lab text export (comma decimals accepted)."""
    source = str(path)
    try:
        lines = path.read_text(encoding="latin-1").splitlines()
    except OSError as exc:
        raise InputDataError(f"{source}: unreadable ({exc.strerror or exc})") from None
    count = _header_count(lines, source)
    columns = lines[count - 1].rstrip("\t").split("\t")
    rows = [line.rstrip("\t").split("\t") for line in lines[count:] if line.strip()]
    if not rows:
        raise InputDataError(f"{source}: no data below the header")
    try:
        data = np.array([[float(v.replace(",", ".")) for v in row] for row in rows])
    except ValueError:
        raise InputDataError(f"{source}: data lines hold text where numbers belong") from None
    if data.shape[1] != len(columns):
        raise InputDataError(f"{source}: {data.shape[1]} values per line but {len(columns)} column names")
    return lines[:count], pd.DataFrame(data, columns=columns)


def read_impedance(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Frequencies (Hz) and complex impedance (ohm) of an impedance file, by its instrument format.

    ``.mpt``: BioLogic; ``.DTA``: Gamry; ``.z``: ZPlot; other text: a CSV of frequency, Re(Z),
    Im(Z) (impedance.py's plain format). All through impedance.py's readers.
    """
    from impedance import preprocessing

    instrument = {".mpt": "biologic", ".dta": "gamry", ".z": "zplot"}.get(path.suffix.lower())
    if instrument == "biologic":
        try:
            _header_count(path.read_text(encoding="latin-1").splitlines(), str(path))
        except OSError as exc:
            raise InputDataError(f"{path}: unreadable ({exc.strerror or exc})") from None
    try:
        frequencies, impedance = preprocessing.readFile(str(path), instrument=instrument)
    except AssertionError as exc:  # impedance.py's readers assert on missing columns
        raise InputDataError(f"{path}: no impedance columns ({exc})") from None
    except NameError:  # impedance.py's Gamry and ZPlot readers, when the table's marker is missing
        raise InputDataError(f"{path}: no impedance table (no ZCURVE / Freq(Hz) header) in this file") from None
    except (OSError, ValueError, IndexError) as exc:
        raise InputDataError(f"{path}: unreadable as an impedance spectrum ({exc})") from None
    return np.asarray(frequencies, float), np.asarray(impedance, complex)


def _mpr_table(path: Path) -> pd.DataFrame:
    try:
        from galvani import BioLogic
    except ImportError:  # pragma: no cover - galvani is a dependency
        raise InputDataError(f"{path}: reading BioLogic .mpr files needs galvani (pip install galvani)") from None
    try:
        return pd.DataFrame(BioLogic.MPRfile(str(path)).data)
    except (OSError, ValueError, NotImplementedError) as exc:
        raise InputDataError(f"{path}: unreadable as a BioLogic .mpr file ({exc})") from None


def read_galvanostatic(path: Path) -> pd.DataFrame:
    """A galvanostatic test as columns ``time_s, voltage_v, current_ma, capacity_mah``.

    ``capacity_mah`` is the charge passed since the first point (|Q - Q0|); where the file has no
    capacity column it is integrated from the current.
    """
    table = _mpr_table(path) if path.suffix.lower() == ".mpr" else read_mpt_table(path)[1]
    missing = [c for c in ("time/s", "Ewe/V") if c not in table]
    if missing:
        raise InputDataError(f"{path}: no galvanostatic columns {missing}; found {list(table.columns)}")
    time_s = table["time/s"].to_numpy(float)
    current = table["I/mA"].to_numpy(float) if "I/mA" in table else np.full_like(time_s, np.nan)
    capacity_header = next((c for c in CAPACITY_HEADERS if c in table), None)
    if capacity_header is not None:
        charge = table[capacity_header].to_numpy(float)
    elif "I/mA" in table:
        charge = np.concatenate([[0.0], np.cumsum(np.diff(time_s) * 0.5 * (current[1:] + current[:-1]))]) / 3600.0
    else:
        raise InputDataError(f"{path}: neither a capacity column {list(CAPACITY_HEADERS)} nor I/mA to integrate")
    return pd.DataFrame(
        {
            "time_s": time_s,
            "voltage_v": table["Ewe/V"].to_numpy(float),
            "current_ma": current,
            "capacity_mah": np.abs(charge - charge[0]),
        }
    )
