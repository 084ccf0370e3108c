"""Word-level name knowledge: titles, numbers, digits as letters, romanisation keys, nicknames.

Everything here is a pure function of its input (cacheable, picklable results), so the
normaliser and the scorer can call it per token without changing what an index holds.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Titles and honorifics: dropped from a name before comparison ("President", "Präsident",
# "Sheikh", "General", "Dr."). Folded to ASCII, lower case, as tokens come out of the
# normaliser. Only dropped where other words remain: "General" alone is still a name.
TITLES: frozenset[str] = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "professor",
        "sir",
        "dame",
        "lord",
        "lady",
        "president",
        "prasident",
        "praesident",
        "presidente",
        "pres",
        "vice",
        "premier",
        "prime",
        "minister",
        "chairman",
        "chairwoman",
        "chancellor",
        "general",
        "gen",
        "lt",
        "lieutenant",
        "colonel",
        "col",
        "major",
        "maj",
        "captain",
        "capt",
        "admiral",
        "adm",
        "commander",
        "cmdr",
        "brigadier",
        "marshal",
        "sergeant",
        "sgt",
        "sheikh",
        "shaikh",
        "shaykh",
        "sheik",
        "shaik",
        "sayyid",
        "sayed",
        "seyed",
        "sayyed",
        "mullah",
        "mulla",
        "imam",
        "ayatollah",
        "hojatoleslam",
        "haji",
        "hajji",
        "hajj",
        "emir",
        "amir",
        "prince",
        "princess",
        "king",
        "queen",
        "sultan",
        "rev",
        "reverend",
        "father",
        "bishop",
        "herr",
        "frau",
        "monsieur",
        "madame",
        "mme",
        "mlle",
        "senor",
        "senora",
        "sr",
        "sra",
        "don",
        "dona",
        "gospodin",
        "hon",
        "honorable",
        "honourable",
        "his",
        "her",
        "excellency",
        "he",
    }
)

NUMBER_WORDS: dict[str, int] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
}
ORDINAL_WORDS: dict[str, int] = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
}
_ORDINAL_DIGITS_RE = re.compile(r"^(\d+)(st|nd|rd|th)$")
# Digits typed for letters inside a word ("Ig0r Sech1n"); only in tokens that also hold
# letters, so "OCEAN STAR 12" keeps its number.
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a"})

# Short forms of Russian and Arabic given names, which the English `nicknames` dataset
# lacks. Source: common diminutives (Wikipedia "Russian name", "Diminutives" section).
EXTRA_NICKNAMES: dict[str, str] = {
    "sasha": "aleksandr",
    "sanya": "aleksandr",
    "alexander": "aleksandr",
    "alexandr": "aleksandr",
    "volodya": "vladimir",
    "vova": "vladimir",
    "dima": "dmitriy",
    "misha": "mikhail",
    "kolya": "nikolay",
    "seryozha": "sergey",
    "sergei": "sergey",
    "zhenya": "yevgeniy",
    "evgeny": "yevgeniy",
    "evgeniy": "yevgeniy",
    "yevgeny": "yevgeniy",
    "kostya": "konstantin",
    "lyosha": "aleksey",
    "alyosha": "aleksey",
    "alexei": "aleksey",
    "alexey": "aleksey",
    "pasha": "pavel",
    "petya": "petr",
    "pyotr": "petr",
    "vanya": "ivan",
    "grisha": "grigoriy",
    "yura": "yuriy",
    "tolya": "anatoliy",
    "slava": "vyacheslav",
    "natasha": "natalya",
    "masha": "mariya",
    "tanya": "tatyana",
    "katya": "yekaterina",
    "mohamed": "muhammad",
    "mohammed": "muhammad",
    "mohammad": "muhammad",
    "muhammed": "muhammad",
    "mohamad": "muhammad",
}


def is_title(token: str) -> bool:
    """Whether a normalised token is a title or honorific."""
    return token in TITLES


def strip_titles(tokens: list[str]) -> list[str]:
    """Drop the titles a name starts with ("President Vladimir Putin"), if words remain."""
    i = 0
    while i < len(tokens) and tokens[i] in TITLES:
        i += 1
    return tokens[i:] if i < len(tokens) else tokens


def number_value(token: str) -> str | None:
    """Digits for a number word, ordinal word or ordinal number ("fourth", "4th" -> "4")."""
    if token in NUMBER_WORDS:
        return str(NUMBER_WORDS[token])
    if token in ORDINAL_WORDS:
        return str(ORDINAL_WORDS[token])
    m = _ORDINAL_DIGITS_RE.match(token)
    return m.group(1) if m else None


def join_numbers(tokens: list[str]) -> list[str]:
    """Number words to digits, compounds summed ("forty four" -> "44", "1st" -> "1")."""
    out: list[str] = []
    pending: int | None = None
    for token in tokens:
        value = number_value(token)
        if value is None and "-" not in token:
            if pending is not None:
                out.append(str(pending))
                pending = None
            out.append(token)
            continue
        number = int(value) if value is not None else 0
        if pending is not None and pending % 10 == 0 and pending >= 20 and number < 10:
            pending += number
        elif pending is not None and number == 100:
            pending *= 100
        else:
            if pending is not None:
                out.append(str(pending))
            pending = number
    if pending is not None:
        out.append(str(pending))
    return out


def unleet(token: str) -> str:
    """Letters for digits typed inside a word ("sech1n" -> "sechin"); pure numbers unchanged."""
    if token.isalpha() or token.isdigit() or not any(c.isalpha() for c in token):
        return token
    letters = sum(c.isalpha() for c in token)
    if letters < 2:
        return token
    return token.translate(_LEET)


# Romanisation: spellings of one sound in the transliteration systems found on lists
# (BGN/PCGN, Library of Congress, Wade-Giles, French and German habits) fold to one key,
# so "hezbollah" / "hizballah" / "hizbullah", "xi" / "shi" / "si" and "yevgeniy" /
# "evgeny" meet. Applied to whole tokens after ASCII folding; order matters.
_WADE_GILES = (
    ("hsi", "xi"),
    ("hs", "x"),
    ("tz", "z"),
    ("ts", "z"),
    ("ch'", "q"),
    ("k'", "k"),
    ("t'", "t"),
    ("p'", "p"),
)
_DIGRAPHS = (
    ("tch", "c"),
    ("sch", "s"),
    ("sh", "s"),
    ("ch", "c"),
    ("zh", "j"),
    ("kh", "k"),
    ("gh", "g"),
    ("dh", "d"),
    ("th", "t"),
    ("ph", "f"),
    ("ck", "k"),
    ("qu", "k"),
    ("q", "k"),
    ("x", "s"),
    ("w", "v"),
    ("dj", "j"),
    ("dzh", "j"),
    ("ts", "c"),
    ("tz", "c"),
    ("c", "k"),
    ("z", "s"),
    ("y", "i"),
    ("j", "i"),
)
_ENDINGS = (("iy", "i"), ("ii", "i"), ("yy", "i"), ("ij", "i"), ("yi", "i"), ("ey", "ei"))
_VOWELS_RE = re.compile(r"[aeiou]+")
_REPEAT_RE = re.compile(r"(.)\1+")


@lru_cache(maxsize=100_000)
def romanisation_key(token: str) -> str:
    """A coarse key under which romanisations of one spoken word agree.

    The first letter is kept; later vowels fold to one class, since they are what
    transliteration systems disagree on most ("hezbollah" and "hizballah" -> "hasbalah").
    """
    if not token.isalpha() or len(token) < 2:
        return token
    word = token
    for end, repl in _ENDINGS:
        if word.endswith(end) and len(word) > 3:
            word = word[: -len(end)] + repl
            break
    if word.startswith("ye") and len(word) > 3:  # Yevgeniy / Evgeniy, Yelena / Elena
        word = word[1:]
    for a, b in _WADE_GILES[:2]:
        if word.startswith(a):
            word = b + word[len(a) :]
    for a, b in _DIGRAPHS:
        word = word.replace(a, b)
    word = _REPEAT_RE.sub(r"\1", word)
    head, rest = word[0], word[1:]
    return head + _VOWELS_RE.sub("a", rest)


ARABIC_PARTICLES: dict[str, str] = {
    "al": "al",
    "el": "al",
    "ul": "al",
    "ad": "al",
    "ar": "al",
    "as": "al",
    "ash": "al",
    "at": "al",
    "az": "al",
    "an": "al",
    "bin": "bin",
    "ben": "bin",
    "ibn": "bin",
    "bint": "bint",
    "abu": "abu",
    "abou": "abu",
    "abd": "abd",
    "abdul": "abdul",
    "abdel": "abdul",
    "abdal": "abdul",
}


def particle(token: str) -> str | None:
    """The canonical Arabic particle a token spells (al-/el-, bin/ben/ibn), if any."""
    return ARABIC_PARTICLES.get(token)


@lru_cache(maxsize=1)
def _nicknamer() -> object:
    from nicknames import NickNamer  # imported lazily: its CSV loads in ~50 ms

    return NickNamer()


@lru_cache(maxsize=50_000)
def given_name_forms(token: str) -> frozenset[str]:
    """The token with its canonical given names (Bill -> William; Sasha -> Aleksandr)."""
    forms = {token}
    if token in EXTRA_NICKNAMES:
        forms.add(EXTRA_NICKNAMES[token])
    if token.isalpha() and len(token) >= 2:
        namer = _nicknamer()
        forms.update(namer.canonicals_of(token))  # type: ignore[attr-defined]
    return frozenset(forms)


@lru_cache(maxsize=1)
def common_given_names() -> frozenset[str]:
    """Given names common in the general population: every name in the `nicknames`
    dataset (Carlton Northern's US given-name table) and the short-form table above.

    The lists' own rarity says little here: "Nicolas" is rare on the SDN list but common
    in the world, so a match on it alone proves little.
    """
    from nicknames import name_triplets

    names: set[str] = set(EXTRA_NICKNAMES) | set(EXTRA_NICKNAMES.values())
    for triplet in name_triplets():
        names.add(triplet.name1)
        names.add(triplet.name2)
    return frozenset(n for n in names if n.isalpha())


def nickname_pair(a: str, b: str) -> bool:
    """Whether two given names are a name and its short form (Ben / Benjamin)."""
    if a == b:
        return True
    fa, fb = given_name_forms(a), given_name_forms(b)
    return bool(fa & fb)
