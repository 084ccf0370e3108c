"""Legal and organisational forms across languages, each mapped to one comparison class.

Forms that mean the same thing share a class, so that "Aktiengesellschaft" meets "AG",
"Open Joint Stock Company" meets "OAO" and "OJSC", "ZAO" meets "CJSC", "OOO" meets
"LLC" and "Co., Ltd." meets "Company Limited". Keys are token sequences after
normalisation (ASCII, lower case, punctuation removed).

`rigour` (OpenSanctions, version 2.6.1) was checked: its `replace_org_types_compare`
maps "Aktiengesellschaft" to "ag" but keeps "OAO"/"OJSC", "ZAO"/"CJSC" and "OOO"/"LLC"
apart and turns "Co., Ltd." into "coltd" against "company ltd" for "Company Limited", so
it does not give the equivalences screening needs, and it would bring ICU in as a
runtime dependency. The table is kept here, from ISO 20275 entity legal forms and the
forms seen on the OFAC and BIS lists.
"""

from __future__ import annotations

LEGAL_FORMS: dict[str, str] = {
    # English limited companies
    "company limited": "ltd",
    "co ltd": "ltd",
    "co limited": "ltd",
    "limited": "ltd",
    "ltd": "ltd",
    "private limited": "ltd",
    "private limited company": "ltd",
    "pvt ltd": "ltd",
    "pte ltd": "ltd",
    "pty ltd": "ltd",
    "pty": "pty",
    "plc": "plc",
    "public limited company": "plc",
    "limited liability company": "llc",
    "llc": "llc",
    "l l c": "llc",
    "llp": "llp",
    "limited liability partnership": "llp",
    "lp": "lp",
    "limited partnership": "lp",
    "incorporated": "inc",
    "inc": "inc",
    "co inc": "inc",
    "corporation": "corp",
    "corp": "corp",
    "company": "co",
    "co": "co",
    # German, Austrian, Swiss
    "gmbh": "gmbh",
    "g m b h": "gmbh",
    "gesellschaft mit beschrankter haftung": "gmbh",
    "gesellschaft mit beschraenkter haftung": "gmbh",
    "ag": "ag",
    "aktiengesellschaft": "ag",
    "kg": "kg",
    "kommanditgesellschaft": "kg",
    "gmbh co kg": "kg",
    "ohg": "ohg",
    "ev": "ev",
    # Romance languages
    "sa": "sa",
    "s a": "sa",
    "sociedad anonima": "sa",
    "societe anonyme": "sa",
    "sas": "sa",
    "sarl": "srl",
    "srl": "srl",
    "s r l": "srl",
    "societa a responsabilita limitata": "srl",
    "sociedad de responsabilidad limitada": "srl",
    "societe a responsabilite limitee": "srl",
    "spa": "spa",
    "s p a": "spa",
    "societa per azioni": "spa",
    "de cv": "sa",
    "sa de cv": "sa",
    "s de rl": "srl",
    "s de rl de cv": "srl",
    "ltda": "ltd",
    "cia": "co",
    "cia ltda": "ltd",
    # Dutch, Nordic
    "bv": "bv",
    "b v": "bv",
    "besloten vennootschap": "bv",
    "nv": "nv",
    "n v": "nv",
    "naamloze vennootschap": "nv",
    "oy": "oy",
    "oyj": "oy",
    "ab": "ab",
    "aktiebolag": "ab",
    "as": "as",
    "a s": "as",
    "asa": "as",
    "aps": "aps",
    # Russian and CIS: transliterated abbreviations and their English names
    "ooo": "llc",
    "obshchestvo s ogranichennoy otvetstvennostyu": "llc",
    "tov": "llc",
    "too": "llc",
    "oao": "ojsc",
    "ojsc": "ojsc",
    "open joint stock company": "ojsc",
    "otkrytoye aktsionernoye obshchestvo": "ojsc",
    "zao": "cjsc",
    "cjsc": "cjsc",
    "closed joint stock company": "cjsc",
    "zakrytoye aktsionernoye obshchestvo": "cjsc",
    "pao": "pjsc",
    "pjsc": "pjsc",
    "public joint stock company": "pjsc",
    "ao": "jsc",
    "jsc": "jsc",
    "joint stock company": "jsc",
    "aktsionernoye obshchestvo": "jsc",
    "fgup": "sue",
    "gup": "sue",
    "federal state unitary enterprise": "sue",
    "state unitary enterprise": "sue",
    "state corporation": "statecorp",
    "goskorporatsiya": "statecorp",
    # Asia, Middle East
    "sdn bhd": "sdn bhd",
    "bhd": "bhd",
    "berhad": "bhd",
    "kk": "kk",
    "kabushiki kaisha": "kk",
    "yugen kaisha": "kk",
    "fze": "fze",
    "fzco": "fzco",
    "fzc": "fzc",
    "fz llc": "llc",
    "llc fz": "llc",
    "est": "est",
    "establishment": "est",
    "pt": "pt",
    "tbk": "tbk",
    "cv": "cv",
    # Groupings
    "group": "group",
    "group co": "group",
    "holding co": "holding",
}

# Forms written before the name ("OOO Gazprom", "PT Indo", "AO Kaspersky").
PREFIX_FORMS: frozenset[str] = frozenset(
    {
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
        "fgup",
        "gup",
    }
)

# Forms that are glued to the name in capitals ("SiemensAG", "DaimlerGmbH"): split off
# before tokenising when they follow a lower-case letter.
GLUED_FORMS: tuple[str, ...] = ("GmbH", "AG", "KG", "SA", "SpA", "BV", "NV", "LLC", "Ltd", "Inc", "Co")

# Chinese legal/organisational forms, stripped before transliteration.
HAN_LEGAL_FORMS: dict[str, str] = {
    "股份有限公司": "ltd",
    "有限责任公司": "llc",
    "有限公司": "ltd",
    "集团有限公司": "ltd",
    "集团公司": "group",
    "集团": "group",
    "公司": "co",
    "控股": "holding",
}
