"""region_list and facility_list's filters (the API's /regions and /facilities queries)."""

from __future__ import annotations

import pytest
from django.http import Http404

from laktasi.places.selectors import facility_get, facility_list, region_list


def _codes(qs) -> list[str]:
    return sorted(qs.values_list("code", flat=True))


def test_region_list_filters_by_parent_level_and_code_or_name_prefix(world):
    assert _codes(region_list(parent="35.23.12")) == ["35.23.12.2005", "35.23.12.2016"]
    assert _codes(region_list(level=3)) == ["35.23.11", "35.23.12"]
    assert _codes(region_list(search=" Tasik ")) == ["35.23.12.2005"]  # name, trimmed
    assert _codes(region_list(search="35.23.11")) == ["35.23.11", "35.23.11.2001"]
    assert _codes(region_list(level=4, search="Jenu")) == ["35.23.12.2016"]  # and, not or
    assert region_list().count() == 7


def test_facility_list_filters_by_kind_and_region_prefix(world):
    admin = world.users["admin"]
    posyandu = facility_list(user=admin, kind="posyandu")
    assert set(posyandu) == {world.melati, world.mawar, world.kenanga}
    assert set(facility_list(user=admin, region="35.23.11")) == {
        world.other_puskesmas,
        world.kenanga,
    }
    assert set(facility_list(user=admin, kind="puskesmas", region="35.23.12")) == {world.puskesmas}


def test_cadre_filtering_facilities_sees_only_her_own(world):
    kader = world.users["kader"]  # Posyandu Melati
    assert set(facility_list(user=kader, kind="posyandu")) == {world.melati}
    assert not facility_list(user=kader, region="35.23.11").exists()  # Kenanga: not hers
    assert facility_get(user=kader, pk=world.melati.pk) == world.melati
    with pytest.raises(Http404):
        facility_get(user=kader, pk=world.kenanga.pk)
