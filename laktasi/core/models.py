"""Abstract building blocks shared by the domain apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    """Creation and modification times on every domain record."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class IdempotencyKey(models.Model):
    """A client-supplied UUID of a write that has no UUID column of its own (a visit, an
    attendance tick, a registration sent from the offline queue or the API).

    Holds the kind and pk of the record the first request produced, never personal data. The
    table keeps its first name (``api_idempotencykey``): the model moved here from api so that
    every app below api can claim a key (docs/apps.md, "Layers").
    """

    key = models.UUIDField(unique=True)
    kind = models.CharField(max_length=32)
    object_pk = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "api_idempotencykey"
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")

    def __str__(self) -> str:
        return f"{self.kind} {self.object_pk}"
