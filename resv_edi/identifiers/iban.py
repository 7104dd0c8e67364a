"""IBAN: a Dutch account number is checked here, one of any other country by python-stdnum.

A Dutch IBAN as the model accepts it (``NL``, two check digits, a 4-letter bank code and 10
digits, upper case, no separators) is valid when its ISO 7064 mod 97-10 check holds: the same
answer ``stdnum.iban.is_valid`` gives (``tests/identifiers/test_iban.py`` proves it), without
loading python-stdnum, which costs about 40 ms of start-up (it imports ``ssl`` and ``pydoc``
and reads its IBAN registry). Any other value is python-stdnum's to judge.

>>> is_valid("NL91ABNA0417164300"), is_valid("NL92ABNA0417164300")
(True, False)
"""

from __future__ import annotations

import re

#: the structure of a Dutch IBAN (the registry's ``NL`` entry: bban ``4!a10!n``)
_DUTCH = re.compile(r"NL[0-9]{2}[A-Z]{4}[0-9]{10}")


def mod_97_10(number: str) -> int:
    """The ISO 7064 mod 97-10 remainder of an IBAN (1 when its check digits are right)."""
    rearranged = number[4:] + number[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97


def is_valid(number: str) -> bool:
    """Whether ``number`` is a valid IBAN (country structure and check digits)."""
    if _DUTCH.fullmatch(number):
        return mod_97_10(number) == 1
    from stdnum import iban  # another country's IBAN: python-stdnum knows every structure

    return bool(iban.is_valid(number))
