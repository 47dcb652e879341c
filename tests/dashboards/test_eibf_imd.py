"""EIBF (put to the breast within 1 h) and IMD (skin-to-skin >= 1 h) are recorded and reported
apart (FACTS §17, review M12); undecided recalls are counted, not hidden in N."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from laktasi.api.fhir.export import bundle_build
from laktasi.api.fhir.importer import bundle_import
from laktasi.api.services import token_create
from laktasi.dashboards.indicators import all_tables
from laktasi.dashboards.selectors import dashboard_get, unit_get
from laktasi.followups.services import snapshot_refresh, visit_record
from laktasi.mothers.models import Baby, Mother
from laktasi.programs.models import Program
from tests.api.conftest import ApiClient
from tests.followups.helpers import new_baby, recall, scheduled
from tests.imports.conftest import run_import, write_csv

IMD_COLUMNS = slice(14, 18)  # IMD n, N recorded, %, not recorded


def _indicators(world, lang="en"):
    admin = world.users["admin"]
    db = dashboard_get(user=admin, unit=unit_get(user=admin, level="all", key=""))
    tables, _surv = all_tables(db, lang)
    return tables["indicators"]


def test_eibf_without_imd_is_never_counted_as_imd(world):
    today = timezone.localdate()
    first = new_baby(world.mothers["melati"], age_days=10, today=today)
    first.early_initiation, first.imd = True, None  # an old record: IMD unknown
    first.save()
    second = new_baby(world.mothers["mawar"], age_days=10, today=today)
    second.early_initiation, second.imd = True, True
    second.save()
    snapshot_refresh()
    table = _indicators(world)
    total = table.rows[-1]
    assert total[6:9] == [2, 2, "100.0%"]  # EIBF: both babies
    unknown = Baby.objects.filter(imd__isnull=True).count()  # the old record + world babies
    assert unknown >= 2
    assert total[IMD_COLUMNS] == [1, 1, "100.0%", unknown]  # IMD: only the recorded one
    assert "IMD n" in table.columns
    id_table = _indicators(world, "id")
    assert id_table.columns[6] == "Menyusu dalam 1 jam pertama (EIBF) n"
    assert id_table.columns[14] == "IMD (kontak kulit ≥ 1 jam) n"


def test_undecided_latest_recall_is_left_out_of_n_and_counted(world):
    baby = new_baby(world.mothers["melati"], age_days=8)
    visits = scheduled(baby)
    visit_record(visit=visits["d1_3"], recorded_by=None, done_on=visits["d1_3"].due_date,
                 mode="home", recall_answers=recall("exclusive"), refresh_snapshot=False)  # fmt: skip
    answers = recall("exclusive")
    answers.pop("plain_water")  # a missing answer that would change "exclusive"
    late = visit_record(visit=visits["d7"], recorded_by=None, done_on=visits["d7"].due_date,
                        mode="home", recall_answers=answers)  # fmt: skip
    assert late.recall_id
    assert late.feeding_status == ""
    total = _indicators(world).rows[-1]
    assert total[1:3] == [0, 0]  # not replaced by the older exclusive recall
    assert total[-1] == 1


def test_api_reports_eibf_and_imd_apart(world):
    baby = new_baby(world.mothers["melati"], age_days=5)
    baby.early_initiation, baby.imd = True, False
    baby.save()
    snapshot_refresh()
    client = ApiClient(token_create(user=world.users["admin"], name="t")[1])
    body = client.get("/api/indicators", level="all", unit="").json()
    assert sum(c.get("yes", 0) for c in body["eibf"].values()) == 1
    assert sum(c.get("no", 0) for c in body["imd"].values()) == 1
    assert sum(c.get("yes", 0) for c in body["imd"].values()) == 0


def test_import_column_imd_is_imd_and_eibf_has_its_own_column(world, tmp_path):
    header = ["row_id", "full_name", "birth_date", "parity", "baby_birth_date", "baby_sex",
              "imd", "eibf"]  # fmt: skip
    path = write_csv(tmp_path / "m.csv", header, [
        ["1", "Ani Lestari", "01/02/1995", "1", "01/11/2026", "P", "tidak", "ya"],
        ["2", "Budi Ningsih", "01/02/1996", "2", "02/11/2026", "L", "", "ya"],
    ])  # fmt: skip
    job, _plan = run_import(path, facility=world.melati)
    assert job.created == 2, job.errors
    rows = dict(Baby.objects.filter(mother__full_name__in=["Ani Lestari", "Budi Ningsih"])
                .values_list("mother__full_name", "imd"))  # fmt: skip
    assert rows == {"Ani Lestari": False, "Budi Ningsih": None}
    assert set(
        Baby.objects.filter(mother__full_name__in=["Ani Lestari", "Budi Ningsih"]).values_list(
            "early_initiation", flat=True
        )
    ) == {True}


@pytest.mark.django_db
def test_fhir_round_trip_keeps_imd_and_wet_nappies(world):
    baby = world.mothers["melati"].babies.get()
    baby.early_initiation, baby.imd = True, False
    baby.save()
    visits = scheduled(baby)
    visit = next(iter(visits.values()))
    visit_record(visit=visit, recorded_by=None, done_on=visit.due_date, mode="home",
                 wet_nappies=5, refresh_snapshot=False)  # fmt: skip
    bundle = bundle_build(user=world.users["bidan"])
    # Into a laktasi with its regions and facilities (reference data a Bundle never creates).
    Mother.objects.all().delete()
    Program.objects.all().delete()
    bundle_import(bundle=bundle, facility=world.puskesmas)
    again = Baby.objects.get(mother__full_name=world.mothers["melati"].full_name)
    assert (again.early_initiation, again.imd) == (True, False)
    assert again.visits.filter(wet_nappies=5).count() == 1


def _imd_migration(executor) -> tuple[tuple[str, str], tuple[str, str]]:
    """The migration adding Baby.imd and the one before it (found by content, not by name,
    so renumbering at merge time does not break the test)."""
    for key, migration in executor.loader.disk_migrations.items():
        if key[0] == "mothers" and any(
            getattr(op, "model_name", "") == "baby" and getattr(op, "name", "") == "imd"
            for op in migration.operations
        ):
            return key, next(d for d in migration.dependencies if d[0] == "mothers")
    raise AssertionError("no migration adds Baby.imd")


def test_migration_keeps_within_one_hour_as_eibf_and_leaves_imd_unknown(transactional_db, world):
    baby = world.mothers["melati"].babies.get()
    Baby.objects.filter(pk=baby.pk).update(early_initiation=True)
    executor = MigrationExecutor(connection)
    target, before = _imd_migration(executor)
    try:
        executor.migrate([before])
        executor = MigrationExecutor(connection)  # a fresh graph, as `migrate` would load
        executor.migrate([target])
        again = Baby.objects.get(pk=baby.pk)
    finally:  # later migrations (other apps or helpers) back in place for the next tests
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert again.early_initiation is True
    assert again.imd is None
