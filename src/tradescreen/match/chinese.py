"""Chinese names: traditional to simplified, word segmentation, meaning and sound.

A run of Han characters is converted to simplified characters (OpenCC), segmented into
words (jieba), and each word is translated when the glossary knows it (技术 ->
"technology", 研究所 -> "research institute"), otherwise written in pinyin (华为 ->
"huawei"). Ordinals (第十四 -> "14") become digits. The pure pinyin reading is kept as
well (:func:`han_to_pinyin`), so a name given by its sound still meets a list name
written the same way. jieba and OpenCC load only when a name holds Han characters.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tradescreen.match.legal_forms import HAN_LEGAL_FORMS

HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_ORDINAL_RE = re.compile(r"第([零〇一二两三四五六七八九十百]+)")

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
    "研究院": "academy",
    "研究所": "research institute",
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
    "军事": "military",
    "医学": "medical",
    "科学": "science",
    "集团公司": "group corporation",
    "电子科技": "electronics technology",
    "军事医学": "military medical science",
    "人民解放军": "people liberation army",
    "解放军": "liberation army",
    "国家": "state",
    "公安": "public security",
    "部": "ministry",
    "局": "bureau",
    "中心": "center",
    "实验室": "laboratory",
    "芯片": "chip",
    # Trade names whose English name is a translation, not a transcription (the lists
    # carry only the English form): kept short, each checked against the list's name.
    "中芯": "semiconductor manufacturing",
    "中兴": "zte",
    "海康威视": "hikvision",
    "大疆": "dji",
    "大华": "dahua",
}
_GLOSSARY_KEYS = sorted(HAN_GLOSSARY, key=len, reverse=True)

_GLOSSARY_KEYS = sorted(HAN_GLOSSARY, key=len, reverse=True)


def has_han(text: str) -> bool:
    """Whether the text holds Han characters."""
    return HAN_RE.search(text) is not None


def chinese_number(text: str) -> int | None:
    """Value of a Chinese numeral up to 999 ("十四" -> 14, "二十" -> 20)."""
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


@lru_cache(maxsize=1)
def _converter() -> object:
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters to simplified (OpenCC t2s)."""
    return str(_converter().convert(text))  # type: ignore[attr-defined]


def _segments(run: str) -> list[str]:
    import jieba

    jieba.setLogLevel(60)  # its "building prefix dict" chatter goes to stderr otherwise
    return [w for w in jieba.cut(run, HMM=False) if w.strip()]


def _pinyin_words(text: str) -> list[str]:
    # pypinyin loads a large phrase table on import: only for names that hold Han characters.
    from pypinyin import lazy_pinyin

    return ["".join(lazy_pinyin(w)) for w in _segments(text)]


def _translate_word(word: str) -> list[str]:
    """Glossary words (longest first), and pinyin per jieba word for what lies between."""
    out: list[str] = []
    pending = ""
    i = 0
    while i < len(word):
        for key in _GLOSSARY_KEYS:
            if word.startswith(key, i):
                if pending:
                    out.extend(_pinyin_words(pending))
                    pending = ""
                out.append(HAN_GLOSSARY[key])
                i += len(key)
                break
        else:
            pending += word[i]
            i += 1
    if pending:
        out.extend(_pinyin_words(pending))
    return out


@lru_cache(maxsize=20_000)
def _convert_run(run: str) -> tuple[str, frozenset[str]]:
    legal: set[str] = set()
    for form, cls in sorted(HAN_LEGAL_FORMS.items(), key=lambda kv: -len(kv[0])):
        if run.endswith(form) and len(run) > len(form):
            legal.add(cls)
            run = run[: -len(form)]
            break
    run = _ORDINAL_RE.sub(lambda m: f" {chinese_number(m.group(1))} ", run)
    words: list[str] = []
    for part in re.split(r"\s+", run):
        if not part:
            continue
        if part.isdigit():
            words.append(part)
            continue
        words.extend(_translate_word(part))
    return " " + " ".join(words) + " ", frozenset(legal)


def han_to_latin(text: str, legal: set[str]) -> str:
    """Chinese to Latin words by meaning where known, by sound otherwise; forms go to `legal`."""
    text = to_simplified(text)

    def convert(match: re.Match[str]) -> str:
        words, forms = _convert_run(match.group())
        legal.update(forms)
        return words

    return HAN_RE.sub(convert, text)


def han_to_pinyin(text: str) -> str:
    """Chinese to pinyin only, one word per jieba segment (中芯国际 -> "zhongxin guoji")."""
    text = to_simplified(text)

    def convert(match: re.Match[str]) -> str:
        run = match.group()
        for form in sorted(HAN_LEGAL_FORMS, key=len, reverse=True):
            if run.endswith(form) and len(run) > len(form):
                run = run[: -len(form)]
                break
        return " " + " ".join(_pinyin_words(run)) + " "

    return HAN_RE.sub(convert, text)
