"""Generate the real-export corpus: laktasi's XLSForms filled with submissions and exported
by KoboToolbox's and ODK Central's own export code. Run by hand, not by CI (see README.md):

    .venv/bin/python tests/imports/real/generate.py \
        --formpack-python /tmp/fpvenv/bin/python --central-backend /tmp/central-backend

Writes ``files/`` (the exports), ``truth/<instrument>.json`` (every submission's XML values,
which the tests score with laktasi to know the expected results) and ``forms/`` (the
XLSForms, written by ``laktasi xlsform``, and their XForms, converted with pyxform).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from laktasi.instruments import registry  # noqa: E402

MOTHERS = ["LK-AAAA2222", "LK-BBBB3333", "LK-CCCC4444", "LK-DDDD5555"]
INSTRUMENTS = [
    "knowledge_test",
    "oxytocin_massage_checklist",
    "breastfeeding_confidence",
    "sociocultural_interview",
]
NS = uuid.UUID("1b4e28ba-2fa1-11d2-883f-0016d3cca427")
APPROVED = {"uid": "validation_status_approved", "label": "Approved", "by": "koordinator",
            "timestamp": 1737800000, "color": "#2ecc71"}  # fmt: skip
NOT_APPROVED = {"uid": "validation_status_not_approved", "label": "Not Approved",
                "by": "koordinator", "timestamp": 1737800000, "color": "#e74c3c"}  # fmt: skip
# The first question of each instrument, left out of the "deselected" export.
DESELECTED = {i: registry.get(i).items[0].id for i in INSTRUMENTS}


def _relevant(item, answers: dict[str, str]) -> bool:
    cond = item.relevant
    if cond is None:
        return True
    if cond.op == "equals":
        return answers.get(cond.item) == cond.value
    if cond.op == "selected":
        return cond.value in answers.get(cond.item, "").split()
    if cond.op == "not_equals":  # XPath: an empty answer is != the value too
        return answers.get(cond.item, "") != cond.value
    return int(answers.get(cond.item) or 0) >= cond.value  # at_least


def draw(definition, rng: random.Random) -> dict[str, str]:
    """XML values of one submission (what ODK Collect / Enketo write)."""
    out: dict[str, str] = {}
    for item in definition.items:
        if not _relevant(item, out):
            continue
        if item.type == "select_multiple":
            plain = [c.name for c in item.choices if not c.exclusive]
            chosen = rng.sample(plain, k=min(len(plain), rng.randint(1, 3)))
            out[item.id] = " ".join(n for n in item.choice_names if n in chosen)
        elif item.type == "step":
            out[item.id] = str(rng.choice([0, 1, 1, 1] if definition.scoring["top_level"] == 1
                                          else [0, 1, 2, 2]))  # fmt: skip
        elif item.type == "likert":
            out[item.id] = str(rng.randint(definition.scale_min, definition.scale_max))
        elif item.type == "integer":
            out[item.id] = str(rng.randint(item.min, item.max))
        elif item.type == "text":
            out[item.id] = rng.choice(["", "Kata ibu: ASI belum keluar; suami, ibu mertua"])
        else:
            out[item.id] = rng.choice(item.choice_names)
    return {k: v for k, v in out.items() if v != ""}


def scenario(instrument_id: str) -> dict:
    """State A: 8 submissions (4 mothers, pre and post). State B, later: S1 edited (new
    instance ID, same root), S2 marked Not approved and S9 its approved correction, the
    others approved or never reviewed."""
    definition = registry.get(instrument_id)
    rng = random.Random(instrument_id)
    subs = []
    for n, (mother, tp) in enumerate(((m, t) for m in MOTHERS for t in ("pre", "post")), 1):
        sid = str(uuid.uuid5(NS, f"{instrument_id}/{n}"))
        subs.append({"n": n, "mother_id": mother, "timepoint": tp, "root": sid,
                     "version": sid, "answers": draw(definition, rng), "review": None})  # fmt: skip
    later = [dict(s) for s in subs]
    edited = later[0]
    edited["version"] = str(uuid.uuid5(NS, f"{instrument_id}/1/edit"))
    edited["answers"] = draw(definition, random.Random(f"{instrument_id}/edit"))
    later[1]["review"] = "not_approved"
    fix = dict(later[1], n=9, root=str(uuid.uuid5(NS, f"{instrument_id}/9")), review="approved")
    fix["version"] = fix["root"]
    fix["answers"] = draw(definition, random.Random(f"{instrument_id}/fix"))
    later.append(fix)
    for s in later[2:5]:
        s["review"] = "approved"
    return {"A": subs, "B": later}


def kobo_submission(s: dict, n: int) -> dict:
    """A submission as kpi hands it to formpack (its MongoDB document)."""
    review = {"approved": APPROVED, "not_approved": NOT_APPROVED}.get(s["review"] or "", {})
    return {
        "mother_id": s["mother_id"], "timepoint": s["timepoint"], **s["answers"],
        "meta/instanceID": f"uuid:{s['version']}", "meta/rootUuid": f"uuid:{s['root']}",
        "_id": 1000 + n, "_uuid": s["version"],
        "_submission_time": f"2025-01-{10 + n:02d}T02:{n:02d}:00",
        "_validation_status": review, "_notes": [], "_status": "submitted_via_web",
        "_submitted_by": "kader", "__version__": "v1", "_tags": [],
    }  # fmt: skip


def kobo_exports(instrument_id: str) -> list[dict]:
    """The export-screen choices covered for this instrument."""
    idl, enl = "Indonesian (id)", "English (en)"
    jobs = [  # (file, format, lang, groups in headers, select_multiple, deselect)
        ("B_default_labels_id.xlsx", "xlsx", idl, True, "both", False),  # the screen's default
        ("B_xml.csv", "csv", None, True, "both", False),
        ("B_labels_id.csv", "csv", idl, True, "both", False),
        ("B_labels_en.xlsx", "xlsx", enl, True, "both", False),
        ("B_xml_no_groups.xlsx", "xlsx", None, False, "both", False),
        ("B_deselected_labels_id.xlsx", "xlsx", idl, True, "both", True),
    ]
    if registry.get(instrument_id).kind == "interview":
        jobs += [
            ("B_labels_id_summary.csv", "csv", idl, True, "summary", False),
            ("B_labels_id_details.xlsx", "xlsx", idl, True, "details", False),
            ("B_xml_details.csv", "csv", None, True, "details", False),
        ]
    out = []
    for file, fmt, lang, groups, multiple, deselect in jobs:
        fields = None
        if deselect:
            fields = ["mother_id", "timepoint", "followup_number"] + [
                it.id for it in registry.get(instrument_id).items
                if it.id != DESELECTED[instrument_id]
            ]  # fmt: skip
        out.append({"file": file, "format": fmt, "lang": lang, "hierarchy_in_labels": groups,
                    "multiple_select": multiple, "fields": fields})  # fmt: skip
    return out


def xform_root(xform: str) -> str:
    start = xform.index("<instance>") + len("<instance>")
    return xform[start + 1 : xform.index(" ", start)]


def central_row(s: dict, root: str, form_id: str, n: int) -> dict:
    values = {"mother_id": s["mother_id"], "timepoint": s["timepoint"], **s["answers"]}
    body = "".join(f"<{k}>{v}</{k}>" for k, v in values.items())
    meta = f"<instanceID>uuid:{s['version']}</instanceID>"
    edits = 0
    if s["version"] != s["root"]:
        meta += f"<deprecatedID>uuid:{s['root']}</deprecatedID>"
        edits = 1
    return {
        "instanceId": f"uuid:{s['root']}", "createdAt": f"2025-01-{10 + n:02d}T02:{n:02d}:00Z",
        "xml": f'<{root} id="{form_id}" version="1">{body}<meta>{meta}</meta></{root}>',
        "submitter": {"id": 7, "displayName": "kader"}, "deviceId": None,
        "reviewState": "edited" if edits else None, "edits": edits, "formVersion": "1",
    }  # fmt: skip


def run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True)  # noqa: S603 (the generator's own tools)


def generate(instrument_id: str, args, tmp: Path) -> None:
    from pyxform.xls2xform import convert

    definition = registry.get(instrument_id)
    forms = HERE / "forms"
    forms.mkdir(exist_ok=True)
    xlsform = forms / f"{instrument_id}.xlsx"
    run([sys.executable, "-m", "laktasi", "xlsform", instrument_id, "-o", str(xlsform)])
    xform = convert(xlsform=str(xlsform)).xform
    (forms / f"{instrument_id}.xml").write_text(xform, encoding="utf-8")
    states = scenario(instrument_id)
    truth = {state: [{k: s[k] for k in ("n", "mother_id", "timepoint", "root", "version",
                                         "review", "answers")} for s in subs]
             for state, subs in states.items()}  # fmt: skip
    (HERE / "truth").mkdir(exist_ok=True)
    (HERE / "truth" / f"{instrument_id}.json").write_text(
        json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    kobo_dir = HERE / "files" / "kobo" / instrument_id
    kobo_dir.mkdir(parents=True, exist_ok=True)
    for state, jobs in (("A", [{"file": "A_xml.csv", "format": "csv", "lang": None,
                                "hierarchy_in_labels": True, "multiple_select": "both"}]),
                        ("B", kobo_exports(instrument_id))):  # fmt: skip
        spec = tmp / f"kobo-{instrument_id}-{state}.json"
        spec.write_text(json.dumps({
            "xlsform": str(xlsform), "form_id": definition.form_id,
            "title": definition.title("id"), "exports": jobs,
            "submissions": [kobo_submission(s, s["n"]) for s in states[state]],
        }), encoding="utf-8")  # fmt: skip
        run(
            [args.formpack_python, str(HERE / "tools" / "kobo_export.py"), str(spec), str(kobo_dir)]
        )
    central_dir = HERE / "files" / "central" / instrument_id
    central_dir.mkdir(parents=True, exist_ok=True)
    xform_path = forms / f"{instrument_id}.xml"
    root = xform_root(xform)
    # ODK Central has no KoboToolbox review status: state B there is A with S1 edited.
    central_b = [s for s in states["B"] if s["n"] != 9]
    for file, subs, groups, split in (
        ("A.csv", states["A"], True, False),
        ("B.csv", central_b, True, False),
        ("B_no_groups.csv", central_b, False, False),
        ("B_split.csv", central_b, True, True),
    ):
        spec = tmp / f"central-{instrument_id}-{file}.json"
        spec.write_text(json.dumps({
            "xform": str(xform_path), "xmlFormId": definition.form_id, "groupPaths": groups,
            "splitSelectMultiples": split,
            "rows": [central_row(s, root, definition.form_id, s["n"]) for s in subs],
        }), encoding="utf-8")  # fmt: skip
        run(["node", str(HERE / "tools" / "central_export.js"), args.central_backend,
             str(spec), str(central_dir / file)])  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--formpack-python",
        required=True,
        help="python of the throwaway virtualenv where formpack is installed",
    )
    parser.add_argument("--central-backend", required=True,
                        help="a checkout of getodk/central-backend (its export dependencies "
                        "installed, see README.md)")  # fmt: skip
    parser.add_argument("--only", nargs="*", default=INSTRUMENTS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for instrument_id in args.only:
            generate(instrument_id, args, Path(tmp))


if __name__ == "__main__":
    main()
