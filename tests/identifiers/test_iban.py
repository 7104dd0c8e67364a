"""The Dutch IBAN check of resv_edi.identifiers.iban gives python-stdnum's answer (rule R024).

It exists so that a declaration's header is checked without loading python-stdnum at start-up;
these tests prove the two agree, on right and wrong check digits, wrong structures and other
countries' numbers (which python-stdnum still judges).
"""

from __future__ import annotations

import random
import string

import pytest
from stdnum import iban as stdnum_iban

from resv_edi.identifiers import iban


def dutch(bank: str, account: str, check: str | None = None) -> str:
    """A Dutch IBAN with ``check`` as its check digits, or the right ones."""
    if check is None:
        check = f"{98 - iban.mod_97_10(f'NL00{bank}{account}'):02d}"
    return f"NL{check}{bank}{account}"


def sample(count: int) -> list[str]:
    draw = random.Random(14)
    numbers = []
    for _ in range(count):
        bank = "".join(draw.choices(string.ascii_uppercase, k=4))
        account = "".join(draw.choices(string.digits, k=10))
        numbers.append(dutch(bank, account))
        numbers.append(dutch(bank, account, f"{draw.randrange(100):02d}"))
    return numbers


def test_dutch_numbers_agree_with_stdnum() -> None:
    numbers = sample(2000)
    assert sum(stdnum_iban.is_valid(n) for n in numbers) >= 2000  # right ones, and some lucky
    assert [iban.is_valid(n) for n in numbers] == [stdnum_iban.is_valid(n) for n in numbers]


@pytest.mark.parametrize(
    "number",
    [
        "NL91ABNA0417164300",  # valid
        "NL92ABNA0417164300",  # wrong check digits
        "NL91ABNA041716430",  # one digit short
        "NL91ABNA04171643000",  # one digit more
        "NL911BNA0417164300",  # a digit in the bank code
        "NL00ABNA0417164300",
        "NL99ABNA0417164300",
        "DE89370400440532013000",  # another country: python-stdnum's
        "DE89370400440532013001",
        "GB82WEST12345698765432",
        "BE71096123456769",  # with a country check of its own
        "BE71096123456768",
        "XX89370400440532013000",  # no such country
        "FR1420041010050500013M02606",
    ],
)
def test_known_numbers_agree_with_stdnum(number: str) -> None:
    assert iban.is_valid(number) == stdnum_iban.is_valid(number)


def test_the_dutch_check_does_not_load_stdnum() -> None:
    """In a fresh interpreter: a Dutch IBAN is judged without importing python-stdnum."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom resv_edi.identifiers import iban\n"
        "assert iban.is_valid('NL91ABNA0417164300')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'stdnum'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
