"""The ``resv-edi`` command: one small module per subcommand over :mod:`resv_edi.api`."""
