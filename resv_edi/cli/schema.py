"""``resv-edi schema``: export the published XSDs or the JSON Schemas."""

from __future__ import annotations

from pathlib import Path

import click
import orjson

from resv_edi.cli.options import exit_codes, lang_option, output_option, quiet_option
from resv_edi.model.jsonschema import document_schema, ndjson_line_schema
from resv_edi.model.messages import KINDS
from resv_edi.source import atomic_output
from resv_edi.standard.paths import xsd_dir
from resv_edi.terminal import printable

XSD_FILES = ("basisschema.xsd", "declaratie.xsd", "retour.xsd")


def json_schema_files() -> dict[str, bytes]:
    """File name -> content of every JSON Schema generated from the model."""
    files = {}
    for kind in KINDS.values():
        for suffix, schema in (
            ("schema.json", document_schema(kind)),
            ("ndjson.schema.json", ndjson_line_schema(kind)),
        ):
            files[f"{kind.name}.{suffix}"] = (
                orjson.dumps(schema, option=orjson.OPT_INDENT_2) + b"\n"
            )
    return files


@exit_codes("(not used by this command)")
@click.command("schema")
@click.option(
    "--type",
    "schema_type",
    type=click.Choice(["xsd", "json"]),
    default="xsd",
    show_default=True,
    help="xsd: the published XSDs; json: the JSON Schemas generated from the model.",
)
@output_option(
    "Directory to write the files to [default: none; the declaratie schema goes to stdout].",
    required=False,
    directory=True,
)
@click.option("--output-dir", "output_dir", hidden=True, help="Deprecated: use -o/--output.")
@lang_option()
@quiet_option()
def command(
    schema_type: str, output: str | None, output_dir: str | None, lang: str, quiet: bool
) -> None:
    """Export the XSDs (with their basisschema) or the JSON Schemas of the standard. The names
    of the files written go to stderr."""
    if output_dir is not None:
        click.echo("resv-edi schema: --output-dir is deprecated; use -o/--output", err=True)
    output_dir = output or output_dir
    if schema_type == "xsd":
        if output_dir is None:
            click.echo((xsd_dir() / "declaratie.xsd").read_text(encoding="utf-8"), nl=False)
            return
        _write(output_dir, {name: (xsd_dir() / name).read_bytes() for name in XSD_FILES}, quiet)
        return
    files = json_schema_files()
    if output_dir is None:
        click.echo(files["declaratie.schema.json"].decode(), nl=False)
        return
    _write(output_dir, files, quiet)


def _write(output_dir: str, files: dict[str, bytes], quiet: bool) -> None:
    """Each file written atomically: a link planted at its name is replaced, not followed."""
    for name, content in files.items():
        with atomic_output(Path(output_dir) / name) as out:
            out.write(content)
        if not quiet:
            click.echo(printable(f"{Path(output_dir) / name}: written"), err=True)
