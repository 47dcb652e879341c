"""Write KoboToolbox exports with KoboToolbox's own export library, formpack (GPL-3.0).

Runs ONLY in a throwaway virtualenv where formpack is installed from its source; it is a
test-time tool, never imported by laktasi or its tests (see ../README.md). It does what
KoboToolbox's server (kpi, ``ExportTask``) does: the XLSForm is read into asset content with
formpack's ``xlsx_to_dicts`` + ``expand_content``, and ``FormPack.export`` is called with the
options kpi passes (copy fields, ``force_index=True``, ``tag_cols_for_header=['hxl']``) plus
the choices of the export screen. CSV lines are written as kpi writes them (``to_csv`` joins
with ``;`` and quotes every value; lines end in CRLF); XLSX with ``to_xlsx``.

Usage: python kobo_export.py SPEC.json OUT_DIR
SPEC: {xlsform, form_id, title, submissions: [...], exports: [{file, format, lang,
       hierarchy_in_labels, multiple_select, fields}]}
"""

import json
import sys
from pathlib import Path

from formpack import FormPack
from formpack.constants import UNSPECIFIED_TRANSLATION
from formpack.schema.fields import (
    IdCopyField,
    NotesCopyField,
    SubmissionTimeCopyField,
    TagsCopyField,
    ValidationStatusCopyField,
)
from formpack.utils.expand_content import expand_content
from formpack.utils.xls_to_ss_structure import xlsx_to_dicts

# kpi's ExportTask copy fields (the metadata columns at the end of every export).
COPY_FIELDS = (
    IdCopyField,
    "_uuid",
    SubmissionTimeCopyField,
    ValidationStatusCopyField,
    NotesCopyField,
    "_status",
    "_submitted_by",
    "__version__",
    TagsCopyField,
    "meta/rootUuid",
)


def asset_content(xlsform: Path) -> dict:
    with xlsform.open("rb") as fh:
        sheets = xlsx_to_dicts(fh)
    content = {
        "survey": sheets["survey"],
        "choices": sheets.get("choices", []),
        "settings": (sheets.get("settings") or [{}])[0],
    }
    return expand_content(content)


def main(spec_path: str, out_dir: str) -> None:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    out = Path(out_dir)
    content = asset_content(Path(spec["xlsform"]))
    pack = FormPack(
        [{"content": content, "version": "v1", "id_string": spec["form_id"]}],
        title=spec["title"],
        id_string=spec["form_id"],
    )
    for job in spec["exports"]:
        lang = job["lang"]
        export = pack.export(
            versions=pack.versions.keys(),
            lang=UNSPECIFIED_TRANSLATION if lang is None else lang,
            group_sep="/",
            hierarchy_in_labels=job["hierarchy_in_labels"],
            multiple_select=job["multiple_select"],
            copy_fields=COPY_FIELDS,
            force_index=True,
            tag_cols_for_header=["hxl"],
            filter_fields=job.get("fields") or (),
            xls_types_as_text=True,
            include_media_url=True,
        )
        target = out / job["file"]
        if job["format"] == "csv":
            with target.open("wb") as fh:
                for line in export.to_csv(spec["submissions"]):
                    fh.write((line + "\r\n").encode("utf-8"))
        else:
            export.to_xlsx(str(target), spec["submissions"])


if __name__ == "__main__":
    main(*sys.argv[1:3])
