"""``resv-edi serve``: the validation service and web page (needs ``resv-edi[web]``)."""

from __future__ import annotations

import importlib.util
import sys
from typing import Any

import click

from resv_edi.cli.options import (
    exit_codes,
    lang_option,
    limit_options,
    limits_from,
    quiet_option,
)
from resv_edi.errors import ExitCode

MISSING = (
    "De webdienst heeft het extra pakket 'web' nodig: pip install 'resv-edi[web]'\n"
    "The web service needs the 'web' extra: pip install 'resv-edi[web]'"
)

NOT_STARTED = "De dienst kon niet starten / the service could not start"


@exit_codes("not used: the service runs until it is stopped")
@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=300.0,
    show_default=True,
    help="Seconds allowed for receiving one upload, and again for working on it.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="Files worked on at once; further requests wait their turn.",
)
@lang_option()
@quiet_option()
@limit_options
def command(
    host: str,
    port: int,
    timeout: float,
    workers: int,
    lang: str,
    quiet: bool,
    **kwargs: Any,
) -> None:
    """Start the validation service: the page at http://HOST:PORT/ (Dutch, with an English
    switch; --lang sets the page's first language) and the API under /v1 (described at
    /openapi.json). Uploads have the same limits as the other commands (--max-file-size: HTTP
    413 beyond it). Exit code 2 when the 'web' extra is not installed or the address is in
    use."""
    limits = limits_from(kwargs)
    if any(importlib.util.find_spec(m) is None for m in ("fastapi", "uvicorn", "python_multipart")):
        click.echo(MISSING, err=True)
        sys.exit(int(ExitCode.USAGE))
    import uvicorn

    from resv_edi.web.app import Settings, create_app

    app = create_app(Settings(limits=limits, timeout=timeout, workers=workers, lang=lang))
    if not quiet:
        click.echo(
            f"resv-edi: http://{host}:{port}/  (Ctrl-C stopt de dienst / stops it)", err=True
        )
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    except (OSError, SystemExit) as exc:  # e.g. the address is in use (uvicorn exits 3)
        if isinstance(exc, SystemExit) and not exc.code:
            raise
        click.echo(f"{NOT_STARTED}: {host}:{port}", err=True)
        sys.exit(int(ExitCode.USAGE))
