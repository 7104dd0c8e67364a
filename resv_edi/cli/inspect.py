"""``resv-edi inspect FILE...``: standard, counts and totals of EI files."""

from __future__ import annotations

from typing import Any

import click

from resv_edi.cli.options import exit_codes, lang_option, quiet_option
from resv_edi.errors import ExitCode
from resv_edi.formats.ei.inspect import inspect_file
from resv_edi.standard.catalogue import render_data
from resv_edi.terminal import json_bytes, printable


def _text(s: dict[str, Any], lang: str) -> str:
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
        f"    {i['code']} line {i['location'].get('line', '-')}: {render_data(i, lang)}"
        for i in s["first_issues"]
    )
    return "\n".join(printable(line) for line in lines)


@exit_codes("issues found in a file")
@click.command("inspect")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--output-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Human-readable text or one JSON document with a list of summaries.",
)
@lang_option()
@quiet_option()
def command(files: tuple[str, ...], output_format: str, lang: str, quiet: bool) -> None:
    """Show standard, version, record counts and totals of Vektis EI FILES (on stdout).

    Exit code 2 also when a file's standard is not recognised.
    """
    summaries = [inspect_file(f) for f in files]
    if output_format == "json":
        click.echo(json_bytes(summaries), nl=False)
    else:
        click.echo("\n".join(_text(s, lang) for s in summaries))
    if any(s["fatal"] for s in summaries):
        raise SystemExit(ExitCode.USAGE)
    if any(s["issues"] for s in summaries):
        raise SystemExit(ExitCode.INVALID)
    raise SystemExit(ExitCode.OK)
