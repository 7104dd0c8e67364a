"""``python -m resv_edi``: the ``resv-edi`` command."""

from resv_edi.cli.main import cli

if __name__ == "__main__":
    cli(prog_name="resv-edi")
