"""Read untrusted CSV/XLSX files into rows of cells, and parse the cells people really type.

Files are checked before they are opened: size, row and column limits; an XLSX is a zip
whose member count, total uncompressed size and compression ratio are checked with
``zipfile`` before openpyxl sees it. Formulas are never evaluated and never trusted: a
formula cell is read as :data:`FORMULA` and the row that uses it is rejected (paste values
instead). CSV text may be UTF-8 (with or without BOM), UTF-16 (Excel "Unicode text") or
Windows-1252, delimited by ``,`` ``;`` tab or ``|``.

Cell parsers raise :class:`CellError` with a translatable message; they accept dd/mm/yyyy,
ISO and Excel serial dates, the decimal comma and thousands dots, and they recognise a NIK
damaged by Excel (``3.52E+15``) instead of guessing its digits.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

FORMULA = object()  # a formula cell (never evaluated)
MAX_COLUMNS = 500
MAX_HEADER_SCAN = 10
SHARED_MAX_LEN = 24
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_RATIO = 100
EXCEL_EPOCH = date(1899, 12, 30)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u2060"), None)
_SPACES = re.compile(r"[\s\u00a0]+")


class _TranslatableProblem(Exception):
    """A problem whose ``message`` is translatable and whose ``params`` fill it on render."""

    def __init__(self, message, **params: Any):
        self.message = message
        self.params = params
        super().__init__(str(message))

    def render(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


class FileRejected(_TranslatableProblem):
    """The whole file cannot be read."""


class CellError(_TranslatableProblem, ValueError):
    """One cell cannot be used."""


@dataclass
class Table:
    """A sheet: the header row and the data rows, each with its spreadsheet row number."""

    header: list[str]
    header_row: int
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def limits() -> dict[str, int]:
    """Import limits from settings (``LAKTASI_IMPORT_MAX_MB``, ``LAKTASI_IMPORT_MAX_ROWS``)."""
    return {
        "max_bytes": getattr(settings, "IMPORT_MAX_MB", 64) * 1024 * 1024,
        "max_rows": getattr(settings, "IMPORT_MAX_ROWS", 200_000),
        "max_unzipped": getattr(settings, "IMPORT_MAX_UNZIPPED_MB", 256) * 1024 * 1024,
    }


# ---------------------------------------------------------------------------- files


def read_table(path: Path, *, header_score: Callable[[list[str]], int]) -> Table:
    """Read a CSV or XLSX file; the header is the row among the first ten that scores best.

    Raises FileRejected for anything that makes the whole file unusable.
    """
    lim = limits()
    size = path.stat().st_size
    if size == 0:
        raise FileRejected(_("The file is empty."))
    if size > lim["max_bytes"]:
        raise FileRejected(
            _("The file is too large (%(size)s MB; at most %(max)s MB)."),
            size=round(size / 1024 / 1024, 1),
            max=lim["max_bytes"] // 1024 // 1024,
        )
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        raw_rows = _xlsx_rows(path, lim["max_unzipped"])
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRejected(_("Old .xls files cannot be read; save the file as .xlsx or .csv."))
    else:
        raw_rows = _csv_rows(path)
    return _table(raw_rows, header_score=header_score, max_rows=lim["max_rows"])


def _table(
    raw_rows: Iterator[list[Any]], *, header_score: Callable[[list[str]], int], max_rows: int
) -> Table:
    scanned = _first_rows(raw_rows)
    if not scanned:
        raise FileRejected(_("The file has no rows."))
    best = max(scanned, key=lambda nr: header_score([clean_text(c) for c in nr[1]]))
    if header_score([clean_text(c) for c in best[1]]) <= 0:
        raise FileRejected(
            _("No header row with known column names was found in the first %(n)s rows."),
            n=MAX_HEADER_SCAN,
        )
    header_row = best[0]
    table = Table(header=[clean_text(c) for c in best[1]], header_row=header_row)
    if len(table.header) > MAX_COLUMNS:
        raise FileRejected(_("The file has too many columns (at most %(n)s)."), n=MAX_COLUMNS)
    table.rows.extend((num, cells) for num, cells in scanned if num > header_row)
    number = scanned[-1][0]  # the scan stopped right after this row
    for cells in raw_rows:
        number += 1
        if _blank(cells):
            continue
        table.rows.append((number, cells))
        if len(table.rows) > max_rows:
            break
    if len(table.rows) > max_rows:
        raise FileRejected(_("The file has too many rows (at most %(n)s)."), n=max_rows)
    return table


def _first_rows(raw_rows: Iterator[list[Any]]) -> list[tuple[int, list[Any]]]:
    """(row number, cells) of the first non-blank rows, where the header is looked for."""
    scanned: list[tuple[int, list[Any]]] = []
    for number, cells in enumerate(raw_rows, start=1):
        if _blank(cells):
            continue
        scanned.append((number, cells))
        if len(scanned) >= MAX_HEADER_SCAN:
            break
    return scanned


def _blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not clean_text(c)) for c in cells)


def check_zip(path: Path, max_unzipped: int) -> None:
    """Refuse zip bombs before any XML parser sees the file."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRejected(_("The file is not a valid .xlsx workbook.")) from exc
    if len(infos) > ZIP_MAX_MEMBERS:
        raise FileRejected(_("The workbook has too many parts to be a normal spreadsheet."))
    total = sum(i.file_size for i in infos)
    packed = max(sum(i.compress_size for i in infos), 1)
    if total > max_unzipped or total / packed > ZIP_MAX_RATIO:
        raise FileRejected(
            _("The workbook unpacks to %(size)s MB (ratio %(ratio)s:1); refused as unsafe."),
            size=round(total / 1024 / 1024, 1),
            ratio=round(total / packed),
        )
    if not any(i.filename == "xl/workbook.xml" for i in infos):
        raise FileRejected(_("The file is not a valid .xlsx workbook."))


def _xlsx_rows(path: Path, max_unzipped: int) -> Iterator[list[Any]]:
    check_zip(path, max_unzipped)
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise FileRejected(_("The file is not a valid .xlsx workbook.")) from exc
    ws = wb.worksheets[0] if wb.worksheets else None
    if ws is None:
        wb.close()
        raise FileRejected(_("The workbook has no sheet."))
    return _xlsx_iter(wb, ws)


def _xlsx_iter(wb, ws) -> Iterator[list[Any]]:
    try:
        for row in ws.iter_rows():
            out = []
            for cell in row[: MAX_COLUMNS + 1]:
                if getattr(cell, "data_type", None) == "f":
                    out.append(FORMULA)
                else:
                    out.append(cell.value)
            yield out
    except Exception as exc:  # a broken sheet XML part
        raise FileRejected(_("The workbook could not be read completely.")) from exc
    finally:
        wb.close()


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 (BOM)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "UTF-16"
    if b"\x00" in data[:4096]:
        raise FileRejected(_("The file is neither a spreadsheet nor a text (CSV) file."))
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


def _delimiter(sample: str) -> str:
    """The delimiter that splits most sample rows into the same number (> 1) of cells."""
    lines = sample.splitlines()[:50]
    if len(lines) > 1:
        lines = lines[:-1]  # the sample may cut the last line
    best, best_score = ",", (0, 0)
    for delim in ",;\t|":
        counts: dict[int, int] = {}
        try:
            for row in csv.reader(lines, delimiter=delim):
                if len(row) > 1:
                    counts[len(row)] = counts.get(len(row), 0) + 1
        except csv.Error:
            continue
        if counts:
            width, rows = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
            if (rows, width) > best_score:
                best, best_score = delim, (rows, width)
    return best


def _csv_rows(path: Path) -> Iterator[list[Any]]:
    text, _encoding = _decode(path.read_bytes())
    if "\x00" in text:
        raise FileRejected(_("The file is neither a spreadsheet nor a text (CSV) file."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text[:65536]))
    return _csv_iter(reader)


def _csv_iter(reader) -> Iterator[list[Any]]:
    # Short cell values repeat (answers, timepoints, IDs): keep one copy of each, so a large
    # file costs a pointer per repeated cell instead of a new string.
    shared: dict[str, str] = {}
    share = shared.setdefault
    try:
        for row in reader:
            yield [share(c, c) if len(c) <= SHARED_MAX_LEN else c for c in row[: MAX_COLUMNS + 1]]
    except csv.Error as exc:
        raise FileRejected(_("The CSV file is malformed: %(problem)s"), problem=str(exc)) from exc


# ---------------------------------------------------------------------------- cells


def clean_text(value: Any) -> str:
    """A cell as trimmed text with single spaces; numbers without a spurious ``.0``."""
    if value is None or value is FORMULA:
        return ""
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and "  " not in text and text.isprintable():
            return text  # the common case, without the regular expression
        return _SPACES.sub(" ", text.translate(_INVISIBLE)).strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != time() else f"{value:%d/%m/%Y}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return _SPACES.sub(" ", str(value).translate(_INVISIBLE)).strip()


def check_formula(value: Any) -> None:
    if value is FORMULA:
        raise CellError(_("Formulas are not read; copy the column and paste it as values."))


def parse_int(value: Any) -> int | None:
    """A whole number: ``3``, ``3.0``, ``3,0``, ``1.200`` (thousands dot); blank is None."""
    check_formula(value)
    if isinstance(value, bool):
        raise CellError(_("Expected a whole number, got %(value)s."), value=value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(_("Expected a whole number, got %(value)s."), value=value)
    text = clean_text(value)
    if not text:
        return None
    try:
        number = parse_decimal(text)
    except CellError:
        number = None
    if number is None or number != number.to_integral_value():
        raise CellError(_("Expected a whole number, got %(value)s."), value=text)
    return int(number)


_THOUSANDS_DOT = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
_THOUSANDS_COMMA = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_decimal(value: Any) -> Decimal | None:
    """A number with a decimal comma (``3,5``) or point; ``1.234,5`` and ``1,234.5`` too."""
    check_formula(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    text = clean_text(value).replace(" ", "")
    if not text:
        return None
    if _THOUSANDS_DOT.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif _THOUSANDS_COMMA.match(text) and "." in text:
        text = text.replace(",", "")
    elif text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise CellError(_("Expected a number, got %(value)s."), value=text[:40]) from exc
    if not number.is_finite() or "e" in text.lower():
        raise CellError(_("Expected a number, got %(value)s."), value=text[:40])
    return number


_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d")


def parse_date(value: Any) -> date | None:
    """dd/mm/yyyy (also ``-`` and ``.``), yyyy-mm-dd, ISO date-times and Excel serials."""
    check_formula(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _excel_serial(value)
    text = clean_text(value)
    if not text:
        return None
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _excel_serial(float(text))
    candidate = text.split("T")[0].split(" ")[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(candidate, fmt).date()
        except ValueError:
            continue
    raise CellError(_("Unrecognised date %(value)s; write dd/mm/yyyy."), value=text[:40])


def _excel_serial(number: float) -> date:
    if not 20000 <= number <= 80000:
        raise CellError(_("Unrecognised date %(value)s; write dd/mm/yyyy."), value=number)
    return EXCEL_EPOCH + timedelta(days=int(number))


def parse_datetime(value: Any, *, naive_is_utc: bool = False) -> datetime | None:
    """ISO date-times with or without offset (Kobo, ODK Central), dd/mm/yyyy [hh:mm]."""
    check_formula(value)
    local = ZoneInfo(settings.TIME_ZONE)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC if naive_is_utc else local)
    text = clean_text(value)
    if not text:
        return None
    iso = text.replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        moment = None
        for fmt in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d-%m-%Y %H:%M"):
            try:
                moment = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if moment is None:
            return datetime.combine(parse_date(value), time(12, 0), tzinfo=local)
        return moment.replace(tzinfo=local)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC if naive_is_utc else local)
    return moment


_TRUE = {"1", "ya", "y", "yes", "true", "benar", "b", "v", "x", "✓", "ada", "hadir", "iya"}
_FALSE = {"0", "tidak", "tdk", "t", "no", "n", "false", "salah", "s", "-", "tidak ada", "absen"}


def parse_bool(value: Any) -> bool | None:
    check_formula(value)
    if isinstance(value, bool):
        return value
    text = clean_text(value).lower()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(_("Expected yes or no (ya/tidak), got %(value)s."), value=text[:40])


_SCIENTIFIC = re.compile(r"^\d([.,]\d+)?e\+?\d+$", re.IGNORECASE)


def parse_nik(value: Any) -> str:
    """A 16-digit NIK, refusing the forms Excel damages rather than guessing digits.

    A NIK shown as ``3.52E+15`` has lost its digits. A NIK stored as a number in an XLSX has
    at most 15 significant digits in Excel, so a numeric 16-digit NIK ending in 0 may have
    lost its last digit and is refused; the fix is to format the column as Text.
    """
    check_formula(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("NIK must be exactly 16 digits (numbers only)."))
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        digits = str(value)
        if len(digits) == 16 and digits.endswith("0"):
            raise CellError(
                _(
                    "NIK stored as a number by Excel may have lost its last digit; format "
                    "the NIK column as Text and type it again."
                )
            )
        value = digits
    text = clean_text(value)
    if _SCIENTIFIC.match(text.replace(" ", "")):
        raise CellError(
            _(
                "NIK was damaged by Excel (shown as %(value)s, its last digits are lost); "
                "format the NIK column as Text and type it again."
            ),
            value=text,
        )
    digits = re.sub(r"[\s.\-']", "", text)
    if digits.endswith(".0"):
        digits = digits[:-2]
    if digits and not re.fullmatch(r"\d{16}", digits):
        raise CellError(_("NIK must be exactly 16 digits (numbers only)."))
    return digits


def normalise_name(value: Any) -> str:
    """Names typed in capitals (or all lower case) become ``Siti Aminah``; others stay."""
    check_formula(value)
    text = clean_text(value)
    if text and (text.isupper() or text.islower()):
        text = " ".join(w[:1].upper() + w[1:].lower() for w in text.split(" "))
    return text


def header_key(text: str) -> str:
    """A header compared without case, accents of spacing or surrounding punctuation."""
    return _SPACES.sub(" ", text.translate(_INVISIBLE)).strip().strip("*:").strip().lower()
