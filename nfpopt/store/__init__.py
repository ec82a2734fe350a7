"""The campaign database: where campaigns, experiments and results live between sessions.

Open a store on a SQLite file (the default) or a PostgreSQL server; it creates or upgrades
the schema (alembic migrations shipped in ``nfpopt/store/migrations/``) and refuses a database
written by a newer nfpopt. Every write is one all-or-nothing transaction::

    from nfpopt.store import Result, Store

    with Store("campaign.db") as store:
        store.create_campaign("nfp", definition_toml)
        ids = store.add_experiments("nfp", recipes)           # batch 1, status 'proposed'
        store.record("nfp", [Result(ids[0], {"internal_resistance_ohm": 41.5})])
        table = store.to_frame("nfp")
"""

from nfpopt.store.engine import DB_ENV_VAR, default_url
from nfpopt.store.models import ExperimentSource, ExperimentStatus
from nfpopt.store.records import CampaignRecord, ExperimentRecord, HistoryRecord, Result
from nfpopt.store.schema import head_revision
from nfpopt.store.store import CampaignRef, Store
from nfpopt.store.validation import ExperimentStateError

__all__ = [
    "DB_ENV_VAR",
    "CampaignRecord",
    "CampaignRef",
    "ExperimentRecord",
    "ExperimentSource",
    "ExperimentStateError",
    "ExperimentStatus",
    "HistoryRecord",
    "Result",
    "Store",
    "default_url",
    "head_revision",
]
