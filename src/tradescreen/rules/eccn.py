"""Export Control Classification Numbers: validated, and whether an item is on the CCL."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tradescreen.errors import InputError

_ECCN_RE = re.compile(r"^(?P<category>[0-9])(?P<group>[A-E])(?P<number>[0-9]{3})(?P<sub>(\.[a-z0-9]+)*)$")


@dataclass(frozen=True, slots=True)
class Eccn:
    """A parsed ECCN (or EAR99, the items subject to the EAR but not on the CCL)."""

    code: str

    @property
    def is_ear99(self) -> bool:
        """True for EAR99."""
        return self.code == "EAR99"

    @property
    def on_ccl(self) -> bool:
        """True for items on the Commerce Control List."""
        return not self.is_ear99

    @property
    def is_600_series(self) -> bool:
        """Military items moved from the USML (xY6zz)."""
        return not self.is_ear99 and self.code[2] == "6"


def parse_eccn(value: str, field: str = "eccn") -> Eccn:
    """`5A992.c` -> Eccn; EAR99 is accepted; anything else is an InputError naming the field."""
    text = (value or "").strip()
    if text.upper() == "EAR99":
        return Eccn("EAR99")
    normalised = text[:5].upper() + text[5:].lower()
    if not _ECCN_RE.match(normalised):
        raise InputError(f"not an ECCN: {value!r} (want e.g. 5A992.c, 3A090, 0A606 or EAR99)", field=field)
    return Eccn(normalised)
