"""Bad input gets a clear Indonesian message and nothing is saved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from laktasi.mothers.models import Baby, Mother
from laktasi.mothers.services import baby_add, mother_register
from tests.conftest import PASSWORD


def _register(world, **overrides):
    fields = {
        "registered_by": None,
        "full_name": "Ani",
        "birth_date": date(1996, 3, 3),
        "village": world.regions["35.23.12.2005"],
        "facility": world.melati,
        "parity": 2,
    }
    fields.update(overrides)
    return mother_register(**fields)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nik", "352312010195000"),  # 15 digits
        ("nik", "35231201019500AB"),  # letters
        ("phone", "0812-ABC-999"),
    ],
)
def test_bad_identity_fields_are_rejected_in_indonesian(world, field, value):
    before = Mother.objects.count()
    with translation.override("id"), pytest.raises(ValidationError) as info:
        _register(world, **{field: value})
    message = " ".join(info.value.message_dict[field])
    assert "angka" in message  # Indonesian wording, e.g. "hanya angka"
    assert Mother.objects.count() == before


def test_delivery_date_in_future_is_rejected(world):
    future = timezone.localdate() + timedelta(days=3)
    with translation.override("id"), pytest.raises(ValidationError) as info:
        _register(world, delivery_date=future)
    assert "masa depan" in " ".join(info.value.message_dict["delivery_date"])


def test_baby_born_before_mother_is_rejected(world):
    mother = world.mothers["melati"]
    with translation.override("id"), pytest.raises(ValidationError) as info:
        baby_add(mother=mother, birth_date=mother.birth_date - timedelta(days=1), sex="F")
    assert "sebelum ibu" in " ".join(info.value.message_dict["birth_date"])


def test_registration_is_all_or_nothing(world):
    mothers, babies = Mother.objects.count(), Baby.objects.count()
    with pytest.raises(ValidationError):
        _register(world, baby={"birth_date": date(1990, 1, 1), "sex": "F"})
    assert (Mother.objects.count(), Baby.objects.count()) == (mothers, babies)


def test_duplicate_nik_is_rejected(world):
    with pytest.raises(ValidationError):
        _register(world, nik="3523120101950001")


def test_nik_and_phone_are_encrypted_at_rest(world):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nik, phone FROM mothers_mother WHERE full_name = %s", ["Siti Melati"]
        )
        nik, phone = cursor.fetchone()
    assert "3523120101950001" not in nik
    assert "081234567890" not in phone
    assert Mother.objects.get(full_name="Siti Melati").nik == "3523120101950001"


def test_admin_shows_indonesian_errors_and_saves_nothing(client, world):
    client.login(username="admin", password=PASSWORD)
    before = Mother.objects.count()
    response = client.post(
        reverse("admin:mothers_mother_add"),
        {
            "full_name": "Ani",
            "nik": "12345",
            "birth_date": "03/03/1996",
            "phone": "08ab",
            "village": "99.99.99.9999",
            "facility": world.melati.pk,
            "parity": "1",
            "babies-TOTAL_FORMS": "0",
            "babies-INITIAL_FORMS": "0",
            "companions-TOTAL_FORMS": "0",
            "companions-INITIAL_FORMS": "0",
            "consents-TOTAL_FORMS": "0",
            "consents-INITIAL_FORMS": "0",
        },
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "NIK harus tepat 16 digit" in text
    assert "Nomor telepon" in text
    assert Mother.objects.count() == before


def test_nik_is_never_shown_in_full_in_lists(client, world):
    client.login(username="admin", password=PASSWORD)
    for url in [reverse("mothers:list"), reverse("admin:mothers_mother_changelist")]:
        assert b"3523120101950001" not in client.get(url).content
