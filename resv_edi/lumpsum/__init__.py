"""Claim files (Vektis EI) -> lump-sum records through declarative, allowlisting mappings.

>>> from resv_edi.lumpsum import load_mapping, lump_sums
>>> records, issues = lump_sums(["claims.ei"], load_mapping("ha304_oi"), "quarter")
"""

from resv_edi.lumpsum.engine import LumpSumEngine, lump_sums, read_allowlisted
from resv_edi.lumpsum.mapping import Mapping, MappingError, load_mapping, mapping_names
from resv_edi.lumpsum.records import LumpSumRecord

__all__ = [
    "LumpSumEngine",
    "LumpSumRecord",
    "Mapping",
    "MappingError",
    "load_mapping",
    "lump_sums",
    "mapping_names",
    "read_allowlisted",
]
