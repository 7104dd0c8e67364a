"""``resv-edi reconcile``: match a declaration and its Retourbericht line by line."""

from __future__ import annotations

import sys
from typing import Any

import click

from resv_edi.cli.options import (
    exit_codes,
    lang_option,
    limit_options,
    limits_from,
    output_format_option,
    quiet_option,
)
from resv_edi.errors import ExitCode, Severity
from resv_edi.reporting import text_line
from resv_edi.retour.reconcile import Reconciliation, reconcile
from resv_edi.terminal import json_bytes, printable


def _euro(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def _text(r: Reconciliation, lang: str) -> str:
    out = [
        f"declaration {r.declaration}: {r.declared_lines} lines, submitted {_euro(r.submitted)}",
        f"retour      {r.retour}: {r.returned_lines} lines, granted {_euro(r.granted)}"
        f" (retour repeats submitted {_euro(r.returned_submitted)})",
        f"message codes: {' '.join(r.message_codes) or '-'}",
        f"matched {r.matched_lines}, rejected {r.rejected_lines}, missing in retour "
        f"{r.missing_in_retour}, not in declaration {r.missing_in_declaration}, amount "
        f"differs {r.amount_mismatches}",
    ]
    if r.per_code:
        out.append("return codes on lines:")
        out.extend(
            f"  {c.code} {c.lines:>8} lines {_euro(c.amount):>14}  {c.en} / {c.nl}"
            for c in r.per_code
        )
    for name, refs in r.examples.items():
        out.append(f"{name.replace('_', ' ')}: {', '.join(refs)}")
    out.extend(text_line(i, lang) for i in r.issues)
    verdict = "reconciled" if r.reconciled else "NOT reconciled"
    if r.rejected_lines:  # the messages agree, but the insurer did not grant everything
        verdict += (
            f"; {r.rejected_lines} of {r.declared_lines} lines REJECTED: "
            f"{_euro(r.submitted - r.granted)} not granted (see the return codes above)"
        )
    out.append(verdict)
    return "\n".join(printable(line) for line in out)


@exit_codes("the messages do not reconcile, or lines were rejected")
@click.command("reconcile")
@click.argument("declaration", type=click.Path(dir_okay=False))
@click.argument("retour", type=click.Path(dir_okay=False))
@output_format_option()
@lang_option()
@quiet_option()
@limit_options
def command(
    declaration: str, retour: str, output_format: str, lang: str, quiet: bool, **kwargs: Any
) -> None:
    """Compare DECLARATION with its RETOUR by reference: granted vs submitted, rejected lines
    per return code, lines missing on either side (the report goes to stdout)."""
    result = reconcile(declaration, retour, limits=limits_from(kwargs))
    if output_format == "json":
        sys.stdout.buffer.write(json_bytes(result.as_dict()))
    else:
        click.echo(_text(result, lang))
    if any(i.severity is Severity.FATAL for i in result.issues):
        sys.exit(int(ExitCode.USAGE))
    clean = result.reconciled and result.rejected_lines == 0
    sys.exit(int(ExitCode.OK if clean else ExitCode.INVALID))
