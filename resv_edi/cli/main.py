"""The ``resv-edi`` command group. Subcommands live in their own modules."""

from __future__ import annotations

import errno
import importlib
import importlib.util

import click

from resv_edi import __version__
from resv_edi.errors import ExitCode
from resv_edi.output import OutputPathError
from resv_edi.terminal import printable

#: subcommand name -> module holding a click command named ``command``
COMMANDS = {
    "validate": "resv_edi.cli.validate",
    "convert": "resv_edi.cli.convert",
    "schema": "resv_edi.cli.schema",
    "generate": "resv_edi.cli.generate",
    "inspect": "resv_edi.cli.inspect",
    "retour": "resv_edi.cli.retour",
    "reconcile": "resv_edi.cli.reconcile",
    "lumpsum": "resv_edi.cli.lumpsum",
    "overlap": "resv_edi.cli.overlap",
    "report": "resv_edi.cli.report",
}


class CannotWrite(click.ClickException):
    """An output path (or another file) the command cannot use: exit code 2."""

    exit_code = int(ExitCode.USAGE)

    def __init__(self, message: str) -> None:
        super().__init__(printable(message))


class _LazyGroup(click.Group):
    """Imports a subcommand's module only when it runs (fast start-up, small core)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, module in COMMANDS.items() if _available(module))

    def invoke(self, ctx: click.Context) -> object:
        """Run the subcommand; an output it cannot write, or a file system error no command
        handled, is exit code 2 with one line that says why, never a traceback."""
        try:
            return super().invoke(ctx)
        except OutputPathError as exc:
            raise CannotWrite(str(exc)) from exc
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # the reader went away: click handles it quietly
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            raise CannotWrite(f"{where}{exc.strerror or exc}") from exc

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module = COMMANDS.get(name)
        if module is None or not _available(module):
            return None
        return importlib.import_module(module).command


def _available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@click.group(cls=_LazyGroup)
@click.version_option(__version__, prog_name="resv-edi")
def cli() -> None:
    """resv-edi: the RESV lump-sum declaration standard (2027-2031).

    Validate, convert and generate declaration and return messages in XML, JSON, NDJSON
    and Vektis EI; read the EI claim files insurers process today.
    """


if __name__ == "__main__":
    cli()
