"""Mothers, their babies and companions, and their consent."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from laktasi.core.crypto import EncryptedCharField
from laktasi.core.models import TimeStamped
from laktasi.mothers.validators import validate_nik, validate_phone
from laktasi.places.models import Facility, Region

IDENTIFIER_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def new_identifier() -> str:
    """A random laktasi identifier such as LK-7QK2M4XA (no personal data in it)."""
    return "LK-" + "".join(secrets.choice(IDENTIFIER_ALPHABET) for _ in range(8))


class Education(models.TextChoices):
    NONE = "none", _("no schooling")
    SD = "sd", _("primary (SD)")
    SMP = "smp", _("junior secondary (SMP)")
    SMA = "sma", _("senior secondary (SMA/SMK)")
    DIPLOMA = "diploma", _("diploma (D1–D3)")
    UNIVERSITY = "university", _("university (D4/S1 or higher)")


class Occupation(models.TextChoices):
    HOUSEWIFE = "housewife", _("housewife (IRT)")
    FARMER = "farmer", _("farmer / fisher")
    TRADER = "trader", _("trader / self-employed")
    EMPLOYEE = "employee", _("private employee")
    LABOURER = "labourer", _("labourer")
    CIVIL_SERVANT = "civil_servant", _("civil servant / army / police")
    HEALTH_WORKER = "health_worker", _("health worker")
    OTHER = "other", _("other")


class DeliveryMode(models.TextChoices):
    VAGINAL = "vaginal", _("vaginal")
    ASSISTED = "assisted", _("assisted vaginal (vacuum/forceps)")
    CAESAREAN = "caesarean", _("caesarean section")


class DeliveryPlace(models.TextChoices):
    HOME = "home", _("home")
    PMB = "pmb", _("midwife practice (PMB)")
    PUSKESMAS = "puskesmas", _("puskesmas")
    HOSPITAL = "hospital", _("hospital")
    OTHER = "other", _("other")


class Mother(TimeStamped):
    """A breastfeeding mother registered with a facility (usually her posyandu)."""

    identifier = models.CharField(
        _("laktasi identifier"), max_length=11, unique=True, default=new_identifier, editable=False
    )
    full_name = models.CharField(_("full name"), max_length=120)
    nik = EncryptedCharField(
        _("NIK"), max_length=16, blank=True, default="", validators=[validate_nik]
    )
    nik_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    birth_date = models.DateField(_("date of birth"))
    phone = EncryptedCharField(
        _("phone"), max_length=16, blank=True, default="", validators=[validate_phone]
    )
    village = models.ForeignKey(
        Region,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 4},
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    facility = models.ForeignKey(
        Facility,
        verbose_name=_("posyandu / facility"),
        on_delete=models.PROTECT,
        related_name="mothers",
        help_text=_("The posyandu or practice that follows this mother."),
    )
    education = models.CharField(
        _("education"), max_length=16, choices=Education.choices, blank=True
    )
    occupation = models.CharField(
        _("occupation"), max_length=16, choices=Occupation.choices, blank=True
    )
    parity = models.PositiveSmallIntegerField(
        _("parity"),
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("Number of births including this one; 1 = primipara."),
    )
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    delivery_mode = models.CharField(
        _("delivery mode"), max_length=16, choices=DeliveryMode.choices, blank=True
    )
    delivery_place = models.CharField(
        _("delivery place"), max_length=16, choices=DeliveryPlace.choices, blank=True
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Data-subject rights (laktasi.privacy): a restricted mother gets no new processing and is
    # listed only to administrators; an anonymised one has had her personal data erased.
    restricted = models.BooleanField(
        _("processing restricted"),
        default=False,
        editable=False,
        help_text=_("Set by the restriction request in laktasi.privacy; blocks new assessments."),
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mother")
        verbose_name_plural = _("mothers")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["nik_hash"],
                condition=~models.Q(nik_hash=""),
                name="mother_unique_nik",
                violation_error_message=_("A mother with this NIK is already registered."),
            )
        ]
        indexes = [models.Index(fields=["facility", "full_name"])]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.identifier})"

    @property
    def is_primipara(self) -> bool:
        return self.parity == 1

    @property
    def nik_masked(self) -> str:
        """The NIK as lists show it: only the last four digits."""
        return ("•" * 12 + self.nik[-4:]) if self.nik else ""

    def clean(self) -> None:
        errors: dict[str, object] = {}
        today = timezone.localdate()
        if self.birth_date and self.birth_date > today:
            errors["birth_date"] = _("Date of birth cannot be in the future.")
        if self.delivery_date and self.delivery_date > today:
            errors["delivery_date"] = _("Delivery date cannot be in the future.")
        if self.birth_date and self.delivery_date and self.delivery_date <= self.birth_date:
            errors["delivery_date"] = _("Delivery date must be after the mother's birth date.")
        if self.village_id and self.village.level != 4:
            errors["village"] = _("Choose a village (desa/kelurahan), not a higher region.")
        if errors:
            raise ValidationError(errors)


class Sex(models.TextChoices):
    FEMALE = "F", _("girl")
    MALE = "M", _("boy")


class Baby(TimeStamped):
    """A baby followed to six months."""

    mother = models.ForeignKey(
        Mother, verbose_name=_("mother"), on_delete=models.CASCADE, related_name="babies"
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_weight_g = models.PositiveIntegerField(
        _("birth weight (g)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(300), MaxValueValidator(7000)],
    )
    # Two different things, never reported as each other (FACTS §17, review M12): EIBF is the
    # WHO/UNICEF 2021 outcome "put to the breast within one hour of birth"; IMD is the
    # procedure of at least one hour of uninterrupted skin-to-skin contact (PP 33/2012 Ps. 9,
    # PP 28/2024 Ps. 26). Unknown stays None: neither is ever derived from the other.
    early_initiation = models.BooleanField(
        _("put to the breast within one hour (EIBF)"), null=True, blank=True
    )
    imd = models.BooleanField(
        _("IMD: skin-to-skin contact for at least one hour"), null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("baby")
        verbose_name_plural = _("babies")
        ordering = ["birth_date"]

    def __str__(self) -> str:
        return self.name or f"{_('baby')} {self.birth_date:%d/%m/%Y}"

    def clean(self) -> None:
        if self.birth_date and self.birth_date > timezone.localdate():
            raise ValidationError({"birth_date": _("Date of birth cannot be in the future.")})
        if self.mother_id and self.birth_date and self.birth_date <= self.mother.birth_date:
            raise ValidationError({"birth_date": _("The baby cannot be born before the mother.")})


class Relationship(models.TextChoices):
    HUSBAND = "husband", _("husband")
    MOTHER = "mother", _("mother")
    MOTHER_IN_LAW = "mother_in_law", _("mother-in-law")
    OTHER_FAMILY = "other_family", _("other family")
    OTHER = "other", _("other")


class Companion(TimeStamped):
    """The husband or family member who supports the mother (and learns the massage)."""

    mother = models.ForeignKey(
        Mother, verbose_name=_("mother"), on_delete=models.CASCADE, related_name="companions"
    )
    relationship = models.CharField(_("relationship"), max_length=16, choices=Relationship.choices)
    name = models.CharField(_("name"), max_length=120)
    phone = EncryptedCharField(
        _("phone"), max_length=16, blank=True, default="", validators=[validate_phone]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("companion")
        verbose_name_plural = _("companions")
        ordering = ["mother", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"


class ConsentAction(models.TextChoices):
    GIVEN = "given", _("given")
    WITHDRAWN = "withdrawn", _("withdrawn")


class ConsentChannel(models.TextChoices):
    PAPER = "paper", _("paper form")
    VERBAL = "verbal", _("verbal, witnessed")
    DIGITAL = "digital", _("digital")


class ConsentSubject(models.TextChoices):
    MOTHER = "mother", _("the mother, for her own data")
    BABY = "baby", _("the baby's data, by the parent")


class Consent(models.Model):
    """One consent event. Records are never edited: a withdrawal is a new record."""

    mother = models.ForeignKey(
        Mother, verbose_name=_("mother"), on_delete=models.CASCADE, related_name="consents"
    )
    subject = models.CharField(
        _("whose data"),
        max_length=8,
        choices=ConsentSubject.choices,
        default=ConsentSubject.MOTHER,
        help_text=_("A baby's data is consented to by the parent (UU 27/2022 art. 25)."),
    )
    action = models.CharField(
        _("action"), max_length=10, choices=ConsentAction.choices, default=ConsentAction.GIVEN
    )
    text_version = models.CharField(_("consent text version"), max_length=20)
    language = models.CharField(_("language"), max_length=5, default="id")
    purpose = models.CharField(
        _("purpose"), max_length=200, default="program participation and evaluation"
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=ConsentChannel.choices, default=ConsentChannel.PAPER
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["mother", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.recorded_at:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Consent records cannot be changed; record a new one."))
        super().save(*args, **kwargs)
