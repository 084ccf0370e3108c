"""Place words that often lead or trail a company name ("Zhejiang Dahua", "..., Guiyang").

A place left unmatched costs little: "Dahua Technology" is "Zhejiang Dahua Technology".
Chinese provinces come from ISO 3166-2 (pycountry); the large cities are added by hand.
"""

from __future__ import annotations

from functools import lru_cache

_CITIES = frozenset(
    {
        "beijing",
        "shanghai",
        "tianjin",
        "chongqing",
        "shenzhen",
        "guangzhou",
        "guiyang",
        "wuhan",
        "chengdu",
        "hangzhou",
        "nanjing",
        "xian",
        "dalian",
        "qingdao",
        "suzhou",
        "ningbo",
        "xiamen",
        "changsha",
        "zhengzhou",
        "hefei",
        "jinan",
        "harbin",
        "shenyang",
        "kunming",
        "nanning",
        "fuzhou",
        "dongguan",
        "foshan",
        "zhuhai",
        "wuxi",
        "changchun",
        "taiyuan",
        "lanzhou",
        "urumqi",
        "hongkong",
        "macau",
        "moscow",
        "tehran",
        "pyongyang",
        "damascus",
        "minsk",
    }
)


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    import pycountry

    provinces = {
        str(sub.name).split(" ")[0].casefold().replace("'", "")
        for sub in pycountry.subdivisions.get(country_code="CN") or ()  # type: ignore[no-untyped-call]
    }
    return frozenset((provinces - {"hong", "inner"}) | _CITIES)


def is_place(token: str) -> bool:
    """Whether a normalised token is a province or large city name."""
    return token in _places()
