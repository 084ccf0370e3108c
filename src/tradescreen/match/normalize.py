"""Name normalisation: Unicode, scripts, legal forms, abbreviations, tokens.

A name becomes a :class:`NormalizedName`: its core tokens (what identifies the party),
the legal/organisational forms found (kept apart and weighted down rather than deleted),
and notes on what was done (transliteration), used in explanations.
Han characters go through a small glossary of company vocabulary (技术 -> technology)
and otherwise to pinyin (华为 -> "huawei"); other scripts to Latin with anyascii.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz.distance import OSA

MAX_NAME_LENGTH = 500  # longer input is cut: no real list name comes near it

# Legal and organisational forms, as token sequences after normalisation, with a class
# so that "Co., Ltd." and "Limited" agree. Longest first when matching.
LEGAL_FORMS: dict[str, str] = {
    "company limited": "ltd",
    "co ltd": "ltd",
    "limited": "ltd",
    "ltd": "ltd",
    "co limited": "ltd",
    "private limited": "ltd",
    "pvt ltd": "ltd",
    "pte ltd": "ltd",
    "plc": "plc",
    "public limited company": "plc",
    "limited liability company": "llc",
    "llc": "llc",
    "l l c": "llc",
    "llp": "llp",
    "lp": "lp",
    "incorporated": "inc",
    "inc": "inc",
    "corporation": "corp",
    "corp": "corp",
    "company": "co",
    "co": "co",
    "gmbh": "gmbh",
    "ag": "ag",
    "kg": "kg",
    "sa": "sa",
    "s a": "sa",
    "sas": "sa",
    "sarl": "sa",
    "srl": "srl",
    "spa": "spa",
    "bv": "bv",
    "nv": "nv",
    "oy": "oy",
    "ab": "ab",
    "as": "as",
    "a s": "as",
    "ooo": "ooo",
    "oao": "oao",
    "zao": "zao",
    "pao": "pao",
    "ao": "ao",
    "pjsc": "pjsc",
    "ojsc": "ojsc",
    "cjsc": "cjsc",
    "jsc": "jsc",
    "joint stock company": "jsc",
    "open joint stock company": "ojsc",
    "closed joint stock company": "cjsc",
    "public joint stock company": "pjsc",
    "sdn bhd": "sdn bhd",
    "bhd": "bhd",
    "pty ltd": "ltd",
    "pty": "pty",
    "kk": "kk",
    "fze": "fze",
    "fzco": "fzco",
    "fzc": "fzc",
    "llc fz": "llc",
    "est": "est",
    "establishment": "est",
    "group": "group",
    "group co": "group",
    "holding co": "holding",
    "co inc": "inc",
    "de cv": "sa",
    "sa de cv": "sa",
    "s de rl": "srl",
    "tov": "llc",
    "too": "llc",
    "ltda": "ltd",
    "cia": "co",
    "cia ltda": "ltd",
}
# Forms written before the name ("OOO Gazprom", "PT Indo", "AO Kaspersky").
PREFIX_FORMS = {
    "ooo",
    "oao",
    "zao",
    "pao",
    "ao",
    "ojsc",
    "cjsc",
    "pjsc",
    "jsc",
    "tov",
    "too",
    "pt",
    "cv",
    "llc",
}
_LEGAL_SEQUENCES = sorted((tuple(k.split()) for k in LEGAL_FORMS), key=len, reverse=True)
# Long one-word forms are recognised with one typo ("COMAPNY", "LIMITD"): a misspelt form
# would otherwise count as a rare, unmatched name word.
_LONG_FORMS = [k for k in LEGAL_FORMS if " " not in k and len(k) >= 7]

# Chinese legal/organisational forms, stripped before transliteration.
HAN_LEGAL_FORMS: dict[str, str] = {
    "股份有限公司": "ltd",
    "有限责任公司": "llc",
    "有限公司": "ltd",
    "集团公司": "group",
    "集团": "group",
    "公司": "co",
    "控股": "holding",
}

# Company vocabulary in Chinese, so that 华为技术 meets "Huawei Technologies".
HAN_GLOSSARY: dict[str, str] = {
    "科技": "technology",
    "技术": "technology",
    "通信": "communication",
    "通讯": "communication",
    "电子": "electronics",
    "国际": "international",
    "投资": "investment",
    "贸易": "trading",
    "大学": "university",
    "研究院": "research institute",
    "研究所": "institute",
    "学院": "institute",
    "数字": "digital",
    "设备": "equipment",
    "半导体": "semiconductor",
    "制造": "manufacturing",
    "航空": "aviation",
    "航天": "aerospace",
    "工业": "industry",
    "创新": "innovation",
    "集成电路": "integrated circuit",
    "信息": "information",
    "网络": "network",
    "软件": "software",
    "能源": "energy",
    "银行": "bank",
    "船舶": "shipbuilding",
    "重工": "heavy industry",
    "机械": "machinery",
    "光电": "optoelectronics",
    "材料": "materials",
    "工程": "engineering",
    "中国": "china",
    "国防": "defense",
    "终端": "device",
    "智能": "intelligent",
    "系统": "systems",
    "仪器": "instrument",
    "物流": "logistics",
    "实业": "industrial",
    "控制": "control",
    "微电子": "microelectronics",
    "新技术": "new technology",
    "深圳市": "shenzhen",
    "北京市": "beijing",
    "上海市": "shanghai",
    "天津市": "tianjin",
    "广州市": "guangzhou",
    "石油": "petroleum",
    "化工": "chemical",
    "核": "nuclear",
    "电力": "power",
    "汽车": "automotive",
}
_GLOSSARY_KEYS = sorted(HAN_GLOSSARY, key=len, reverse=True)

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
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_NON_WORD_RE = re.compile(r"[^\w\s]+")
_SPACE_RE = re.compile(r"\s+")


def _pinyin(han: str) -> str:
    """Hanyu pinyin of `han`. pypinyin loads a large phrase table on import (about a
    second), so it is imported only when a name has Han characters."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(han))


@dataclass(frozen=True, slots=True)
class NormalizedName:
    """A name ready for indexing and scoring."""

    original: str
    tokens: tuple[str, ...]  # core tokens, legal forms removed
    legal_forms: frozenset[str]  # canonical classes of the forms found ("ltd", "llc", ...)
    transliterated: str | None = None  # "pinyin" / "latin" when a script was converted

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


def _han_to_latin(text: str, legal: set[str]) -> str:
    """Chinese to Latin words: legal forms apart, glossary words translated, rest pinyin."""

    def convert(run: str) -> str:
        for form, cls in HAN_LEGAL_FORMS.items():
            if run.endswith(form):
                legal.add(cls)
                run = run[: -len(form)]
        words: list[str] = []
        pending = ""
        i = 0
        while i < len(run):
            for key in _GLOSSARY_KEYS:
                if run.startswith(key, i):
                    if pending:
                        words.append(_pinyin(pending))
                        pending = ""
                    words.append(HAN_GLOSSARY[key])
                    i += len(key)
                    break
            else:
                pending += run[i]
                i += 1
        if pending:
            words.append(_pinyin(pending))
        return " " + " ".join(words) + " "

    return _HAN_RE.sub(lambda m: convert(m.group()), text)


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


def _strip_legal(tokens: list[str], legal: set[str]) -> list[str]:
    """Remove legal-form sequences (anywhere after the first token), recording their class."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for seq in _LEGAL_SEQUENCES:
            n = len(seq)
            # Never strip the first token: "Company X" or "AO Kaspersky" keep their head.
            at_head = not out and n == 1 and seq[0] in PREFIX_FORMS and len(tokens) > 1
            if i + n <= len(tokens) and tuple(tokens[i : i + n]) == seq and (out or at_head):
                legal.add(LEGAL_FORMS[" ".join(seq)])
                i += n
                break
        else:
            form = _misspelt_form(tokens[i]) if out and tokens[i] not in LEGAL_FORMS else None
            if form is not None:
                legal.add(LEGAL_FORMS[form])
            else:
                out.append(tokens[i])
            i += 1
    return out


@lru_cache(maxsize=200_000)
def normalize_name(name: str) -> NormalizedName:
    """Normalise one name (cached: list names repeat across queries)."""
    text = _fix_mojibake(name[:MAX_NAME_LENGTH])
    text = unicodedata.normalize("NFKC", text)
    legal: set[str] = set()
    transliterated: str | None = None
    if _HAN_RE.search(text):
        text = _han_to_latin(text, legal)
        transliterated = "pinyin"
    if not text.isascii():
        ascii_text = anyascii(text)
        if transliterated is None and any(
            unicodedata.category(c).startswith("L") and ord(c) > 0x24F for c in text
        ):
            transliterated = "latin"
        text = ascii_text
    text = text.casefold().replace("&", " and ").replace("'", "")
    text = _NON_WORD_RE.sub(" ", text.replace("_", " "))
    raw_tokens = [t for t in _SPACE_RE.split(text) if t]
    tokens = [_stem(t) for t in _strip_legal(raw_tokens, legal)]
    tokens = [t for t in tokens if t not in ("and", "the", "of")] or tokens
    return NormalizedName(name, tuple(tokens), frozenset(legal), transliterated)
