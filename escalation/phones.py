"""Phone numbers to one comparable form, so a directory row and a Telegram contact meet.

The same subscriber's number arrives written many ways: the billing export says
"(11) 98765-4321", the customer types "011 98765 4321", and Telegram's shared contact says
"5511987654321". The directory compares numbers only after `normalize_phone` has turned each
into E.164 form, `+` and digits (`+5511987654321`), which is also what agents are shown.

The rules, in order (the default country code is 55, Brazil, unless the caller says otherwise):

1. Everything but digits is ignored (spaces, dots, dashes, brackets, the `xx` of "0xx11");
   a `+` before the first digit marks the number as international. No digits: no number.
2. `+<digits>` is already international: kept as its digits, whatever the country.
3. `00<digits>` (the international prefix, e.g. "0055 11 98765 4321") is international too.
4. `0<digits>` is national with a trunk prefix ("011987654321"): the 0 goes, the default
   country code comes in front. For Brazil, a 2-digit carrier selection code after the 0
   ("0 15 11 98765-4321") goes too; it is recognisable by length alone.
5. Bare digits: for Brazil, 10 or 11 digits are a national number (2-digit area code and an
   8- or 9-digit subscriber number, so old 8-digit mobiles are kept as given: the 9 is never
   invented) and get 55 in front; longer numbers already carry a country code (Telegram's
   contacts, or a foreign number typed without `+`); shorter ones lack the area code and
   cannot be completed, so they are no number. For a country without known national
   lengths, bare digits that start with its code are taken to carry it, others get it.
6. The result must look like an E.164 number (7 to 15 digits, not starting with 0); anything
   else is no number rather than a wrong one.

Because the result always starts with `+`, normalising it again changes nothing.
"""

from __future__ import annotations

import re

DEFAULT_COUNTRY_CODE = "55"

# National significant number lengths for countries whose bare national numbers would
# otherwise be mistaken for international ones (a Brazilian area code can be 55).
_NATIONAL_LENGTHS: dict[str, range] = {"55": range(10, 12)}
# Countries whose trunk prefix can be followed by a 2-digit carrier selection code.
_CARRIER_CODE_COUNTRIES = frozenset({"55"})
_DIGIT = re.compile(r"[0-9]")
_E164 = re.compile(r"^[1-9][0-9]{6,14}$")
_COUNTRY_CODE = re.compile(r"^[1-9][0-9]{0,2}$")


def check_country_code(code: str) -> str:
    """`code` if it is a country calling code (1 to 3 digits, no leading 0), else ValueError:
    a typo in configuration should fail at start, not make every lookup miss."""
    if not _COUNTRY_CODE.match(code):
        raise ValueError(f"a country code is 1 to 3 digits without a leading 0, got {code!r}")
    return code


def normalize_phone(raw: str | None, default_country_code: str = DEFAULT_COUNTRY_CODE) -> str | None:
    """`raw` in E.164 form (`+5511987654321`), or None when it cannot be a complete number.

    None rather than a guess: a wrong number would link a message to the wrong subscriber,
    while no number only leaves the customer unlinked (and basic tier) until an agent looks.
    """
    check_country_code(default_country_code)
    first_digit = _DIGIT.search(raw or "")
    if raw is None or first_digit is None:
        return None
    digits = "".join(_DIGIT.findall(raw))
    if "+" in raw[: first_digit.start()]:
        international: str | None = digits
    else:
        international = _international(digits, default_country_code)
    if international is None or not _E164.match(international):
        return None
    return f"+{international}"


def _international(digits: str, country: str) -> str | None:
    national_lengths = _NATIONAL_LENGTHS.get(country)
    if digits.startswith("00"):
        return digits[2:]
    if digits.startswith("0"):
        national = digits[1:]
        carrier_code = country in _CARRIER_CODE_COUNTRIES and national_lengths is not None
        if carrier_code and len(national) - 2 in national_lengths:
            national = national[2:]
        return country + national
    if national_lengths is None:
        return digits if digits.startswith(country) else country + digits
    if len(digits) < national_lengths.start:
        return None
    return country + digits if len(digits) in national_lengths else digits
