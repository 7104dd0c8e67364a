"""The ``resv-edi`` command group. Subcommands live in their own modules."""

from __future__ import annotations

import importlib

import click

from resv_edi import __version__

#: subcommand name -> module holding a click command named ``command``
COMMANDS = {
    "validate": "resv_edi.cli.validate",
    "convert": "resv_edi.cli.convert",
    "schema": "resv_edi.cli.schema",
    "generate": "resv_edi.cli.generate",
    "inspect": "resv_edi.cli.inspect",
}


class _LazyGroup(click.Group):
    """Imports a subcommand's module only when it runs (fast start-up, small core)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module = COMMANDS.get(name)
        if module is None:
            return None
        return importlib.import_module(module).command


@click.group(cls=_LazyGroup)
@click.version_option(__version__, prog_name="resv-edi")
def cli() -> None:
    """resv-edi: the RESV lump-sum declaration standard (2027-2031).

    Validate, convert and generate declaration and return messages in XML, JSON, NDJSON
    and Vektis EI; read the EI claim files insurers process today.
    """


if __name__ == "__main__":
    cli()
