"""The public API: every name in ``nfpopt.__all__`` resolves, and importing nfpopt stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import nfpopt


@pytest.mark.parametrize("name", nfpopt.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(nfpopt, name) is not None


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute"):
        nfpopt.not_a_thing  # noqa: B018


def test_importing_nfpopt_does_not_load_torch() -> None:
    code = "import sys, nfpopt; print('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
