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
    "serve": "resv_edi.cli.serve",
    "ledger": "resv_edi.cli.ledger",
    "agreements": "resv_edi.cli.agreements",
    "conformance": "resv_edi.cli.conformance",
    "release": "resv_edi.cli.release",
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
        """Run the subcommand; Ctrl-C exits 130 and SIGTERM 143, after every ``finally`` ran
        (workers stopped, temporary outputs removed); an output it cannot write, or a file
        system error no command handled, is exit code 2 with one line that says why, never a
        traceback."""
        from resv_edi.cli.collector import collecting_less
        from resv_edi.interrupt import INTERRUPTED, exit_on_sigterm

        try:
            with exit_on_sigterm(), collecting_less():
                return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("\nresv-edi: interrupted / onderbroken", err=True)
            ctx.exit(INTERRUPTED)
        except OutputPathError as exc:
            raise CannotWrite(str(exc)) from exc
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # the reader went away: click handles it quietly
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            raise CannotWrite(f"{where}{exc.strerror or exc}") from exc

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help`` from each module's docstring, without importing the
        commands (``resv-edi --help`` starts fast)."""
        rows = [(name, _summary(COMMANDS[name])) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """The subcommand, its module imported; then what start-up allocated is frozen out of
        the collector's scans for the run (:mod:`resv_edi.cli.collector`)."""
        found = super().resolve_command(ctx, args)
        from resv_edi.cli.collector import freeze_start_up

        freeze_start_up()
        return found

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module = COMMANDS.get(name)
        if module is None or not _available(module):
            return None
        return importlib.import_module(module).command


def _summary(module: str) -> str:
    """The first sentence of a command module's docstring, after its ``resv-edi name``: part."""
    import ast  # --help only

    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return ""
    with open(spec.origin, encoding="utf-8") as fh:
        doc = ast.get_docstring(ast.parse(fh.read())) or ""
    first = " ".join(doc.split("\n\n", 1)[0].split())
    text = first.split("``: ", 1)[-1]
    return text[:1].upper() + text[1:]


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
