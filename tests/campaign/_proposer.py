"""A second process for ``test_concurrent_propose.py``: proposes batches into a shared store.

    python _proposer.py URL WORKDIR NAME COUNT

Writes ``WORKDIR/ready-NAME``, waits for ``WORKDIR/go``, then proposes ``COUNT`` random batches
of 2, one after another. The strategy is slowed by 0.2 s between reading the experiments and
storing the batch, as a model fit would be, so that two workers overlap in that span.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nfpopt.recommend.strategies as strategies
from nfpopt.campaign import Campaign
from nfpopt.store import Store

FIT_S = 0.2


def main() -> None:
    url, workdir, name, count = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    fast = strategies.propose

    def slow(*args: object, **kwargs: object) -> object:
        batch = fast(*args, **kwargs)  # type: ignore[arg-type]
        time.sleep(FIT_S)
        return batch

    strategies.propose = slow  # type: ignore[assignment]
    with Store(url) as store:
        campaign = Campaign.open(store)
        (workdir / f"ready-{name}").touch()
        deadline = time.monotonic() + 60
        while not (workdir / "go").exists():
            if time.monotonic() > deadline:
                sys.exit("proposer: no go within 60 s")
            time.sleep(0.01)
        for _ in range(count):
            campaign.propose(2, strategy="random")


if __name__ == "__main__":
    main()
