"""Indonesian administrative regions (Kemendagri codes) and health facilities."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from laktasi.core.models import TimeStamped


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("province")
    REGENCY = 2, _("regency/city")
    DISTRICT = 3, _("district (kecamatan)")
    VILLAGE = 4, _("village (desa/kelurahan)")


class Region(models.Model):
    """One Kemendagri region; the level is the number of dot-separated parts of its code."""

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=120, db_index=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_village(self) -> bool:
        return self.level == RegionLevel.VILLAGE

    def ancestor_code(self, level: int) -> str:
        """The code of this region's ancestor at ``level`` (itself when equal)."""
        return ".".join(self.code.split(".")[:level])


class FacilityKind(models.TextChoices):
    PUSKESMAS = "puskesmas", _("puskesmas")
    POSYANDU = "posyandu", _("posyandu")
    PMB = "pmb", _("independent midwife practice (PMB)")
    HOSPITAL = "hospital", _("hospital")


class Facility(TimeStamped):
    """A puskesmas, posyandu, midwife practice or hospital, located in one village."""

    kind = models.CharField(_("kind"), max_length=16, choices=FacilityKind.choices)
    name = models.CharField(_("name"), max_length=160)
    village = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="facilities"
    )
    puskesmas = models.ForeignKey(
        "self",
        verbose_name=_("puskesmas"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posyandu_set",
        limit_choices_to={"kind": FacilityKind.PUSKESMAS},
        help_text=_("Every posyandu belongs to a puskesmas."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    schedule = models.CharField(
        _("schedule"), max_length=160, blank=True, help_text=_("e.g. posyandu day every month")
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff"),
        blank=True,
        related_name="facilities",
        help_text=_("Midwives and cadres who work here."),
    )

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "name", "village"], name="facility_unique_name_per_village"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.village_id and self.village.level != RegionLevel.VILLAGE:
            errors["village"] = _("Choose a village (desa/kelurahan), not a higher region.")
        if self.kind == FacilityKind.POSYANDU and not self.puskesmas_id:
            errors["puskesmas"] = _("A posyandu must belong to a puskesmas.")
        if self.kind != FacilityKind.POSYANDU and self.puskesmas_id:
            errors["puskesmas"] = _("Only a posyandu belongs to a puskesmas.")
        if errors:
            raise ValidationError(errors)
