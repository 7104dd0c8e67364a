"""The ``--db`` / ``--ledger`` option and opening a ledger for a command: any
:class:`~resv_edi.ledger.LedgerError` (no ledger, server unreachable, wrong schema) is one
clear line on stderr and exit code 2, never a traceback."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import click

from resv_edi.batch.plan import Input
from resv_edi.batch.results import ValidationResult
from resv_edi.batch.summary import Summary
from resv_edi.errors import ExitCode
from resv_edi.limits import Limits

if TYPE_CHECKING:  # the ledger (and the codecs it reads) loads only when --db is given
    from resv_edi.ledger import Ledger

ENV = "RESV_EDI_LEDGER"
URL_HELP = (
    "Ledger database: a file path or sqlite:///path (SQLite), or postgresql://user@host/db. "
    f"Default: ${ENV}. / Grootboek: bestandspad of postgresql://-URL."
)


def db_option(name: str = "--db", *, required: bool = True) -> Callable[[Any], Any]:
    return click.option(name, "url", envvar=ENV, required=required, metavar="URL", help=URL_HELP)


@contextlib.contextmanager
def opened(url: str, *, create: bool = False) -> Iterator[Ledger]:
    """The ledger at ``url``, closed afterwards; a ledger error exits 2 with its message."""
    from resv_edi.ledger import LedgerError, open_ledger

    try:
        ledger = open_ledger(url, create=create)
        try:
            yield ledger
        finally:
            ledger.close()
    except LedgerError as exc:
        click.echo(f"resv-edi: grootboek/ledger: {exc}", err=True)
        sys.exit(int(ExitCode.USAGE))


def ledger_validator(url: str) -> Callable[..., tuple[list[ValidationResult], Summary]]:
    """A stand-in for :func:`resv_edi.batch.validate_batch` that also applies the rules of
    the ledger at ``url`` (files one after the other; the batch options do not apply)."""

    def run(
        files: Any,
        *,
        fmt: str,
        limits: Limits,
        on_result: Callable[[ValidationResult], None] | None = None,
        inputs: list[Input],
        **_batch: Any,
    ) -> tuple[list[ValidationResult], Summary]:
        from resv_edi.ledger.validation import validate_with_ledger

        with opened(url) as ledger:
            return validate_with_ledger(ledger, inputs, fmt=fmt, limits=limits, on_result=on_result)

    return run
