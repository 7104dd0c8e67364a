"""Convert Vektis' public EI layout data into one JSON layout per standard and version.

Usage::

    python tools/convert_vektis_layouts.py [SOURCE_DIR] [--out mappings/ei]

``SOURCE_DIR`` (default ``../shared/vektis`` relative to the repository root) must hold
``ei_layouts_vektor.json`` (record layouts of 20 EI standards) and either
``AW319v1.4_BERu7.xlsx`` (read with openpyxl, a tool-only dependency) or its text digest
``AW319v1.4_fields.txt`` (used when openpyxl is missing). The output is deterministic, so the
script can be re-run and the committed files compared with ``git diff``.

What is inferred (the source data only has N/AN, position, length and a description):

* ``type``: ``date`` for N fields of length 8 whose description holds DATUM/DAGTEKENING;
  ``amount`` for N fields of length >= 5 holding BEDRAG or starting with TARIEF PRESTATIE
  (not percentages, counts or indicators); ``dc`` for 1-character DEBET/CREDIT fields.
* ``patient``: fields that identify a person (see :func:`_is_patient`).
* ``mandatory``: from the xlsx (``M``) for AW319 v1.4; elsewhere only the record type and the
  header's message code, version and subversion.
* ``pattern``/``values``: AW319 v1.4 regexes; literal alternatives become ``values``.
* record ``role``/``parent``/``max_per_parent`` and the ``trailer`` reconciliation spec
  (counts per record type, totals per amount field) from the record and field names.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "vektis"
DEFAULT_OUT = REPO_ROOT / "mappings" / "ei"

# Record roles by the first word of the record name; the engine reads only the result.
_ROLES = {
    "voorloop": "header",
    "verzekerden": "insured",
    "debiteur": "debtor",
    "prestatie": "service",
    "tarief": "tariff",
    "commentaar": "comment",
    "sluit": "trailer",
}
_ROLE_TYPES = {
    "header": "01",
    "insured": "02",
    "debtor": "03",
    "service": "04",
    "tariff": "06",
    "comment": "98",
    "trailer": "99",
}
# Which role a record of a role belongs under (Vektis EI message structure).
_PARENT_ROLE = {"insured": "header", "debtor": "insured", "service": "insured", "tariff": "service"}

#: fields that identify a person or lead back to one, in any record (a service record too):
#: the birth date, client numbers and the indication request and decision numbers
_PATIENT_ANYWHERE = re.compile(
    r"BURGERSERVICENUMMER|VERZEKERDENNUMMER|PATIENT|GEBOORTE|CLI[EË]NTNUMMER"
    r"|INDICATIE-?AANVRAAGNUMMER|INDICATIEBESLUITNUMMER"
)
_PATIENT_PERSON = re.compile(
    r"BURGERSERVICENUMMER|BSN|VERZEKERDENNUMMER|PATIENT|GEBOORTE|^NAAM (?!CODE)|^NAAM\b(?!CODE)"
    r"|VOORVOEGSEL|VOORLETTERS|POSTCODE|HUISNUMMER|DEBITEURNUMMER|CODE LAND|GESLACHT"
    r"|STRAATNAAM|WOONPLAATS|TELEFOON|E-MAIL|ADRESREGEL|BANKREKENING|IBAN|CLI[EË]NTNUMMER"
)
_LITERALS = re.compile(r"[A-Za-z0-9]+(\|[A-Za-z0-9]+)*")


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _field_type(kind: str, length: int, desc: str) -> str:
    if kind == "N" and length == 8 and re.search(r"DATUM|DAGTEKENING", desc):
        return "date"
    if (
        kind == "N"
        and length >= 5
        and ("BEDRAG" in desc or desc.startswith("TARIEF PRESTATIE"))
        and not re.search(r"PERCENTAGE|AANTAL|^INDICATIE", desc)
    ):
        return "amount"
    if length == 1 and "DEBET/CREDIT" in desc:
        return "dc"
    return kind


def _is_patient(role: str, desc: str) -> bool:
    if _PATIENT_ANYWHERE.search(desc):
        return True
    return role in ("insured", "debtor") and bool(_PATIENT_PERSON.search(desc))


def _role(record_type: str, name: str) -> str:
    low = name.lower()
    for prefix, role in _ROLES.items():
        if low.startswith(prefix):
            return role
    return {v: k for k, v in _ROLE_TYPES.items()}.get(record_type, "detail")


def _pattern(regex: str, length: int) -> tuple[str | None, list[str] | None]:
    """(pattern, values) from a Vektis ``RE=`` regex; unusable regexes give (None, None)."""
    regex = (regex or "").strip()
    if not regex:
        return None, None
    if _LITERALS.fullmatch(regex):
        options = regex.split("|")
        if all(len(o) == length for o in options):
            return None, options
    try:
        re.compile(regex)
    except re.error:
        return None, None
    return regex, None


def _repair(
    record_type: str, length: int, fields: list[dict[str, Any]], repairs: list[str]
) -> list[dict[str, Any]]:
    """Fix RESERVE fields that overlap or overrun (defects in the source data), and make ids
    unique; every repair is noted in ``repairs`` so that it is visible in the output."""
    ids: set[str] = set()
    all_ids = {f["id"] for f in fields}
    for f in sorted(fields, key=lambda f: f["start"]):
        if f["id"] in ids:
            prefix = f["id"][:2]
            new_id = next(f"{prefix}{n:02d}" for n in range(80, 100)
                          if f"{prefix}{n:02d}" not in all_ids)
            all_ids.add(new_id)
            repairs.append(f"record {record_type}: duplicate field id {f['id']} at position "
                           f"{f['start']} renamed {new_id}")
            f["id"] = new_id
        ids.add(f["id"])
    others = [f for f in fields if f["name"].strip() != "RESERVE"]
    for f in fields:
        if f["name"].strip() != "RESERVE":
            continue
        start, end = f["start"], f["start"] + f["length"]  # end exclusive
        overlapped = [g for g in others if g["start"] < end and g["start"] + g["length"] > start]
        if overlapped:
            start = max(g["start"] + g["length"] for g in overlapped)
        following = [g["start"] for g in others if g["start"] >= start]
        end = min([*following, length + 1]) if overlapped or end > length + 1 else end
        if (start, end - start) != (f["start"], f["length"]):
            repairs.append(f"record {record_type}: field {f['id']} RESERVE "
                           f"{f['start']}/{f['length']} -> {start}/{end - start}")
            f["start"], f["length"] = start, end - start
        others.append(f)
    fields.sort(key=lambda f: f["start"])
    return fields


def _build_record(
    record_type: str, name: str, length: int, fields: list[dict[str, Any]], header_ids: set[str],
    repairs: list[str],
) -> dict[str, Any]:
    role = _role(record_type, name)
    fields = _repair(record_type, length, fields, repairs)
    seen: set[str] = set()
    out_fields = []
    for f in fields:
        desc = f["name"].strip()
        key = _key(desc)
        if key in seen:
            key = f"{key}_{f['id']}"
        seen.add(key)
        ftype = _field_type(f["kind"], f["length"], desc)
        mandatory = f.get("mandatory")
        if mandatory is None:
            mandatory = desc == "KENMERK RECORD" or (role == "header" and f["id"] in header_ids)
        values = f.get("values")
        pattern = f.get("pattern")
        if desc == "KENMERK RECORD":
            values, pattern = [record_type], None
        out_fields.append(
            {
                "id": f["id"],
                "name": desc,
                "key": key,
                "start": f["start"],
                "length": f["length"],
                "type": ftype,
                "mandatory": bool(mandatory),
                "patient": _is_patient(role, desc),
                "pattern": pattern,
                "values": values,
            }
        )
    return {"type": record_type, "name": name, "role": role, "length": length,
            "fields": out_fields}


def _link_records(records: list[dict[str, Any]]) -> None:
    """Fill ``parent`` and ``max_per_parent`` from the roles, and order records by type."""
    by_role = {r["role"]: r["type"] for r in records}
    records.sort(key=lambda r: r["type"])
    for r in records:
        parent_role = _PARENT_ROLE.get(r["role"])
        r["parent"] = by_role.get(parent_role) if parent_role else None
        if r["role"] == "comment":
            r["parent"] = "*"
        r["max_per_parent"] = 1 if r["role"] == "debtor" else None


def _dc_after(fields: list[dict[str, Any]], i: int) -> str | None:
    """The id of the D/C indicator right after field ``i``, if there is one."""
    if i + 1 < len(fields) and fields[i + 1]["type"] == "dc":
        return str(fields[i + 1]["id"])
    return None


def _trailer_spec(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Which trailer field counts which records, and which total sums which amount."""
    trailer = next(r for r in records if r["role"] == "trailer")
    by_role = {r["role"]: r["type"] for r in records}
    details = [r["type"] for r in records if r["role"] not in ("header", "trailer")]
    counts, totals = [], []
    fields = trailer["fields"]
    for i, f in enumerate(fields):
        desc = f["name"].replace(" RETOUR", "")
        m = re.fullmatch(r"AANTAL (\w+?)(EN)?RECORDS", desc)
        if desc.startswith("TOTAAL AANTAL DETAILRECORDS"):
            counts.append({"field": f["id"], "records": details})
        elif m:
            word = m.group(1).lower()
            role = next((r for p, r in _ROLES.items() if p.startswith(word) or word.startswith(p)),
                        None)
            rtype = by_role.get(role) or _ROLE_TYPES.get(role or "", "")
            counts.append({"field": f["id"], "records": [rtype] if rtype else []})
        elif f["type"] == "amount" and desc.startswith("TOTAAL "):
            dc = _dc_after(fields, i)
            wanted = desc.removeprefix("TOTAAL ").removeprefix("INGEDIEND ")
            sources = []
            for r in records:
                if r["role"] in ("header", "trailer", "insured", "debtor", "comment"):
                    continue
                rf = r["fields"]
                for j, g in enumerate(rf):
                    if g["type"] == "amount" and g["name"] in (wanted, f"{wanted} (INCL. BTW)"):
                        sources.append(
                            {"record": r["type"], "amount": g["id"], "dc": _dc_after(rf, j)}
                        )
                        break
            totals.append({"field": f["id"], "dc": dc, "sums": sources})
    return {"counts": counts, "totals": totals}


def _layout(
    meta: dict[str, Any], records: list[dict[str, Any]], source: str, repairs: list[str]
) -> dict[str, Any]:
    _link_records(records)
    lengths = {r["length"] for r in records}
    if len(lengths) != 1:
        raise ValueError(f"{meta['standard']}: records of different lengths {lengths}")
    for r in records:
        del r["length"]
    return {
        **meta,
        "record_length": lengths.pop(),
        "source": source,
        "repairs": repairs,
        "trailer": _trailer_spec(records),
        "records": records,
    }


def _header_ids(fields: list[dict[str, Any]]) -> set[str]:
    names = ("CODE EXTERNE-INTEGRATIEBERICHT", "VERSIENUMMER BERICHTSTANDAARD",
             "SUBVERSIENUMMER BERICHTSTANDAARD")
    return {f["id"] for f in fields if f["name"].strip() in names}


def from_vektor(path: Path) -> list[dict[str, Any]]:
    """All layouts in ``ei_layouts_vektor.json``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    layouts = []
    for doc in data:
        standard = doc["name"].split("_")[0]
        records = []
        repairs: list[str] = []
        for line in doc["lineTypes"]:
            fields = [
                {"id": e["lineElementId"], "name": e["description"], "kind": e["fieldType"],
                 "start": e["startPosition"], "length": e["length"]}
                for e in sorted(line["lineElementTypes"], key=lambda e: e["startPosition"])
            ]
            ids = _header_ids(fields) if line["lineId"] == "01" else set()
            records.append(
                _build_record(line["lineId"], line["name"], line["length"], fields, ids, repairs)
            )
        meta = {
            "standard": standard,
            "message_code": doc["vektisEICode"],
            "version": doc["formatVersion"],
            "subversion": doc["formatSubVersion"],
            "description": doc["description"].strip(),
            "kind": "return" if doc["description"].startswith("RETOUR") else "declaration",
            "declaration_standard": None,
        }
        layouts.append(_layout(meta, records, f"vektis/{path.name} ({doc['name']})", repairs))
    _pair_returns(layouts)
    return layouts


def _pair_returns(layouts: list[dict[str, Any]]) -> None:
    """A return message answers the declaration with the same prefix and the number before."""
    for lay in layouts:
        if lay["kind"] != "return":
            continue
        prefix, number = lay["standard"][:2], int(lay["standard"][2:])
        for other in layouts:
            if (other["kind"] == "declaration" and other["standard"] == f"{prefix}{number - 1}"
                    and other["version"] == lay["version"]):
                lay["declaration_standard"] = other["standard"]


def _aw319_rows_xlsx(path: Path) -> list[dict[str, Any]]:
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path, read_only=True)
    ws = wb["GIS027-028"]
    rows = []
    header: list[str] | None = None
    for row in ws.iter_rows(values_only=True):
        if row and row[0] == "Standaardcode" and row[1] == "Recordnaam":
            header = [str(c) for c in row]
            continue
        if header is None or not row or not row[0]:
            continue
        cell = dict(zip(header, row, strict=False))
        rows.append(
            {
                "record": str(cell["Recordcode"]),
                "record_name": str(cell["Recordnaam"]),
                "seq": int(cell["Volgnummer"]),
                "name": str(cell["Naam gegevenselement"]),
                "kind": str(cell["Type"]),
                "length": int(cell["Lengte"]),
                "end": int(cell["Eindpositie"]),
                "obligation": str(cell["Verplichting"]),
                "regex": str(cell["Reguliere expressie"] or ""),
            }
        )
    return rows


def _aw319_rows_txt(path: Path) -> list[dict[str, Any]]:
    """The digest truncates long names and regexes; used only without openpyxl."""
    rows = []
    line_re = re.compile(
        r"(\d\d) (\d+)\s+(.{50}) (AN|N)\s+(\d+) \S*\s+end=(\d+)\s+(\w) [^|]*\|[^|]*\| RE=(.*)$"
    )
    for line in path.read_text(encoding="utf-8").splitlines():
        m = line_re.match(line)
        if m:
            rows.append({"record": m[1], "record_name": "", "seq": int(m[2]), "name": m[3].strip(),
                         "kind": m[4], "length": int(m[5]), "end": int(m[6]),
                         "obligation": m[7], "regex": m[8].strip()})
    return rows


_XLSX_NAMES = {"01": "VoorloopRecord", "02": "VerzekerdenRecord", "03": "DebiteurRecord",
               "04": "PrestatieRecord", "98": "CommentaarRecord", "99": "SluitRecord"}


def from_aw319_spec(folder: Path) -> dict[str, Any]:
    """The AW319 v1.4 layout from Vektis' xlsx (or the text digest)."""
    xlsx = folder / "AW319v1.4_BERu7.xlsx"
    try:
        rows = _aw319_rows_xlsx(xlsx)
        source = f"vektis/{xlsx.name} (sheet GIS027-028)"
    except ImportError:
        txt = folder / "AW319v1.4_fields.txt"
        rows = _aw319_rows_txt(txt)
        source = f"vektis/{txt.name}"
    by_record: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_record.setdefault(row["record"], []).append(row)
    records = []
    repairs: list[str] = []
    codes: list[str] = []
    for rtype, rrows in by_record.items():
        fields = []
        for row in rrows:
            pattern, values = _pattern(row["regex"], row["length"])
            fields.append(
                {"id": f"{row['seq']:04d}", "name": row["name"], "kind": row["kind"],
                 "start": row["end"] - row["length"] + 1, "length": row["length"],
                 "mandatory": row["obligation"] == "M", "pattern": pattern, "values": values}
            )
            if rtype == "01" and row["name"] == "CODE EXTERNE-INTEGRATIEBERICHT":
                codes = values or []
        records.append(_build_record(rtype, _XLSX_NAMES.get(rtype, rtype), rrows[-1]["end"],
                                     fields, set(), repairs))
    meta = {
        "standard": "AW319",
        "message_code": int(codes[0]) if codes else 187,
        "version": 1,
        "subversion": 4,
        "description": "DECLARATIE WLZ, WV, ELV EN ZG ZORG",
        "kind": "declaration",
        "declaration_standard": None,
    }
    return _layout(meta, records, source, repairs)


def file_name(layout: dict[str, Any]) -> str:
    return f"{layout['standard']}_v{layout['version']}.{layout['subversion']}.json"


def dump(layout: dict[str, Any]) -> str:
    """Readable JSON: one line per field."""
    head = {k: v for k, v in layout.items() if k != "records"}
    lines = ["{"]
    for k, v in head.items():
        lines.append(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},")
    lines.append('  "records": [')
    for i, rec in enumerate(layout["records"]):
        rhead = {k: v for k, v in rec.items() if k != "fields"}
        body = json.dumps(rhead, ensure_ascii=False)[:-1]
        lines.append(f"    {body}, \"fields\": [")
        for j, f in enumerate(rec["fields"]):
            comma = "," if j < len(rec["fields"]) - 1 else ""
            lines.append(f"      {json.dumps(f, ensure_ascii=False)}{comma}")
        lines.append("    ]}" + ("," if i < len(layout["records"]) - 1 else ""))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def convert(source: Path) -> dict[str, str]:
    """File name -> JSON text for every layout found in ``source``."""
    layouts = from_vektor(source / "ei_layouts_vektor.json")
    layouts.append(from_aw319_spec(source))
    return {file_name(lay): dump(lay) for lay in layouts}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in convert(args.source).items():
        (args.out / name).write_text(text, encoding="utf-8")
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
