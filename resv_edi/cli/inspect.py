"""``resv-edi inspect FILE...``: standard, counts and totals of EI files."""

from __future__ import annotations

from typing import Any

import click

from resv_edi.errors import ExitCode
from resv_edi.formats.ei.inspect import inspect_file
from resv_edi.terminal import json_bytes, printable


def _text(s: dict[str, Any]) -> str:
    lines = [f"{s['file']}: {s['standard'] or 'unrecognised'} {s['version'] or ''}".rstrip()]
    if s["standard"]:
        lines.append(f"  message code {s['message_code']} ({s['kind']})")
    if s["period"]:
        lines.append(f"  period {s['period']['begin']} .. {s['period']['end']}")
    if s["records"]:
        counts = ", ".join(f"{k}: {v}" for k, v in s["records"].items())
        lines.append(f"  records {counts}")
    for key, t in s["totals"].items():
        tr, comp = t["trailer"], t["computed"]
        lines.append(
            f"  {key}: trailer {tr['amount']} {tr['dc']}, computed {comp['amount']} {comp['dc']}"
        )
    for code, info in s.get("return_codes", {}).items():
        lines.append(f"  return code {code} x{info['count']}: {info['en']} / {info['nl']}")
    lines.append(f"  issues {s['issues']}")
    lines.extend(
        f"    {i['code']} line {i['location'].get('line', '-')}: {i['message']}"
        for i in s["first_issues"]
    )
    return "\n".join(printable(line) for line in lines)


@click.command("inspect")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--output-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Human-readable text or one JSON document with a list of summaries.",
)
def command(files: tuple[str, ...], output_format: str) -> None:
    """Show standard, version, record counts and totals of Vektis EI FILES.

    Exit 0 when every file is structurally valid, 1 when issues were found, 2 when a file
    is unreadable or its standard is not recognised.
    """
    summaries = [inspect_file(f) for f in files]
    if output_format == "json":
        click.echo(json_bytes(summaries), nl=False)
    else:
        click.echo("\n".join(_text(s) for s in summaries))
    if any(s["fatal"] for s in summaries):
        raise SystemExit(ExitCode.USAGE)
    if any(s["issues"] for s in summaries):
        raise SystemExit(ExitCode.INVALID)
    raise SystemExit(ExitCode.OK)
