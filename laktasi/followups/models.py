"""Follow-up to six months: plans (the contact schedule), visits and per-facility snapshots.

The default schedule follows WHO's advice of at least six counselling contacts (FACTS §8.3);
the timing of the contacts is not sourced there ([U]), so it is a configurable default:
a program may have its own :class:`FollowupPlan`.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from laktasi.core.models import TimeStamped
from laktasi.followups.rules import WeightRules
from laktasi.instruments.models import Response
from laktasi.mothers.models import Baby
from laktasi.places.models import Facility
from laktasi.programs.models import Program

# key, label (English msgid, translated at render), due day of life, days before, days after.
# Days 1-3, 7, 14, 28, then months 2-6 (a month = 30.4375 days, rounded). [U] FACTS §8.3.
DEFAULT_CONTACTS: list[dict] = [
    {"key": "d1_3", "label": "day 1–3", "day": 2, "before": 1, "after": 1},
    {"key": "d7", "label": "day 7", "day": 7, "before": 2, "after": 3},
    {"key": "d14", "label": "day 14", "day": 14, "before": 3, "after": 4},
    {"key": "d28", "label": "day 28", "day": 28, "before": 5, "after": 7},
    {"key": "m2", "label": "month 2", "day": 61, "before": 10, "after": 10},
    {"key": "m3", "label": "month 3", "day": 91, "before": 10, "after": 10},
    {"key": "m4", "label": "month 4", "day": 122, "before": 10, "after": 10},
    {"key": "m5", "label": "month 5", "day": 152, "before": 10, "after": 10},
    {"key": "m6", "label": "month 6", "day": 175, "before": 7, "after": 7},
]
SIX_MONTHS_DAYS = 183  # follow-up ends (and survival is censored) at 6 months
CONTACT_LABELS = {
    "d1_3": _("day 1–3"),
    "d7": _("day 7"),
    "d14": _("day 14"),
    "d28": _("day 28"),
    "m2": _("month 2"),
    "m3": _("month 3"),
    "m4": _("month 4"),
    "m5": _("month 5"),
    "m6": _("month 6"),
}
RECALL_INSTRUMENT = "feeding_recall_24h"
SMOOTHNESS_INSTRUMENT = "milk_smoothness"


def default_contacts() -> list[dict]:
    return [dict(c) for c in DEFAULT_CONTACTS]


def validate_contacts(value) -> None:
    """A plan is a list of contacts with a unique key, a due day and a window around it."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("The plan needs at least one contact."))
    keys = set()
    for contact in value:
        if not isinstance(contact, dict) or not {"key", "day"} <= set(contact):
            raise ValidationError(_("Every contact needs a key and a day."))
        day, before, after = contact["day"], contact.get("before", 0), contact.get("after", 0)
        if not all(isinstance(v, int) and v >= 0 for v in (day, before, after)):
            raise ValidationError(_("Days must be whole numbers, zero or more."))
        if contact["key"] in keys:
            raise ValidationError(_("Contact keys must be unique."))
        keys.add(contact["key"])


class FollowupPlan(TimeStamped):
    """A program's own visit schedule; babies outside such a program get the default."""

    program = models.OneToOneField(
        Program,
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="followup_plan",
    )
    contacts = models.JSONField(
        _("contacts"),
        default=default_contacts,
        validators=[validate_contacts],
        help_text=_(
            'List of contacts: {"key": "d7", "label": "day 7", "day": 7, "before": 2, '
            '"after": 3} — due on that day of life, open from day-before to day+after.'
        ),
    )

    # FACTS §11.4 [U] defaults, configurable per program like the contacts.
    weight_assess_loss_pct = models.DecimalField(
        _("weight loss for a breastfeeding assessment (% of birth weight)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal(7),
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(30))],
    )
    weight_refer_loss_pct = models.DecimalField(
        _("weight loss for the bidan within a day (% of birth weight)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal(10),
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(30))],
    )
    regain_birth_weight_by_day = models.PositiveSmallIntegerField(
        _("birth weight regained by day"),
        default=14,
        validators=[MinValueValidator(7), MaxValueValidator(28)],
        help_text=_("FACTS: back to birth weight by day 10–14; below it after this day → bidan."),
    )

    class Meta:
        verbose_name = _("follow-up plan")
        verbose_name_plural = _("follow-up plans")

    def __str__(self) -> str:
        return f"{self.program}"

    def weight_rules(self) -> WeightRules:
        return WeightRules(
            assess_loss_pct=Fraction(self.weight_assess_loss_pct),
            refer_loss_pct=Fraction(self.weight_refer_loss_pct),
            regain_by_day=self.regain_birth_weight_by_day,
        )

    def clean(self) -> None:
        if (
            self.weight_assess_loss_pct is not None
            and self.weight_refer_loss_pct is not None
            and self.weight_assess_loss_pct > self.weight_refer_loss_pct
        ):
            raise ValidationError(
                {"weight_assess_loss_pct": _("The assessment threshold cannot be above the "
                                             "referral threshold.")}
            )  # fmt: skip


class VisitMode(models.TextChoices):
    HOME = "home", _("home visit")
    POSYANDU = "posyandu", _("at the posyandu")
    PHONE = "phone", _("phone call")


class Problem(models.TextChoices):
    SORE_NIPPLES = "sore_nipples", _("sore or cracked nipples")
    ENGORGEMENT = "engorgement", _("engorgement (swollen, hard breasts)")
    LOW_SUPPLY = "low_supply_worry", _("worried about low milk supply")
    NOT_GAINING = "baby_not_gaining", _("baby not gaining weight")
    # Danger signs in the baby (FACTS §11.1-§11.3, §11.5): the bidan the same day.
    JAUNDICE = (
        "jaundice_danger",
        _("baby yellow in the first 24 hours, on the palms or soles, or after 2 weeks"),
    )
    FEVER_OR_COLD = "fever_or_cold", _("baby feels hot (fever) or cold")
    NOT_FEEDING = "not_feeding", _("baby will not breastfeed")
    VERY_SLEEPY = "very_sleepy", _("baby very sleepy, weak or hard to wake")
    CONVULSIONS = "convulsions", _("baby has fits (convulsions)")
    FAST_BREATHING = "fast_breathing", _("baby breathes fast or with difficulty")
    FEW_WET_NAPPIES = "few_wet_nappies", _("few wet nappies for the baby's day of life")
    VOMITING_DIARRHOEA = "vomiting_diarrhoea", _("baby vomits again and again or has diarrhoea")
    CORD_INFECTION = "cord_infection", _("cord red up to the belly skin, smelly or with pus")
    # Danger signs in the mother (FACTS §12, §13): the bidan the same day.
    MOTHER_FEVER = "mother_fever", _("mother has a fever")
    MASTITIS = "mastitis_signs", _("mother: red, hot, painful breast with fever")
    HEAVY_BLEEDING = "heavy_bleeding", _("mother bleeds heavily")
    HEADACHE_VISION = "headache_blurred_vision", _("mother has a severe headache or blurred vision")
    HARM_THOUGHTS = "harm_thoughts", _("mother has thoughts of harming herself or the baby")


ROUTINE_PROBLEMS = ("sore_nipples", "engorgement", "low_supply_worry", "baby_not_gaining")

# Problems that need referral (not the same day: danger signs are handled by followups.rules
# and can never be switched off). [U]: a configurable default
# (settings.LAKTASI_REFERRAL_PROBLEMS overrides it).
REFERRAL_PROBLEMS = ("baby_not_gaining",)


class MassageBy(models.TextChoices):
    HUSBAND = "husband", _("husband")
    FAMILY = "family", _("other family member")
    HEALTH_WORKER = "health_worker", _("bidan or kader")
    OTHER = "other", _("someone else")


class Visit(TimeStamped):
    """One contact of a baby's schedule (or an extra contact), done or not yet.

    A scheduled visit is open from ``window_start`` to ``window_end``; it is *missed* when
    the window has closed without ``done_on``. ``feeding_status``, ``age_days`` and
    ``age_months`` are copied from the recall when the visit is recorded, for the indicators.
    """

    baby = models.ForeignKey(
        Baby, verbose_name=_("baby"), on_delete=models.CASCADE, related_name="visits"
    )
    key = models.CharField(_("contact"), max_length=16)
    number = models.PositiveSmallIntegerField(_("number"))
    scheduled = models.BooleanField(_("scheduled"), default=True)
    due_date = models.DateField(_("due date"))
    window_start = models.DateField(_("window opens"))
    window_end = models.DateField(_("window closes"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    mode = models.CharField(_("how"), max_length=10, choices=VisitMode.choices, blank=True)
    recall = models.OneToOneField(
        Response,
        verbose_name=_("24-hour feeding recall"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visit",
    )
    feeding_status = models.CharField(_("feeding status"), max_length=16, blank=True)
    age_days = models.PositiveSmallIntegerField(_("age (days)"), null=True, blank=True)
    age_months = models.PositiveSmallIntegerField(
        _("age (completed months)"), null=True, blank=True
    )
    problems = models.JSONField(_("breastfeeding problems"), default=list, blank=True)
    massage_done = models.BooleanField(_("oxytocin massage still done"), null=True, blank=True)
    massage_by = models.CharField(
        _("massage done by"), max_length=16, choices=MassageBy.choices, blank=True
    )
    weight_g = models.PositiveIntegerField(
        _("weight (g)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(500), MaxValueValidator(15000)],
    )
    wet_nappies = models.PositiveSmallIntegerField(
        _("wet nappies in the last 24 hours"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(40)],
    )
    referral_made = models.BooleanField(_("referral made"), default=False)
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["baby", "due_date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["baby", "key"],
                condition=models.Q(scheduled=True),
                name="visit_one_per_contact",
            ),
            models.CheckConstraint(
                condition=models.Q(window_start__lte=models.F("window_end")),
                name="visit_window_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["window_start", "window_end"]),
            models.Index(fields=["baby", "done_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.due_date:%d/%m/%Y}"

    @property
    def label(self) -> str:
        return str(CONTACT_LABELS.get(self.key, self.key))

    def clean(self) -> None:
        bad = set(self.problems or []) - set(Problem.values)
        if bad:
            raise ValidationError({"problems": _("Unknown problem.")})
        if self.massage_by and self.massage_done is False:
            raise ValidationError({"massage_by": _("The massage is not done: leave 'by' empty.")})


class SnapshotMetric(models.TextChoices):
    FEEDING = "feeding", _("feeding status at the latest recall under six months")
    SURVIVAL = "survival", _("time to the end of exclusive breastfeeding")
    VISITS = "visits", _("visits due, done and missed")
    EIBF = "eibf", _("put to the breast within one hour (EIBF)")
    IMD = "imd", _("IMD: skin-to-skin contact for at least one hour")
    MOTHERS = "mothers", _("mothers registered")


class IndicatorSnapshot(models.Model):
    """Pre-aggregated counts per facility, so dashboards stay fast at province scale.

    Rebuilt by ``laktasi dashboards refresh`` (cron) and, for one facility, whenever one of
    its visits is recorded. Rows hold counts only, never a person.
    """

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="+")
    area = models.CharField(max_length=13, blank=True)  # the facility's village code
    as_of = models.DateField()
    metric = models.CharField(max_length=10, choices=SnapshotMetric.choices)
    status = models.CharField(max_length=16, blank=True)
    age_month = models.SmallIntegerField(null=True)
    duration_days = models.IntegerField(null=True)
    event = models.BooleanField(null=True)
    husband_massage = models.BooleanField(null=True)
    primipara = models.BooleanField(null=True)
    n = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["metric", "facility"]),
            models.Index(fields=["metric", "area"]),
            # LIKE 'code.%' prefix searches on PostgreSQL whatever the database's collation
            models.Index(
                fields=["area"], name="snapshot_area_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.facility_id} {self.status} {self.n}"


class IndicatorRollup(models.Model):
    """The snapshot summed per district (level 3), regency (2) and province (1).

    At national scale the snapshot holds about 13 million rows (bench/bench_national.py): a
    page for the whole country or a large province cannot sum them within a second. The
    roll-up holds the same counts per area, so the "all areas" page reads the province rows,
    a province its regencies' rows and a regency its districts' rows (docs/dashboards.md).
    Maintained by ``laktasi.followups.rollups`` in the same transaction as the snapshot.
    """

    level = models.PositiveSmallIntegerField()  # 1 province, 2 regency, 3 district
    area = models.CharField(max_length=13)  # the region code at that level
    as_of = models.DateField()
    metric = models.CharField(max_length=10, choices=SnapshotMetric.choices)
    status = models.CharField(max_length=16, blank=True)
    age_month = models.SmallIntegerField(null=True)
    duration_days = models.IntegerField(null=True)
    event = models.BooleanField(null=True)
    husband_massage = models.BooleanField(null=True)
    primipara = models.BooleanField(null=True)
    n = models.IntegerField()

    class Meta:
        indexes = [
            # One level's rows under a code prefix (LIKE '33.%' AND level = 2): an index on
            # the area alone would read every level's rows of the province first.
            models.Index(
                fields=["level", "area"],
                name="rollup_level_area_prefix",
                opclasses=["int2_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.area} {self.metric} {self.status} {self.n}"
