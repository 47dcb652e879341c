"""The demo's past programs in Jenu, pooled: the article's program enters with exactly the
numbers of its own report, and the page works for the demo coordinator."""

from __future__ import annotations

import pytest

from laktasi.accounts.models import User
from laktasi.demo.loader import PROGRAM_TITLE, demo_load
from laktasi.demo.past import PAST, demo_past_programs_load
from laktasi.places.models import Region
from laktasi.programs.models import Program
from laktasi.reports.pooled.analysis import PoolingRefused
from laktasi.reports.pooled.datasets import pooled_dataset
from laktasi.reports.pooled.outcomes import outcome_parse
from laktasi.reports.selectors import pooled_build, pooled_program_list, report_build
from tests.conftest import make_regions, module_data_fixture

JENU_VILLAGES = {"35.23.12.2001": "Karangasem", "35.23.12.2003": "Temaji",
                 "35.23.12.2008": "Remen", "35.23.12.2010": "Wadung",
                 "35.23.12.2013": "Jenggolo", "35.23.12.2017": "Sugihwaras"}  # fmt: skip


def _regions_and_demo() -> None:
    make_regions()
    for code, name in JENU_VILLAGES.items():
        Region.objects.get_or_create(code=code, defaults={"name": name, "level": 4,
                                                          "parent_id": "35.23.12"})  # fmt: skip
    demo_load()
    demo_past_programs_load()


_demo_of_the_module = module_data_fixture(_regions_and_demo)


@pytest.fixture
def demo(_demo_of_the_module, db):
    return Program.objects.get(title=PROGRAM_TITLE)


def _pooled(user, outcome, lang="id"):
    return pooled_build(programs=pooled_program_list(user=user, region="35.23.12"),
                        outcome=outcome, method="REML", test="knha", moderator="program_kind",
                        lang=lang)  # fmt: skip


def test_demo_pools_past_programs_with_the_article_program_unchanged(demo):
    """One test (the demo takes ~20 s to load): data, numbers, idempotence."""
    past = Program.objects.exclude(pk=demo.pk)
    assert past.count() == len(PAST)
    assert all(p.is_demo for p in Program.objects.all())
    assert len({p.start_date.year for p in past}) >= 4
    coordinator = User.objects.get(username="demo-koordinator")
    own = report_build(program=demo, lang="id").numbers
    # the article's margins are still those of its report (tests/reports check them in full)
    assert own["smoothness_paired"]["after_yes"] == 13

    analysis, _report = _pooled(coordinator, "knowledge_test:score")
    article = next(e for e in analysis.effects if e.program.pk == demo.pk)
    assert article.n == own["knowledge_scores"]["n_used"] == 15
    assert article.effect.yi == pytest.approx(own["knowledge_scores"]["mean_difference"], rel=1e-12)
    assert analysis.pooled.k == len(PAST) + 1
    assert any(e.few_pairs for e in analysis.included)  # the small program (4 pairs)
    assert analysis.regression is not None
    assert analysis.one_stage is not None

    smooth, _r = _pooled(coordinator, "milk_smoothness:category")
    article = next(e for e in smooth.effects if e.program.pk == demo.pk)
    (a, b), (c, d) = own["smoothness_paired"]["table"]
    assert article.n == a + b + c + d == 15
    assert article.effect.yi == pytest.approx((c - b) / 15, rel=1e-12)  # 13/15 - 6/15

    counts = Program.objects.count()
    demo_past_programs_load()
    assert Program.objects.count() == counts


def test_demo_coordinator_opens_the_page_with_forest_plot(client, demo):
    client.force_login(User.objects.get(username="demo-koordinator"))
    response = client.get("/laporan/gabungan/", {"outcome": "milk_smoothness:category",
                                                 "region": "35.23.12", "method": "REML",
                                                 "test": "knha", "format": "web", "lang": "id"})  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kec. Jenu" in html  # the region choice
    assert "data:image/svg+xml;base64," in html
    assert "antara desa, efeknya" in html.lower()
    assert "[demo]" in html


def test_demo_ebf_at_a_visit_is_refused_because_only_the_article_program_has_recalls(demo):
    """The demo's past programs have no follow-up visits (laktasi/demo/past.py makes none), so
    only the article's program has decided recalls: one proportion is not pooled."""
    coordinator = User.objects.get(username="demo-koordinator")
    programs = pooled_program_list(user=coordinator, region="35.23.12")
    with pytest.raises(PoolingRefused) as refused:
        pooled_build(programs=programs, outcome="ebf_visit", method="REML", test="knha",
                     moderator=None, lang="en")  # fmt: skip
    assert refused.value.details == {"usable": 1, "chosen": len(PAST) + 1}
    parsed = outcome_parse("ebf_visit")
    dataset = pooled_dataset(programs=programs, outcome=parsed)
    article = next(p for p in dataset.programs if p.pk == demo.pk)
    assert article.decided > 0
    assert all(p.decided == p.undecided == 0 for p in dataset.programs if p.pk != demo.pk)
