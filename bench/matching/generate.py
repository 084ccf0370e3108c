"""Generate the matching evaluation set from the real lists (deterministic, seeded).

Positives are variants of real list names, each labelled with the entity it must find:
spelling errors, dropped or reordered tokens, legal-form changes, abbreviations, case and
punctuation, person-name order, and other scripts (the Entity List's Chinese
universities by their Chinese names). Negatives must find nothing: near-miss names made
from list names by swapping one meaningful word, another surname, another vessel
number, "holding" for "operating"; and generated company and person names in several
locales (Faker) that are on no list.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from faker import Faker

from bench.common import SHARED
from tradescreen.domain import AliasType, Entity, EntityKind
from tradescreen.match.normalize import LEGAL_FORMS, normalize_name

SEED = 20261123
ABBREVIATE = {
    "technology": "tech",
    "technologies": "tech",
    "international": "intl",
    "corporation": "corp",
    "company": "co",
    "limited": "ltd",
    "industries": "inds",
    "manufacturing": "mfg",
    "incorporated": "inc",
    "university": "univ",
    "institute": "inst",
}
LEGAL_SWAPS = [
    ("CO., LTD.", "COMPANY LIMITED"),
    ("LIMITED", "LTD"),
    ("LTD", "LIMITED"),
    ("LLC", "L.L.C."),
    ("INC.", "INCORPORATED"),
    ("CORPORATION", "CORP."),
    ("GMBH", "G.M.B.H."),
]
SWAP_WORDS = [
    "TRADING",
    "PRODUCTS",
    "SERVICES",
    "LOGISTICS",
    "FOODS",
    "TEXTILES",
    "MOTORS",
    "CAPITAL",
    "ENERGY",
    "MINING",
    "MEDIA",
    "TRAVEL",
    "FARMS",
    "PHARMA",
    "STEEL",
    "MARINE",
]


@dataclass(frozen=True, slots=True)
class Case:
    """One query: the name to screen, what kind of case it is, and the expected entity."""

    query: str
    category: str
    expected: str | None  # entity id that must be found; None: nothing may be found
    kind: str | None = None
    dob: str | None = None  # a date of birth given with the query (person attributes)
    forbidden: str | None = None  # with expected None: only this entity may not be hit


def _typo(name: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if len(letters) < 6:
        return name
    i = rng.choice(letters[2:])
    op = rng.choice(("swap", "drop", "double", "replace"))
    if op == "swap" and i + 1 < len(name):
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if op == "drop":
        return name[:i] + name[i + 1 :]
    if op == "double":
        return name[:i] + name[i] + name[i:]
    return name[:i] + rng.choice("aeioun") + name[i + 1 :]


def _tokens(name: str) -> list[str]:
    return name.replace(",", " ").split()


def _is_legal(token: str) -> bool:
    return normalize_name(token).text in LEGAL_FORMS or token.strip(".,").lower() in LEGAL_FORMS


def positives(entities: list[Entity], rng: random.Random, count: int) -> list[Case]:
    """Variants of real list names, each expecting its entity."""
    usable = [e for e in entities if len(normalize_name(e.name).tokens) >= 2 and e.feed != "bench_el_univ"]
    cases: list[Case] = []
    for entity in rng.sample(usable, min(count, len(usable))):
        name, kind = entity.name, entity.entry.kind.value
        tokens = _tokens(name)
        core = [t for t in tokens if not _is_legal(t)]
        cases.append(Case(_typo(name, rng), "typo", entity.id, kind))
        cases.append(
            Case(
                name.lower() if rng.random() < 0.5 else name.upper().replace(",", "").replace(".", ""),
                "case_punct",
                entity.id,
                kind,
            )
        )
        if entity.entry.kind is EntityKind.INDIVIDUAL and "," in name:
            last, first = name.split(",", 1)
            cases.append(Case(f"{first.strip()} {last.strip()}", "person_order", entity.id, kind))
        elif len(core) >= 3:
            shuffled = core[:]
            while shuffled == core:
                rng.shuffle(shuffled)
            cases.append(Case(" ".join(shuffled), "reorder", entity.id, kind))
        if entity.entry.kind is EntityKind.ENTITY:
            upper = name.upper()
            for old, new in LEGAL_SWAPS:
                if old in upper:
                    cases.append(Case(upper.replace(old, new), "legal_form", entity.id, kind))
                    break
            else:
                cases.append(
                    Case(
                        name + rng.choice([" Ltd", " LLC", " Co., Ltd.", " GmbH"]),
                        "legal_form",
                        entity.id,
                        kind,
                    )
                )
            abbreviated = [ABBREVIATE.get(t.lower().strip(".,"), t) for t in tokens]
            if abbreviated != tokens:
                cases.append(Case(" ".join(abbreviated), "abbreviation", entity.id, kind))
        if len(core) >= 4:
            drop = rng.randrange(1, len(core))
            cases.append(Case(" ".join(core[:drop] + core[drop + 1 :]), "token_drop", entity.id, kind))
    return cases


TITLES = ["Dr.", "General", "Sheikh", "President", "Mr.", "Colonel", "Präsident"]
FORM_EQUIVALENTS = [
    (r"\bCO\.?,? LTD\.?", "COMPANY LIMITED"),
    (r"\bLIMITED LIABILITY COMPANY\b", "OOO"),
    (r"\bLLC\b", "OOO"),
    (r"\bOPEN JOINT STOCK COMPANY\b", "OAO"),
    (r"\bOJSC\b", "OPEN JOINT STOCK COMPANY"),
    (r"\bJOINT STOCK COMPANY\b", "AO"),
    (r"\bJSC\b", "JOINT STOCK COMPANY"),
    (r"\bCJSC\b", "ZAO"),
    (r"\bAG\b", "AKTIENGESELLSCHAFT"),
    (r"\bGMBH\b", "GESELLSCHAFT MIT BESCHRANKTER HAFTUNG"),
]
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
ORDINALS = {"1": "FIRST", "2": "SECOND", "3": "THIRD", "4": "FOURTH", "5": "FIFTH"}
LEET = {"o": "0", "i": "1", "e": "3"}
CYRILLIC = [
    ("shch", "щ"),
    ("kh", "х"),
    ("zh", "ж"),
    ("ts", "ц"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("yu", "ю"),
    ("ya", "я"),
    ("ye", "е"),
    ("iy", "ий"),
    ("a", "а"),
    ("b", "б"),
    ("v", "в"),
    ("g", "г"),
    ("d", "д"),
    ("e", "е"),
    ("z", "з"),
    ("i", "и"),
    ("y", "ы"),
    ("k", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "у"),
    ("f", "ф"),
]
ROMANISATIONS = [
    (r"iy\b", "y"),
    (r"y\b", "iy"),
    (r"\bYe", "E"),
    (r"ou", "u"),
    (r"u", "ou"),
    (r"sh", "sch"),
    (r"kh", "h"),
    (r"(?<=[bcdfghjklmnpqrstvz])a(?=[bcdfghjklmnpqrstvz])", "e"),
    (r"(?<=[bcdfghjklmnpqrstvz])i(?=[bcdfghjklmnpqrstvz])", "e"),
]


def _to_cyrillic(text: str) -> str:
    out = text.lower()
    for latin, cyr in CYRILLIC:
        out = out.replace(latin, cyr)
    return out


@lru_cache(maxsize=1)
def _namer() -> Any:
    from nicknames import NickNamer

    return NickNamer()


def _nickname(given: str) -> str | None:
    names = sorted(n for n in _namer().nicknames_of(given.lower()) if len(n) >= 3)
    return names[0].title() if names else None


def variant_classes(entities: list[Entity], rng: random.Random, count: int) -> list[Case]:
    """One case per variant class of issue 11, from real list names (seeded)."""
    people = [
        e
        for e in entities
        if e.entry.kind is EntityKind.INDIVIDUAL and "," in e.name and e.feed != "bench_el_univ"
    ]
    companies = [e for e in entities if e.entry.kind is EntityKind.ENTITY and e.feed != "bench_el_univ"]
    cases: list[Case] = []
    for entity in rng.sample(people, min(count, len(people))):
        last, first = (p.strip() for p in entity.name.split(",", 1))
        given = first.split()
        if not given or not last:
            continue
        kind = "individual"
        if len(given) >= 2:
            cases.append(Case(f"{given[0]} {last}", "partial_person", entity.id, kind))
        cases.append(Case(f"{rng.choice(TITLES)} {first} {last}", "title", entity.id, kind))
        if len(given[0]) >= 3:
            cases.append(
                Case(
                    f"{given[0][0]}. {' '.join(given[1:])} {last}".replace("  ", " "),
                    "initials",
                    entity.id,
                    kind,
                )
            )
        nick = _nickname(given[0])
        if nick:
            cases.append(Case(f"{nick} {' '.join(given[1:])} {last}", "nickname", entity.id, kind))
        word = last if len(last) >= 5 else first
        leet = "".join(LEET.get(c, c) if c.lower() in LEET and i % 3 == 1 else c for i, c in enumerate(word))
        if leet != word:
            cases.append(Case(entity.name.replace(word, leet, 1), "digits_as_letters", entity.id, kind))
        for pattern, repl in rng.sample(ROMANISATIONS, len(ROMANISATIONS)):
            changed = re.sub(pattern, repl, entity.name, count=1, flags=re.I)
            if changed != entity.name:
                cases.append(Case(changed, "romanisation", entity.id, kind))
                break
        if entity.entry.programs and any("RUSSIA" in p or "UKRAINE" in p for p in entity.entry.programs):
            cases.append(Case(_to_cyrillic(f"{last} {first}"), "cyrillic", entity.id, kind))
        dobs = entity.entry.dates_of_birth
        years = [int(m.group()) for d in dobs for m in [re.search(r"\d{4}", d)] if m]
        if years and len(dobs) == 1:
            cases.append(Case(entity.name, "dob_agrees", entity.id, kind, dob=str(years[0])))
            cases.append(Case(entity.name, "dob_conflict", None, kind, dob=str(years[0] + 7)))
        if len(entity.name) <= 14 and len(last) >= 6:
            cases.append(Case(_typo(entity.name, rng), "short_typo", entity.id, kind))
    for entity in rng.sample(companies, min(count, len(companies))):
        upper = entity.name.upper()
        for pattern, repl in FORM_EQUIVALENTS:
            changed = re.sub(pattern, repl, upper)
            if changed != upper:
                cases.append(Case(changed, "legal_form_language", entity.id, "entity"))
                break
        if re.search(r"\b\d{1,2}\b", entity.name):

            def spell(m: re.Match[str]) -> str:
                n = int(m.group())
                return NUMBER_WORDS[n] if n <= 10 else m.group()

            changed = re.sub(r"\b\d{1,2}\b", spell, entity.name, count=1)
            if changed != entity.name:
                cases.append(Case(changed, "numbers", entity.id, entity.entry.kind.value))
        tokens = normalize_name(entity.name).tokens
        if len(tokens) == 1 and len(tokens[0]) >= 6 and tokens[0].isalpha():
            cases.append(Case(_typo(entity.name, rng), "short_typo", entity.id, "entity"))
    # Weak aliases alone must not hit (negatives); only those no strong name shares.
    strong = {
        normalize_name(n.value).text
        for e in entities
        for n in e.entry.all_names
        if n.alias_type is not AliasType.WEAK
    }
    weak = [
        (n.value, e.id)
        for e in entities
        for n in e.entry.aliases
        if n.alias_type is AliasType.WEAK and normalize_name(n.value).text not in strong
    ]
    # A weak alias alone must not hit its own entry (other entries may share the words).
    for value, entity_id in rng.sample(weak, min(count // 2, len(weak))):
        if normalize_name(value).tokens:
            cases.append(Case(value, "weak_alias_alone", None, None, forbidden=entity_id))
    return cases


def cross_script(entities: list[Entity]) -> list[Case]:
    """Chinese-character names of Entity List universities, expecting the English entry."""
    rows = json.loads((SHARED / "cross_script" / "entity_list_cn_universities_zh.json").read_text("utf-8"))
    by_name = {e.name: e.id for e in entities if e.feed == "bench_el_univ"}
    cases = [
        Case(row["zh"], "cross_script", by_name[row["name"]], "entity")
        for row in rows
        if row["name"] in by_name
    ]
    curated = {e.entry.extra.get("party_key"): e for e in entities if e.feed == "curated"}
    for key, entity in curated.items():
        for alias in entity.entry.aliases:
            if alias.script == "Hani":
                del key
                cases.append(Case(alias.value, "cross_script", entity.id, "entity"))
                break
    return cases


def near_misses(entities: list[Entity], rng: random.Random, count: int, known: set[str]) -> list[Case]:
    """Names one meaningful word away from a list name: they must not hit it."""
    cases: list[Case] = []
    companies = [e for e in entities if e.entry.kind is EntityKind.ENTITY and len(_tokens(e.name)) >= 3]
    people = [e for e in entities if e.entry.kind is EntityKind.INDIVIDUAL and "," in e.name]
    vessels = [e for e in entities if e.entry.kind is EntityKind.VESSEL and re.search(r"\d", e.name)]
    surnames = sorted({p.name.split(",")[0].strip() for p in people})
    for entity in rng.sample(companies, min(count, len(companies))):
        tokens = _tokens(entity.name)
        candidates = [i for i, t in enumerate(tokens) if i > 0 and not _is_legal(t) and len(t) > 3]
        if not candidates:
            continue
        i = rng.choice(candidates)
        word = rng.choice([w for w in SWAP_WORDS if w.lower() != tokens[i].lower()])
        replaced = [*tokens[:i], word if tokens[i].isupper() else word.title(), *tokens[i + 1 :]]
        cases.append(Case(" ".join(replaced), "near_miss_word", None, "entity"))
    for entity in rng.sample(people, min(count // 3, len(people))):
        last, first = entity.name.split(",", 1)
        other = rng.choice(surnames)
        if other.lower() != last.lower():
            cases.append(Case(f"{other}, {first.strip()}", "near_miss_surname", None, "individual"))
    for entity in vessels[: count // 10]:
        changed = re.sub(r"\d+", lambda m: str(int(m.group()) + 7), entity.name, count=1)
        cases.append(Case(changed, "near_miss_vessel", None, "vessel"))
    for entity in [e for e in companies if re.search(r"\bHOLDING", e.name, re.I)][: count // 10]:
        cases.append(
            Case(re.sub(r"(?i)holdings?", "Operating", entity.name), "holding_operating", None, "entity")
        )
    return [c for c in cases if normalize_name(c.query).text not in known]


def unlisted(rng: random.Random, count: int, known: set[str]) -> list[Case]:
    """Company and person names in several locales that are on no list."""
    fake = Faker(["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "ru_RU", "zh_CN", "ja_JP", "it_IT", "pt_BR"])
    fake.seed_instance(SEED)
    cases = []
    for i in range(count):
        if i % 3 == 2:
            cases.append(Case(fake.name(), "unlisted_person", None, "individual"))
        else:
            cases.append(Case(fake.company(), "unlisted_company", None, "entity"))
    return [c for c in cases if normalize_name(c.query).text not in known]


def build(entities: list[Entity], seeds: int = 1200, negatives: int = 2500) -> list[Case]:
    """The whole evaluation set."""
    rng = random.Random(SEED)
    known = {normalize_name(n.value).text for e in entities for n in e.entry.all_names}
    cases = positives(entities, rng, seeds) + cross_script(entities)
    cases += variant_classes(entities, rng, seeds // 3)
    cases += near_misses(entities, rng, negatives // 2, known) + unlisted(rng, negatives, known)
    return cases


def save(cases: list[Case], path: Path) -> None:
    """Write the set as JSON lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(asdict(c), ensure_ascii=False) for c in cases) + "\n", "utf-8")
