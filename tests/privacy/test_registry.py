"""Every model with a foreign-key path to Mother declares its personal fields, so erasure and
export cover new models automatically; a forgotten model fails here."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from laktasi.mothers.models import Mother
from laktasi.privacy import registry


def _is_history_model(model) -> bool:
    # simple-history's Historical* models are erased through the model they record.
    return hasattr(model, "instance_type") and "history_id" in {
        f.name for f in model._meta.concrete_fields
    }


def path_to_mother(model, depth: int = 4, seen: frozenset = frozenset()) -> str | None:
    """The shortest forward foreign-key path from model to Mother, or None."""
    if model is Mother:
        return ""
    if depth == 0 or model in seen:
        return None
    best = None
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and field.related_model is not None:
            rest = path_to_mother(field.related_model, depth - 1, seen | {model})
            if rest is not None:
                candidate = field.name + ("__" + rest if rest else "")
                if best is None or candidate.count("__") < best.count("__"):
                    best = candidate
    return best


def test_every_model_linked_to_a_mother_declares_its_personal_data():
    missing = [
        f"{model._meta.label} (path {path_to_mother(model)!r})"
        for model in apps.get_models()
        if not _is_history_model(model)
        and path_to_mother(model) is not None
        and not registry.declared(model)
    ]
    assert missing == [], (
        "Declare these models in their app's personal_data.py "
        "(laktasi/privacy/registry.py explains how): " + ", ".join(missing)
    )


def test_declared_paths_really_reach_the_mother(world):
    mother = world.mothers["melati"]
    for declaration in registry.declarations():
        # Raises FieldError for a wrong path.
        list(declaration.rows(mother)[:1])


def test_the_finder_sees_indirect_links():
    from laktasi.followups.models import Visit

    assert path_to_mother(Visit) == "baby__mother"
