"""Name normalisation: Unicode, scripts, legal forms, titles, numbers, abbreviations, tokens.

A name becomes a :class:`NormalizedName`: its core tokens (what identifies the party),
the legal/organisational forms found (kept apart and weighted down rather than deleted),
and notes on what was done (transliteration), used in explanations.
Han characters are translated where the glossary knows the word and written in pinyin
otherwise (match/chinese.py), with the pinyin reading kept as `alternate`; other scripts
go to Latin with anyascii, and the script is recorded. Digits typed for letters, number
words and ordinals, Arabic particles and leading titles are folded (match/names.py).
Legal forms across languages fold to one class each (match/legal_forms.py).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz.distance import OSA

from tradescreen.errors import InputError
from tradescreen.match.chinese import han_to_latin, han_to_pinyin, has_han
from tradescreen.match.legal_forms import GLUED_FORMS, LEGAL_FORMS, PREFIX_FORMS
from tradescreen.match.names import TITLES, join_numbers, particle, strip_titles, unleet

MAX_NAME_LENGTH = 500  # longer input is cut: no real list name comes near it

_LEGAL_SEQUENCES = sorted((tuple(k.split()) for k in LEGAL_FORMS), key=len, reverse=True)
# Forms by their first word, longest first: each token only tries the forms it can start.
_FORMS_BY_HEAD: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
for _seq in _LEGAL_SEQUENCES:
    _FORMS_BY_HEAD.setdefault(_seq[0], []).append((_seq, " ".join(_seq), LEGAL_FORMS[" ".join(_seq)]))
# Long one-word forms are recognised with one typo ("COMAPNY", "LIMITD"): a misspelt form
# would otherwise count as a rare, unmatched name word.
_LONG_FORMS = [k for k in LEGAL_FORMS if " " not in k and len(k) >= 7]

# Abbreviations and plural forms mapped to one spelling.
ABBREVIATIONS: dict[str, str] = {
    "tech": "technology",
    "techs": "technology",
    "technologies": "technology",
    "technol": "technology",
    "intl": "international",
    "int'l": "international",
    "inter": "international",
    "natl": "national",
    "mfg": "manufacturing",
    "svcs": "services",
    "svc": "services",
    "dept": "department",
    "univ": "university",
    "inst": "institute",
    "elec": "electronics",
    "electronic": "electronics",
    "sci": "science",
    "sciences": "science",
    "ind": "industry",
    "inds": "industry",
    "industries": "industry",
    "industrial": "industrial",
    "eng": "engineering",
    "engg": "engineering",
    "comm": "communication",
    "communications": "communication",
    "telecom": "telecommunication",
    "telecommunications": "telecommunication",
    "grp": "group",
    "hldg": "holding",
    "hldgs": "holding",
    "holdings": "holding",
    "invest": "investment",
    "investments": "investment",
    "mgmt": "management",
    "assn": "association",
    "bros": "brothers",
    "st": "saint",
    "mt": "mount",
    "ft": "fort",
    "&": "and",
    "n": "and",
    "system": "systems",
    "devices": "device",
    "materials": "materials",
    "instruments": "instrument",
    "equip": "equipment",
    "shipping": "shipping",
    "aero": "aerospace",
    "semi": "semiconductor",
    "semiconductors": "semiconductor",
}

_C1_RE = re.compile("[\u0080-\u009f]")
_NON_WORD_RE = re.compile(r"[^\w\s]+")
_GLUED_RE = re.compile(r"([a-z]{2})(" + "|".join(GLUED_FORMS) + r")\b")
# Words that make a trailing part a unit of its own, not a place.
_PREFIX_CLASSES = frozenset({"ojsc", "cjsc", "pjsc", "jsc", "llc", "sue", "statecorp"})
_ORG_WORDS = frozenset({"branch", "office", "subsidiary", "division", "plant", "factory", "unit", "bureau"})
_SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class NormalizedName:
    """A name ready for indexing and scoring."""

    original: str
    tokens: tuple[str, ...]  # core tokens, legal forms removed
    legal_forms: frozenset[str]  # canonical classes of the forms found ("ltd", "llc", ...)
    transliterated: str | None = None  # "pinyin" / "cyrillic" / "arabic"... when converted
    qualifiers: tuple[str, ...] = ()  # places after the legal form ("Guiyang, Guizhou")
    alternate: tuple[str, ...] | None = None  # pinyin reading of a name translated from Han
    surname_words: tuple[str, ...] = ()  # "LAST, First" (list style): the words before the comma

    @property
    def compact(self) -> str:
        """Core tokens joined without spaces ("hua wei" and "huawei" meet here)."""
        return "".join(self.tokens)

    @property
    def text(self) -> str:
        """Core tokens joined with spaces."""
        return " ".join(self.tokens)


def _fix_mojibake(text: str) -> str:
    # Some files carry Windows-1252 bytes decoded as Latin-1 (U+0092 for a quote).
    return _C1_RE.sub(lambda m: bytes([ord(m.group())]).decode("cp1252", errors="replace"), text)


def _stem(token: str) -> str:
    token = ABBREVIATIONS.get(token, token)
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 4 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def _misspelt_form(token: str) -> str | None:
    if len(token) < 6 or not token.isalpha():
        return None
    for form in _LONG_FORMS:
        if abs(len(form) - len(token)) <= 1 and OSA.distance(form, token, score_cutoff=1) <= 1:
            return form
    return None


def _strip_legal(tokens: list[str], legal: set[str]) -> tuple[list[int], int]:
    """Positions of the tokens that are not legal forms, and where the last form ended.

    Forms are removed anywhere after the first token (their class recorded in `legal`);
    the first token is kept unless it is a prefix form ("OOO Gazprom"), so "Company X"
    keeps its head.
    """
    kept: list[int] = []
    last_form_end = -1
    i = 0
    while i < len(tokens):
        for seq, form, cls in _FORMS_BY_HEAD.get(tokens[i], ()):
            n = len(seq)
            if i + n > len(tokens) or tuple(tokens[i : i + n]) != seq:
                continue
            at_head = not kept and len(tokens) > i + n and (form in PREFIX_FORMS or cls in _PREFIX_CLASSES)
            if kept or at_head:
                legal.add(cls)
                i += n
                last_form_end = i
                break
        else:
            form_name = _misspelt_form(tokens[i]) if kept and tokens[i] not in LEGAL_FORMS else None
            if form_name is not None:
                legal.add(LEGAL_FORMS[form_name])
                last_form_end = i + 1
            else:
                kept.append(i)
            i += 1
    return kept, last_form_end


def _tokens_by_segment(text: str) -> tuple[list[str], list[int]]:
    """Tokens, and for each the comma-separated segment it came from."""
    tokens: list[str] = []
    segments: list[int] = []
    for seg, part in enumerate(text.split(",")):
        part = _NON_WORD_RE.sub(" ", part.replace("_", " "))
        for t in _SPACE_RE.split(part):
            if t:
                tokens.append(t)
                segments.append(seg)
    return tokens, segments


def _split_glued_forms(text: str) -> str:
    """ "SiemensAG" -> "Siemens AG": a capitalised form glued to a lower-case word."""
    return _GLUED_RE.sub(r"\1 \2", text)


def _to_ascii(text: str, legal: set[str]) -> tuple[str, str | None]:
    transliterated: str | None = None
    if has_han(text):
        text = han_to_latin(text, legal)
        transliterated = "pinyin"
    if not text.isascii():
        script = script_of(text)
        ascii_text = anyascii(text)
        if transliterated is None and script is not None:
            transliterated = script
        text = ascii_text
    return text, transliterated


def script_of(text: str) -> str | None:
    """The main non-Latin script of a text ("cyrillic", "arabic", "hangul"...), or None."""
    counts: dict[str, int] = {}
    for c in text:
        if ord(c) > 0x24F and unicodedata.category(c).startswith("L"):
            script = unicodedata.name(c, "other").split(" ")[0].lower()
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return None
    script = max(counts, key=counts.__getitem__)
    return {"cjk": "pinyin", "hiragana": "kana", "katakana": "kana"}.get(script, script)


def _core_tokens(raw: list[str]) -> list[str]:
    tokens = [unleet(t) for t in join_numbers(raw)]
    tokens = [particle(t) or t for t in tokens]
    return [_stem(t) for t in tokens]


@lru_cache(maxsize=200_000)
def normalize_name(name: str) -> NormalizedName:
    """Normalise one name (cached: a pure function of the string; list names repeat)."""
    text = _fix_mojibake(name[:MAX_NAME_LENGTH])
    text = unicodedata.normalize("NFKC", text)
    legal: set[str] = set()
    original = text
    text = _split_glued_forms(text)
    text, transliterated = _to_ascii(text, legal)
    text = text.casefold().replace("&", " and ").replace("'", "").replace("\u2019", "")
    raw, segments = _tokens_by_segment(text)
    kept, last_form_end = _strip_legal(raw, legal)
    qualifiers: tuple[str, ...] = ()
    trailing = [i for i in kept if i >= last_form_end] if last_form_end > 0 else []
    # "X Co., Ltd., Guiyang, Guizhou": places after the closing legal form, in their own
    # comma-separated parts, are where the party sits, not its name (Entity List style).
    if (
        trailing
        and len(trailing) <= 3
        and len(kept) > len(trailing)
        and segments[trailing[0]] > segments[last_form_end - 1]
        and not any(raw[i] in _ORG_WORDS for i in trailing)
    ):
        qualifiers = tuple(raw[i] for i in trailing)
        kept = [i for i in kept if i < last_form_end]
    words = [raw[i] for i in kept]
    if not legal:
        head = strip_titles(words)
        words = head if len(head) >= 2 or len(words) == len(head) else words
    tokens = _core_tokens(words)
    tokens = [t for t in tokens if t not in ("and", "the", "of")] or tokens
    alternate: tuple[str, ...] | None = None
    if transliterated == "pinyin":
        pinyin_text = han_to_pinyin(original).casefold()
        alt_raw, _ = _tokens_by_segment(pinyin_text)
        alt_kept, _ = _strip_legal(alt_raw, set())
        alt = tuple(_core_tokens([alt_raw[i] for i in alt_kept]))
        alternate = alt if alt and alt != tuple(tokens) else None
    surname: tuple[str, ...] = ()
    if not legal and segments and max(segments) == 1:
        # One comma and no legal form: "PUTIN, Vladimir Vladimirovich" (surname first).
        head = _core_tokens([raw[i] for i in kept if segments[i] == 0])
        surname = tuple(t for t in head if t in tokens)
    return NormalizedName(
        name, tuple(tokens), frozenset(legal), transliterated, qualifiers, alternate, surname
    )


def validate_name(name: str, field: str = "name") -> NormalizedName:
    """The normalised name of a query, or InputError when nothing in it can be screened.

    Empty names, and names made only of punctuation, a legal form or a title, name no
    one: screening them would answer "clear" for a question that was never asked.
    """
    if not name or not name.strip():
        raise InputError("the name is empty", field=field)
    normalized = normalize_name(name)
    if not normalized.tokens:
        raise InputError(f"the name {name.strip()[:60]!r} has no letters or digits", field=field)
    words = [t for t in normalized.tokens if t not in TITLES and t not in LEGAL_FORMS]
    if not words:
        raise InputError(f"the name {name.strip()[:60]!r} is only a legal form or a title", field=field)
    return normalized
