"""resv-edi: the message standard and tooling for the Dutch RESV lump-sum experiment (2027-2031)."""

__version__ = "0.2.0"
