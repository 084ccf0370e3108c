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
from pathlib import Path

from faker import Faker

from bench.common import SHARED
from tradescreen.domain import Entity, EntityKind
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
    cases += near_misses(entities, rng, negatives // 2, known) + unlisted(rng, negatives, known)
    return cases


def save(cases: list[Case], path: Path) -> None:
    """Write the set as JSON lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(asdict(c), ensure_ascii=False) for c in cases) + "\n", "utf-8")
