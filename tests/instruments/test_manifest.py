"""A raw-data folder's manifest says whether each layer sintered in the results table's words."""

from __future__ import annotations

import pytest

from nfpopt.exceptions import InputDataError
from nfpopt.instruments.manifest import MANIFEST_NAME, read_manifest


def _folder(tmp_path, sintered: list[str]):  # noqa: ANN001, ANN202
    rows = "\n".join(f"{i},layer,,{flag}" for i, flag in enumerate(sintered, start=1))
    (tmp_path / MANIFEST_NAME).write_text("experiment_id,measurement,file,sintered\n" + rows + "\n")
    return tmp_path


def test_the_manifest_reads_sintered_as_the_results_table_does(tmp_path):
    table = read_manifest(_folder(tmp_path, ["Y", "f", "TRUE", "0"]))
    assert table["sintered"].tolist() == [True, False, True, False]


@pytest.mark.parametrize(("flag", "said"), [("", "empty; write true or false"), ("maybe", "is not true/false")])
def test_a_sintered_cell_that_says_nothing_names_its_row(tmp_path, flag, said):
    with pytest.raises(InputDataError, match=rf"row 2, column 'sintered'.*{said}"):
        read_manifest(_folder(tmp_path, ["true", flag]))
