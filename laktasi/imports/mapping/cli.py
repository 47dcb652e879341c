"""The mapping options of ``laktasi import``: ``--suggest-mapping`` and ``--mapping``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from laktasi.imports.mapping.models import ColumnMapping
from laktasi.imports.mapping.services import mapped_file_read, mapping_for
from laktasi.imports.mapping.spec import MappingSpec
from laktasi.imports.mapping.suggest import suggest
from laktasi.imports.parsers import FileRejected
from laktasi.programs.models import Program


def cli_suggestion(path: Path, program: Program | None) -> dict[str, Any]:
    """The program's saved mapping of this form, else laktasi's suggestion, as JSON data
    (with each column's confidence under ``confidence``, ignored when passed back)."""
    table = mapped_file_read(path)
    saved = mapping_for(program=program, header=table.header) if program else None
    if saved is not None:
        return {**saved.spec, "saved_mapping": saved.pk}
    suggestion = suggest(table)
    data = suggestion.spec().to_json()
    data["confidence"] = {c.header: c.confidence for c in suggestion.columns if c.role == "item"}
    return data


def cli_mapping(value: str, program: Program) -> MappingSpec:
    """``--mapping``: a saved mapping of the program (its id) or a JSON file."""
    try:
        if value.isdigit():
            saved = ColumnMapping.objects.filter(program=program, pk=int(value)).first()
            if saved is None:
                raise ValidationError(_("No saved mapping %(pk)s in this program.") % {"pk": value})
            return MappingSpec.from_json(saved.spec)
        try:
            text = Path(value).read_text(encoding="utf-8")
        except OSError as exc:
            raise ValidationError(_("File not found: %(path)s") % {"path": value}) from exc
        return MappingSpec.from_json(text)
    except FileRejected as exc:
        raise ValidationError(exc.render()) from exc
