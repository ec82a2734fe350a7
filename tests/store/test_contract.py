"""The storage contract: every backend (SQLite, PostgreSQL) must pass these tests.

Backends come from the ``backend`` fixture in ``conftest.py``; PostgreSQL runs only when
``NFPOPT_TEST_POSTGRES_URL`` is set.
"""

from __future__ import annotations

import datetime as dt
import math
import struct
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from nfpopt.exceptions import CampaignDefinitionError, InputDataError, StoreError
from nfpopt.store import (
    ExperimentStateError,
    ExperimentStatus,
    Result,
    Store,
    head_revision,
)
from nfpopt.store.models import Base
from nfpopt.store.schema import alembic_config, current_revision, scripted_head_revision
from nfpopt.store.validation import RESERVED_NAMES

from .helpers import CAMPAIGN_TOML, OHM, RECIPES, assert_same, snapshot, sqlite_path, table_names

# -- schema versions ----------------------------------------------------------------------------


def test_fresh_database_is_migrated_to_head(store: Store, db_url: str) -> None:
    assert store.schema_revision == head_revision()
    engine = create_engine(db_url)
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head_revision()
    engine.dispose()


def test_the_head_revision_without_alembic_is_alembics_own(store: Store, db_url: str) -> None:
    # opening a database at the head reads its revision with one query, against a constant
    assert head_revision() == scripted_head_revision()
    engine = create_engine(db_url)
    with engine.connect() as connection:
        assert current_revision(connection) == MigrationContext.configure(connection).get_current_revision()
    engine.dispose()


def test_migrations_build_the_schema_the_models_describe(store: Store, db_url: str) -> None:
    engine = create_engine(db_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_database_at_an_older_revision_is_upgraded(db_url: str) -> None:
    Store(db_url).close()
    engine = create_engine(db_url)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
        assert MigrationContext.configure(connection).get_current_revision() is None
    engine.dispose()
    with Store(db_url) as store:
        assert store.schema_revision == head_revision()
        store.create_campaign("after-upgrade", CAMPAIGN_TOML)
        assert [c.name for c in store.list_campaigns()] == ["after-upgrade"]


def test_database_from_a_newer_nfpopt_is_refused(db_url: str) -> None:
    Store(db_url).close()
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(StoreError, match=r"'9999_future'.*[Uu]pgrade nfpopt"):
        Store(db_url)


def test_reopening_keeps_everything(db_url: str) -> None:
    with Store(db_url) as store:
        store.create_campaign("nfp", CAMPAIGN_TOML)
        ids = store.add_experiments("nfp", RECIPES)
        store.record("nfp", [Result(ids[0], {OHM: 12.5})])
        before = snapshot(store)
    with Store.open(db_url) as store:
        assert_same(before, snapshot(store))


# -- campaigns ----------------------------------------------------------------------------------


def test_campaigns_are_created_listed_and_found(store: Store) -> None:
    first = store.create_campaign("nfp", CAMPAIGN_TOML)
    assert first.definition == CAMPAIGN_TOML
    assert first.created_at.tzinfo is not None
    assert store.get_campaign() == first
    second = store.create_campaign("nfp-2", "")
    assert store.list_campaigns() == [first, second]
    assert store.get_campaign("nfp-2") == second
    with pytest.raises(StoreError, match=r"2 campaigns \('nfp', 'nfp-2'\)"):
        store.get_campaign()


@pytest.mark.parametrize(
    ("name", "definition", "error", "match"),
    [
        pytest.param("nfp", CAMPAIGN_TOML, StoreError, "already exists", id="duplicate_name"),
        pytest.param("", CAMPAIGN_TOML, InputDataError, "name=''", id="empty_name"),
        pytest.param("x" * 201, CAMPAIGN_TOML, InputDataError, "200", id="name_too_long"),
        pytest.param("b", "low = ", CampaignDefinitionError, "TOML", id="invalid_toml"),
        pytest.param("b", None, InputDataError, "definition_toml", id="definition_not_text"),
    ],
)
def test_bad_campaigns_are_refused(
    store: Store, campaign: str, name: str, definition: Any, error: type, match: str
) -> None:
    before = snapshot(store)
    with pytest.raises(error, match=match):
        store.create_campaign(name, definition)
    assert_same(before, snapshot(store))


def test_missing_campaign_is_named(store: Store, campaign: str) -> None:
    with pytest.raises(StoreError, match=r"no campaign named 'other'.*'nfp'"):
        store.get_campaign("other")
    with pytest.raises(StoreError, match="no campaign named 'other'"):
        store.add_experiments("other", RECIPES)


def test_empty_database_has_no_campaign(store: Store) -> None:
    with pytest.raises(StoreError, match="no campaign"):
        store.get_campaign()


# -- experiment lifecycle -----------------------------------------------------------------------


def test_lifecycle_propose_start_record_abandon(store: Store, campaign: str) -> None:
    assert store.next_batch_number(campaign) == 1
    ids = store.add_experiments(campaign, RECIPES, predictions=[{OHM: 10.0}, None, None])
    assert store.next_batch_number(campaign) == 2
    assert [e.batch for e in store.experiments(campaign)] == [1, 1, 1]
    store.start(ids[:2])
    store.record(campaign, [Result(ids[0], {OHM: 11.0}, notes="crack at edge")], recorded_by="ann")
    store.record(campaign, [Result(ids[1], failure_reason="pellet shattered")])
    store.abandon([ids[2]], "furnace down")

    measured, failed, abandoned = (store.experiment(i) for i in ids)
    assert (measured.status, measured.outcomes, measured.notes) == (
        "measured",
        {OHM: 11.0},
        "crack at edge",
    )
    assert measured.recorded_by == "ann" and measured.prediction == {OHM: 10.0}
    assert (failed.status, failed.failure_reason, failed.outcomes) == (
        "failed",
        "pellet shattered",
        {},
    )
    assert (abandoned.status, abandoned.failure_reason) == ("abandoned", "furnace down")
    assert [e.experiment_id for e in store.experiments(campaign, "measured")] == [ids[0]]
    statuses = ["failed", ExperimentStatus.ABANDONED]
    assert [e.experiment_id for e in store.experiments(campaign, statuses)] == ids[1:]
    assert store.add_experiments(campaign, RECIPES[:1]) == [ids[-1] + 1]
    assert store.experiment(ids[-1] + 1).batch == 2


def test_recipe_as_made_overrides_the_proposal(store: Store, campaign: str) -> None:
    [eid] = store.add_experiments(campaign, RECIPES[:1])
    made = {"sinter_temperature_c": 612.0}
    [record] = store.record(campaign, [Result(eid, {OHM: 3.0}, parameters_made=made)])
    assert record.parameters_proposed == RECIPES[0]
    assert record.parameters == {**RECIPES[0], **made}
    assert store.to_frame(campaign).loc[0, "sinter_temperature_c"] == 612.0


def test_imported_experiments_arrive_measured_or_failed(store: Store, campaign: str) -> None:
    measured = store.add_experiments(
        campaign,
        RECIPES[:2],
        status="measured",
        source="imported",
        outcomes=[{OHM: 20.0}, {OHM: 21.0}],
        recorded_by="archive",
    )
    failed = store.add_experiments(
        campaign, RECIPES[2:], status="failed", source="imported", failure_reasons=["cracked"]
    )
    records = store.experiments(campaign)
    assert [r.experiment_id for r in records] == measured + failed
    assert [r.batch for r in records] == [None, None, None]
    assert [r.source for r in records] == ["imported"] * 3
    assert records[1].outcomes == {OHM: 21.0} and records[1].recorded_by == "archive"
    assert records[2].failure_reason == "cracked"
    assert store.next_batch_number(campaign) == 1


@pytest.mark.parametrize(
    ("rows", "options", "match"),
    [
        pytest.param([], {}, "non-empty list", id="no_rows"),
        pytest.param([{}], {}, "non-empty mapping", id="empty_recipe"),
        pytest.param([{"t_c": math.nan}], {}, "not finite", id="nan_parameter"),
        pytest.param([{"t_c": [1]}], {}, "not a number", id="list_parameter"),
        pytest.param([{"status": 1.0}], {}, "reserved", id="reserved_parameter_name"),
        pytest.param(RECIPES, {"status": "done"}, "status='done'", id="unknown_status"),
        pytest.param(RECIPES, {"status": "abandoned"}, "abandon", id="abandoned_status"),
        pytest.param(RECIPES, {"source": "robot"}, "source='robot'", id="unknown_source"),
        pytest.param(RECIPES, {"batch": 0}, "batch=0", id="zero_batch"),
        pytest.param(
            RECIPES[:1],
            {"status": "measured", "outcomes": [{OHM: 1.0}]},
            "only imported",
            id="proposed_but_measured",
        ),
        pytest.param(
            RECIPES[:1],
            {"status": "measured", "source": "imported"},
            "needs outcomes",
            id="measured_without_outcomes",
        ),
        pytest.param(
            RECIPES[:1],
            {"status": "failed", "source": "imported"},
            "failure reason",
            id="failed_without_reason",
        ),
        pytest.param(RECIPES[:1], {"outcomes": [{OHM: 1.0}]}, "no outcomes", id="proposed_with_outcomes"),
        pytest.param(
            RECIPES,
            {"outcomes": [{OHM: 1.0}], "status": "measured", "source": "imported"},
            "1 entries but rows has 3",
            id="outcomes_misaligned",
        ),
        pytest.param(
            RECIPES[:1],
            {"status": "measured", "source": "imported", "outcomes": [{OHM: math.inf}]},
            "not finite",
            id="infinite_outcome",
        ),
        pytest.param(RECIPES[:1], {"predictions": [{"r": math.nan}]}, "JSON", id="nan_prediction"),
    ],
)
def test_bad_experiments_are_refused(
    store: Store, campaign: str, rows: Any, options: dict[str, Any], match: str
) -> None:
    store.add_experiments(campaign, RECIPES)
    before = snapshot(store)
    with pytest.raises(InputDataError, match=match):
        store.add_experiments(campaign, rows, **options)
    assert_same(before, snapshot(store))


@pytest.mark.parametrize(
    ("method", "target"),
    [
        pytest.param("start", "measured", id="start_measured"),
        pytest.param("start", "running", id="start_running"),
        pytest.param("start", "unknown", id="start_unknown_id"),
        pytest.param("abandon", "measured", id="abandon_measured"),
        pytest.param("abandon", "abandoned", id="abandon_abandoned"),
    ],
)
def test_bad_transitions_change_nothing(store: Store, campaign: str, method: str, target: str) -> None:
    ids = store.add_experiments(campaign, RECIPES)
    store.start([ids[0]])
    store.record(campaign, [Result(ids[1], {OHM: 1.0})])
    store.abandon([ids[2]], "no powder")
    bad = {"running": ids[0], "measured": ids[1], "abandoned": ids[2], "unknown": 999}[target]
    fresh = store.add_experiments(campaign, RECIPES[:1])
    before = snapshot(store)
    args = ([*fresh, bad], "why") if method == "abandon" else ([*fresh, bad],)
    with pytest.raises(ExperimentStateError, match=f"experiment {bad} "):
        getattr(store, method)(*args)
    assert_same(before, snapshot(store))


# -- recording: all or nothing -------------------------------------------------------------------

# Each case lists experiments by their key in the ``recorded`` fixture; every one gets a
# result. Anything that is not a key is passed through as it is (to test non-Result input).
BAD_RECORDS = [
    pytest.param(["missing"], False, "999999 does not exist", id="unknown_experiment_id"),
    pytest.param(["other"], False, "belongs to campaign 'other'", id="other_campaign"),
    pytest.param(["open", "open"], False, "more than once", id="duplicate_id_in_call"),
    pytest.param(["abandoned"], True, "was abandoned", id="abandoned_experiment"),
    pytest.param(["measured"], False, "already measured.*amend=True", id="measured_no_amend"),
    pytest.param(["failed"], False, "already failed.*amend=True", id="failed_no_amend"),
    pytest.param(["not a Result"], False, "is not a Result", id="not_a_result"),
]


@pytest.fixture
def recorded(store: Store, campaign: str) -> dict[str, int]:
    """Experiments in every status, plus one in another campaign."""
    store.create_campaign("other", CAMPAIGN_TOML)
    ids = dict(
        zip(
            ["open", "measured", "failed", "abandoned", "open2"],
            store.add_experiments(campaign, RECIPES + RECIPES[:2]),
            strict=True,
        )
    )
    store.record(
        campaign,
        [Result(ids["measured"], {OHM: 5.0}), Result(ids["failed"], failure_reason="cracked")],
    )
    store.abandon([ids["abandoned"]], "no powder")
    [ids["other"]] = store.add_experiments("other", RECIPES[:1])
    return {**ids, "missing": 999_999}


@pytest.mark.parametrize(("bad_keys", "amend", "match"), BAD_RECORDS)
def test_bad_record_changes_nothing(
    store: Store,
    db_url: str,
    campaign: str,
    recorded: dict[str, int],
    bad_keys: list[str],
    amend: bool,
    match: str,
) -> None:
    good = Result(recorded["open2"], {OHM: 4.0})  # valid, and must not land either
    bad = [Result(recorded[key], {OHM: 9.0}) if key in recorded else key for key in bad_keys]
    results: list[Any] = [good, *bad]
    path = sqlite_path(db_url)
    before = snapshot(store)
    store.close()
    file_before = path.read_bytes() if path else None
    with Store(db_url) as reopened:
        with pytest.raises(InputDataError, match=match):
            reopened.record(campaign, results, amend=amend)
        assert_same(before, snapshot(reopened))
    if path:
        assert not Path(f"{path}-wal").exists()
        assert path.read_bytes() == file_before


def test_every_problem_is_named_at_once(store: Store, campaign: str, recorded: dict[str, int]) -> None:
    results = [Result(recorded["measured"], {OHM: 1.0}), Result(424242, {OHM: 1.0})]
    with pytest.raises(ExperimentStateError) as caught:
        store.record(campaign, results)
    assert f"experiment {recorded['measured']} is already measured" in str(caught.value)
    assert "experiment 424242 does not exist" in str(caught.value)
    assert isinstance(caught.value, StoreError) and isinstance(caught.value, ValueError)


def test_amend_keeps_the_old_result_in_history(store: Store, campaign: str) -> None:
    [eid] = store.add_experiments(campaign, RECIPES[:1])
    assert store.history(eid) == []
    first = store.record(campaign, [Result(eid, {OHM: 5.0}, parameters_made={"carbon_wt_pct": 6})], recorded_by="ann")[
        0
    ]
    second = store.record(campaign, [Result(eid, failure_reason="short circuit")], amend=True, recorded_by="bob")[0]
    third = store.record(campaign, [Result(eid, {OHM: 4.5})], amend=True)[0]
    assert (third.status, third.outcomes, third.failure_reason) == ("measured", {OHM: 4.5}, None)
    assert third.parameters_made == {"carbon_wt_pct": 6}  # kept: the amendment gave none
    old = store.history(eid)
    assert [(h.status, h.outcomes, h.recorded_by) for h in old] == [
        ("measured", {OHM: 5.0}, "ann"),
        ("failed", {}, "bob"),
    ]
    assert old[0].parameters_made == {"carbon_wt_pct": 6}
    assert old[1].failure_reason == "short circuit"
    assert old[0].recorded_at == first.updated_at and old[0].superseded_at == second.updated_at
    assert old[1].superseded_at == third.updated_at


def test_amend_with_some_outcomes_keeps_the_others(store: Store, campaign: str) -> None:
    """A partial amendment corrects the outcomes it gives; the rest keep their values
    (issue 15, item 5), and the history holds the whole previous result."""
    [eid] = store.add_experiments(campaign, RECIPES[:1])
    store.record(campaign, [Result(eid, {OHM: 5.0, "capacity_mah_g": 57.7, "onset_c": 480.0})])
    amended = store.record(campaign, [Result(eid, {OHM: 4.5})], amend=True)[0]
    assert amended.outcomes == {OHM: 4.5, "capacity_mah_g": 57.7, "onset_c": 480.0}
    assert store.experiment(eid).outcomes == amended.outcomes
    assert [h.outcomes for h in store.history(eid)] == [{OHM: 5.0, "capacity_mah_g": 57.7, "onset_c": 480.0}]


def test_amend_to_failed_replaces_the_measurement(store: Store, campaign: str) -> None:
    [eid] = store.add_experiments(campaign, RECIPES[:1])
    store.record(campaign, [Result(eid, {OHM: 5.0, "capacity_mah_g": 57.7})])
    failed = store.record(campaign, [Result(eid, {"sintered": 0.0}, failure_reason="delaminated")], amend=True)[0]
    assert (failed.status, failed.outcomes) == ("failed", {"sintered": 0.0})
    assert store.history(eid)[0].outcomes == {OHM: 5.0, "capacity_mah_g": 57.7}


def test_amend_on_an_open_experiment_just_records(store: Store, campaign: str) -> None:
    [eid] = store.add_experiments(campaign, RECIPES[:1])
    store.record(campaign, [Result(eid, {OHM: 5.0})], amend=True)
    assert store.history(eid) == []


def test_unknown_experiment_lookup(store: Store) -> None:
    with pytest.raises(ExperimentStateError, match="experiment 77 does not exist"):
        store.experiment(77)
    with pytest.raises(ExperimentStateError, match="experiment 77 does not exist"):
        store.history(77)


# -- round trips --------------------------------------------------------------------------------


def _bits(value: Any) -> Any:
    return struct.pack("<d", value) if isinstance(value, float) else value


finite = st.floats(allow_nan=False, allow_infinity=False)
names = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=20)
scalars = st.one_of(finite, st.integers(-(2**53), 2**53), st.booleans(), names)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    recipe=st.dictionaries(
        names.filter(lambda n: n.strip() and n not in RESERVED_NAMES),
        scalars,
        min_size=1,
        max_size=4,
    ),
    outcomes=st.dictionaries(st.sampled_from([OHM, "ssa_m2_g", "capacity_mah_g"]), finite, min_size=1),
    prediction=st.recursive(
        finite | names | st.none(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=3),
        max_leaves=8,
    ),
)
def test_values_round_trip_exactly(
    store: Store, campaign: str, recipe: dict[str, Any], outcomes: dict[str, float], prediction: Any
) -> None:
    recipe = {k: v for k, v in recipe.items() if k.strip() and len(k) <= 200}
    [eid] = store.add_experiments(campaign, [recipe], predictions=[{"model": prediction}])
    store.record(campaign, [Result(eid, outcomes)])
    stored = store.experiment(eid)
    assert {k: _bits(v) for k, v in stored.parameters_proposed.items()} == {k: _bits(v) for k, v in recipe.items()}
    assert [type(v) for v in stored.parameters_proposed.values()] == [type(v) for v in recipe.values()]
    assert {k: _bits(v) for k, v in stored.outcomes.items()} == {k: _bits(v) for k, v in outcomes.items()}
    assert stored.prediction == {"model": prediction}


def test_timestamps_are_aware_utc(store: Store, campaign: str) -> None:
    start = dt.datetime.now(dt.UTC)
    [eid] = store.add_experiments(campaign, RECIPES[:1])
    store.record(campaign, [Result(eid, {OHM: 1.0})])
    record = store.experiment(eid)
    for stamp in (record.created_at, record.updated_at):
        assert stamp.utcoffset() == dt.timedelta(0)
        assert start <= stamp <= dt.datetime.now(dt.UTC)
    assert record.created_at <= record.updated_at


def test_to_frame_has_one_row_per_experiment(store: Store, campaign: str) -> None:
    ids = store.add_experiments(campaign, RECIPES)
    store.record(campaign, [Result(ids[0], {OHM: 1.5, "ssa_m2_g": 30.0})])
    store.record(campaign, [Result(ids[1], failure_reason="cracked")])
    frame = store.to_frame(campaign)
    assert list(frame.columns) == [
        "experiment_id",
        "batch",
        "status",
        "source",
        "sinter_temperature_c",
        "carbon_wt_pct",
        "atmosphere",
        OHM,
        "ssa_m2_g",
        "failure_reason",
        "notes",
        "recorded_by",
        "created_at",
        "updated_at",
    ]
    assert frame["experiment_id"].tolist() == ids
    assert frame["status"].tolist() == ["measured", "failed", "proposed"]
    assert frame[OHM].iloc[0] == 1.5 and frame[OHM].iloc[1:].isna().all()
    assert str(frame["batch"].dtype) == "Int64"
    assert str(frame["created_at"].dt.tz) == "UTC"


def test_to_frame_of_an_empty_campaign(store: Store, campaign: str) -> None:
    frame = store.to_frame(campaign)
    assert frame.empty and "experiment_id" in frame.columns


# -- the campaign lock (issue 15, item 4) -------------------------------------------------------


def test_locked_span_is_one_transaction(store: Store, campaign: str) -> None:
    with store.locked(campaign):
        [eid] = store.add_experiments(campaign, RECIPES[:1])
        assert [e.experiment_id for e in store.experiments(campaign)] == [eid]  # reads see the span's writes
    assert len(store.experiments(campaign)) == 1
    with pytest.raises(RuntimeError, match="boom"), store.locked(campaign):
        store.add_experiments(campaign, RECIPES)
        raise RuntimeError("boom")
    assert len(store.experiments(campaign)) == 1  # the failed span left nothing behind


def test_locked_refuses_nesting_and_unknown_campaigns(store: Store, campaign: str) -> None:
    with store.locked(campaign), pytest.raises(StoreError, match="do not nest"), store.locked(campaign):
        pass
    with pytest.raises(StoreError, match="no campaign named 'nope'"), store.locked("nope"):
        pass


# -- opening without creating, and reading only (issue 15, item 6) -------------------------------


@pytest.mark.parametrize("options", [{"create": False}, {"read_only": True}], ids=["existing_only", "read_only"])
def test_a_database_without_nfpopt_is_refused_and_left_alone(db_url: str, options: dict[str, bool]) -> None:
    path = sqlite_path(db_url)
    with pytest.raises(StoreError, match="no nfpopt database"):
        Store(db_url, **options)
    if path is not None:
        assert not path.exists()  # a mistyped path leaves no new file behind
    else:
        assert table_names(db_url) == []  # nor an empty schema gets nfpopt's tables


def test_a_read_only_store_reads_and_refuses_every_write(db_url: str) -> None:
    with Store(db_url) as store:
        store.create_campaign("nfp", CAMPAIGN_TOML)
        [eid] = store.add_experiments("nfp", RECIPES[:1])
        before = snapshot(store)
    with Store(db_url, read_only=True) as reader:
        assert reader.read_only
        assert_same(before, snapshot(reader))
        with pytest.raises(StoreError, match="opened read-only"):
            reader.record("nfp", [Result(eid, {OHM: 1.0})])
        with pytest.raises(StoreError, match="opened read-only"):
            reader.create_campaign("other", "")
    with Store(db_url) as store:
        assert_same(before, snapshot(store))


def test_a_read_only_store_does_not_migrate(db_url: str) -> None:
    Store(db_url).close()
    engine = create_engine(db_url)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    engine.dispose()
    with pytest.raises(StoreError, match="no nfpopt database"):
        Store(db_url, read_only=True)
    assert "campaigns" not in table_names(db_url)


# -- deleting a campaign (issue 15, item 9) -----------------------------------------------------


def test_deleting_a_campaign_takes_its_experiments_and_history_and_frees_the_name(store: Store, campaign: str) -> None:
    other = store.create_campaign("other", CAMPAIGN_TOML).name
    [kept] = store.add_experiments(other, RECIPES[:1])
    ids = store.add_experiments(campaign, RECIPES)
    store.record(campaign, [Result(ids[0], {OHM: 5.0})])
    store.record(campaign, [Result(ids[0], {OHM: 4.0})], amend=True)
    before = snapshot(store)
    assert store.delete_campaign(campaign) == len(RECIPES)
    assert [c.name for c in store.list_campaigns()] == [other]
    for eid in ids:
        with pytest.raises(ExperimentStateError, match="does not exist"):
            store.history(eid)
    assert store.experiments(other)[0] == before[other][0] and store.experiment(kept).experiment_id == kept
    store.create_campaign(campaign, CAMPAIGN_TOML)  # the name can be used again
    assert store.experiments(campaign) == []


def test_deleting_an_unknown_campaign_changes_nothing(store: Store, campaign: str) -> None:
    before = snapshot(store)
    with pytest.raises(StoreError, match="no campaign named 'nope'"):
        store.delete_campaign("nope")
    assert_same(before, snapshot(store))
