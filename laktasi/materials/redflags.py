"""Red-flag layer over the Q&A search: recognise danger signs in everyday phrasing.

A mother or kader who types "bayi kuning" or "badan dede anget ga mau nyusu" must never get a
reassuring answer first. :func:`danger_signs` normalises the query (chat spellings, Javanese
and informal words, repeated letters, "muntah2", one-letter typos of the danger words) and
matches rules over the normalised words. Each rule names the danger-sign Q&A entry that is
listed first (``qa.yaml``, topic ``danger``); the page shows a "Tanda bahaya" banner with the
same-day advice above any result. Rules follow FACTS §11 (newborn), §12 (mother), §13
(mastitis). The layer errs towards showing the banner; ordinary questions that share a word
(colostrum "asi kuning", "cuaca panas", "asip dihangatkan") are excluded by the rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from laktasi.materials import search

#: Informal, Javanese-influenced and misspelt words -> the word the rules use.
DANGER_WORDS: dict[str, str] = {
    "anget": "hangat", "angat": "hangat", "sumeng": "demam", "meriang": "demam",
    "demem": "demam", "deman": "demam", "dmam": "demam", "panes": "panas", "pnas": "panas",
    "kuneng": "kuning", "kunin": "kuning", "kunig": "kuning", "kng": "kuning",
    "lemes": "lemas", "males": "malas", "lms": "lemas", "loyo": "lemas", "lunglai": "lemas", "lesu": "lemas",
    "step": "kejang", "stip": "kejang", "setep": "kejang", "sawan": "kejang",
    "kejank": "kejang", "kjang": "kejang", "kelojotan": "kejang",
    "sesek": "sesak", "ngos": "sesak", "tersengal": "sesak", "ngorok": "merintih",
    "mutah": "muntah", "mntah": "muntah", "montah": "muntah", "muntahin": "muntah",
    "diarhea": "diare", "diarrhea": "diare", "diarre": "diare", "menceret": "diare",
    "berak": "bab", "pendarahan": "perdarahan", "perdarhan": "perdarahan",
    "ngeflek": "perdarahan", "nanah": "bernanah", "bernana": "bernanah",
    "pucet": "pucat", "dempul": "pucat", "kencing": "pipis", "bak": "pipis", "pipisnya": "pipis",
    "nyusunya": "menyusu", "nenennya": "menyusu", "mimi": "menyusu",
    "mimik": "menyusu", "nen": "menyusu", "bobo": "tidur", "bubu": "tidur", "molor": "tidur",
    "ngantuk": "mengantuk", "dibangunin": "dibangunkan", "bangunin": "dibangunkan",
    "bb": "berat", "timbangan": "berat", "drop": "turun",
    "mastits": "mastitis", "mastitiss": "mastitis",
    "deprsi": "depresi",
    "burem": "kabur", "buram": "kabur", "mbrebes": "kabur",
    "bngkak": "bengkak", "abuh": "bengkak",
    "jaundice": "kuning", "yellow": "kuning", "fever": "demam", "feverish": "demam",
    "seizure": "kejang", "seizures": "kejang", "convulsion": "kejang", "convulsions": "kejang",
    "fits": "kejang", "lethargic": "lemas", "floppy": "lemas", "vomiting": "muntah",
    "vomits": "muntah", "diarrhoea": "diare", "bleeding": "perdarahan",
    "haemorrhage": "perdarahan", "hemorrhage": "perdarahan", "depression": "depresi",
    "suicidal": "bunuh", "grunting": "merintih", "dehydrated": "dehidrasi",
    "dehydration": "dehidrasi", "pus": "bernanah", "blurred": "kabur",
}  # fmt: skip

#: Words the fuzzy matcher may correct towards (one edit away, words of 5+ letters).
_FUZZY_TARGETS = ("demam", "kuning", "kejang", "lemas", "muntah", "sesak", "diare",
                  "mastitis", "perdarahan", "bernanah", "dehidrasi", "merintih", "pucat",
                  "menyusu", "dibangunkan")  # fmt: skip


@dataclass(frozen=True)
class Rule:
    """A danger pattern: ``when`` must match the normalised query and ``unless`` must not."""

    name: str
    entry: str
    when: re.Pattern[str]
    unless: re.Pattern[str] | None = None


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_BABY = r"\b(bayi|anak|newborn|infant|neonatus|kulit|mata|badan|tubuh|wajah|muka|telapak)\b"
_MOTHER = (
    r"\b(ibu|saya|mama|bunda|istri|nifas|melahirkan|lahiran|persalinan|postpartum|sesar|"
    r"payudara|birth|after)\b"
)
_NOT_WEATHER = r"\b(cuaca|udara|hawa|gerah|ruang|ruangan|kamar|suhu ruang|weather|room)\b"

RULES: tuple[Rule, ...] = (
    Rule(
        "jaundice",
        "bayi-kuning",
        _rx(rf"({_BABY}.*\bkuning\b|\bkuning\b.*{_BABY}|\b(ikterus|bilirubin)\b)"),
        _rx(r"\b(asi|kolostrum|susu|tinja|bab|feses|kotoran|pipis)\b( \w+)? kuning\b"),
    ),
    Rule(
        "jaundice_alone", "bayi-kuning", _rx(r"^(bayi )?kuning$|\bkuning (terus|banget|sekali)\b")
    ),
    Rule(
        "baby_fever",
        "bayi-demam",
        _rx(
            rf"({_BABY}.*\b(demam|panas|hangat|dingin)\b|\b(demam|panas|hangat|dingin)\b.*{_BABY})"
        ),
        _rx(
            rf"{_NOT_WEATHER}|\b(asi|asip|perah|air|susu|milk)\b( \w+)? (dingin|hangat|panas)\b"
            r"|\b(hangat|hangatkan|menghangatkan|dihangatkan|panaskan)\b( \w+)? (asi|asip|perah|air)\b"
            r"|\bmandi\b|\bkeramas\b|\bkompres dingin\b"
        ),
    ),
    Rule(
        "fever_word",
        "bayi-demam",
        _rx(r"\b(demam|suhu tinggi|hipotermi\w*|step demam)\b"),
        _rx(_MOTHER),
    ),
    Rule(
        "mother_fever",
        "ibu-demam-nifas",
        _rx(rf"({_MOTHER}.*\b(demam|menggigil)\b|\b(demam|menggigil)\b.*{_MOTHER})"),
    ),
    Rule(
        "not_feeding",
        "bayi-tidak-mau-menyusu",
        _rx(
            r"\b(tidak|malas|menolak|nolak|susah|sulit|lemah|enggan|mogok)\b( \w+){0,2} "
            r"(menyusu|mengisap|isap|ngisep|ngenyot|feeding|feed)\b"
            r"|\b(isapan|hisapan|ngenyot)\w*( \w+)? lemah\b|\bmenyusu(nya)? lemah\b|\bnot feeding\b|\bwon t feed\b"
            r"|\brefuses? (the )?breast\b"
        ),
        _rx(r"\b(asi perah|cangkir|botol|dot|sendok|empeng|cup|bottle)\b"),
    ),
    Rule(
        "lethargy",
        "bayi-tidak-mau-menyusu",
        _rx(
            r"\b(lemas|lemah banget|tidur terus|mengantuk terus|tidak bangun|susah bangun"
            r"|sulit bangun|dibangunkan|hard to wake|sleeps all)\b"
        ),
        _rx(r"\b(ibu|saya|mama)\b.*\blemas\b.*\b(capek|lelah|kurang tidur)\b"),
    ),
    Rule("convulsion", "bayi-kejang-sesak", _rx(r"\bkejang\b"), _rx(r"\bstep by\b|\bby step\b")),
    Rule(
        "breathing",
        "bayi-kejang-sesak",
        _rx(
            r"\b(sesak|merintih|tarikan dada|biru|kebiruan|membiru|fast breathing|breathing fast)\b"
            r"|\b(napas|nafas)\w*( \w+){0,2} (cepat|ngos)"
        ),
    ),
    Rule(
        "few_wet_nappies",
        "bayi-dehidrasi",
        _rx(
            r"\bpipis\b( \w+){0,2} (sedikit|jarang|kurang|pekat|cuma|hanya|tidak|belum|gelap)\b"
            r"|\b(sedikit|jarang|tidak|belum|gak|kurang) pipis\b|\bpopok\w* kering\b"
            r"|\b(dehidrasi|kekurangan cairan|kurang cairan|mulut kering|bibir kering|ubun ubun cekung"
            r"|mata cekung|tanpa air mata|dry nappies|few wet)\b|\b(mulut|bibir)( \w+)? kering\b"
        ),
        _rx(r"\bberapa kali\b.*\bcukup\b"),
    ),
    Rule(
        "vomit_diarrhoea",
        "bayi-muntah-diare",
        _rx(r"\bmuntah\b|\bdiare\b|\bbab cair\b|\bbab terus\b"),
        _rx(
            r"\b(lebih sering|bikin|membuat|menyebabkan|sebabkan|mencegah|melindungi)\b"
            r"|\b(ibu|saya) (makan|minum)\b"
        ),
    ),
    Rule(
        "cord",
        "tanda-bahaya-bayi",
        _rx(
            r"\b(tali pusat|tali pusar|pusar|pusat|puser|cord)\b.*\b(merah|bernanah|bau|berbau|bengkak|basah|berdarah|kemerahan)\b"
        ),
    ),
    Rule(
        "pale_stool",
        "tanda-bahaya-bayi",
        _rx(r"\b(tinja|bab|feses|kotoran|pup|eek)\b( \w+){0,2} (pucat|putih)\b"),
    ),
    Rule("danger_general", "tanda-bahaya-bayi", _rx(r"\btanda bahaya\b|\bdanger sign")),
    Rule(
        "weight_loss",
        "bayi-berat-turun",
        _rx(
            r"\bberat\w*( \w+){0,2} (turun|tidak naik|susut|berkurang|kurang)\b|\bweight loss\b|\blosing weight\b|\bnot gaining\b"
        ),
        _rx(
            r"\b(ibu|saya|mama)\b( \w+){0,2} berat|\bberat( \w+){0,2} (ibu|saya|mama)\b"
            r"|\bdiet\b|\bmelar\b|\bkendur\b"
        ),
    ),
    Rule(
        "mastitis",
        "mastitis",
        _rx(
            r"\b(mastitis|abses|radang payudara)\b"
            r"|\bpayudara\b( \w+){0,3} (merah|panas|bernanah|benjol\w*|keras merah)\b"
            r"|\bpayudara\b( \w+){0,2} bengkak\b.*\b(merah|panas|demam|nyeri|sakit)\b"
            r"|\b(red|hot) breast\b"
        ),
    ),
    Rule(
        "bleeding",
        "ibu-perdarahan",
        _rx(
            r"\bperdarahan\b|\b(darah|gumpalan)\b( \w+){0,2} (banyak|deras|terus|keluar)\b|\bkeluar darah\b|\bpembalut penuh\b"
        ),
        _rx(r"\bputing\b|\bnipple\b"),
    ),
    Rule(
        "headache_vision",
        "tanda-bahaya-ibu",
        _rx(
            r"\b(sakit kepala|pusing)\b( \w+){0,2} (berat|hebat|parah|banget|sekali)\b"
            r"|\b(pandangan|penglihatan|mata)\b( \w+){0,1} kabur\b|\bkabur\b.*\bmata\b"
            r"|\bbengkak\b( \w+){0,2} (wajah|muka|tangan|kaki)\b|\b(wajah|muka|kaki|tangan)\b( \w+){0,1} bengkak\b"
            r"|\bnyeri dada\b|\bbetis\b|\bcairan\b( \w+){0,3} (bau|berbau)\b|\bnifas\b( \w+){0,2} (bau|berbau)\b"
            r"|\bsevere headache\b|\bchest pain\b"
        ),
    ),
    Rule(
        "mood",
        "ibu-depresi",
        _rx(
            r"\b(depresi|bunuh|menyakiti|ingin mati|pengen mati|mau mati|putus asa|tidak ingin hidup"
            r"|benci bayi|sedih terus|murung terus|harm)\b"
            r"|\b(ibu|saya|istri)\b( \w+){0,3} (menangis|sedih|murung) terus\b"
        ),
        _rx(r"\bbayi\b( \w+){0,2} menangis terus\b"),
    ),
)


@dataclass(frozen=True)
class RedFlag:
    """The danger signs a query names: rule names and the danger entries, most urgent first."""

    rules: tuple[str, ...]
    entries: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.rules)


def _one_edit(word: str, target: str) -> bool:
    if abs(len(word) - len(target)) > 1 or word == target:
        return False
    if len(word) == len(target):
        diffs = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        if len(diffs) == 2 and diffs[1] == diffs[0] + 1:  # swapped neighbours
            i = diffs[0]
            return word[i] == target[i + 1] and word[i + 1] == target[i]
        return len(diffs) == 1
    short, long_ = sorted((word, target), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@cache
def _known_words() -> frozenset[str]:
    """Every word of the Q&A base: a real word is never "corrected" into a danger word."""
    from laktasi.materials import content

    words: set[str] = set()
    for entry in content.qa_entries():
        for lang in ("id", "en"):
            for key in ("question", "answer", "seek_help"):
                words.update(search.normalize_query(entry[key][lang]).split())
        words.update(search.normalize_query(" ".join(entry.get("keywords_id", []))).split())
    return frozenset(words - set(_FUZZY_TARGETS))


def _canonical(token: str) -> str:
    token = re.sub(r"(.)\1{2,}", r"\1", token)  # "lemesss" -> "lemes"
    if len(token) > 3 and token.endswith("2") and token[:-1].isalpha():
        token = token[:-1]  # "muntah2" (reduplication) -> "muntah"
    token = DANGER_WORDS.get(token, token)
    if len(token) >= 5 and token.isalpha() and token not in _known_words():
        for target in _FUZZY_TARGETS:
            if _one_edit(token, target):
                return target
    return token


#: Most urgent first: the entry of the most urgent sign a query names is listed first.
PRIORITY = ("bayi-kejang-sesak", "ibu-perdarahan", "ibu-depresi", "bayi-tidak-mau-menyusu",
            "mastitis", "ibu-demam-nifas", "tanda-bahaya-ibu", "bayi-demam", "bayi-dehidrasi",
            "bayi-kuning", "bayi-muntah-diare", "tanda-bahaya-bayi", "bayi-berat-turun")  # fmt: skip


def normalize(query: str) -> str:
    """The query as the rules see it: :func:`search.normalize_query`, then danger words."""
    text = re.sub(r"\bstep by step\b", "langkah demi langkah", search.normalize_query(query))
    tokens = text.split()
    return " ".join(_canonical(t) for t in tokens)


def danger_signs(query: str) -> RedFlag:
    """Which danger signs ``query`` names (empty when none); see the module docstring."""
    text = normalize(query[:200])
    names: list[str] = []
    entries: list[str] = []
    for rule in RULES:
        if rule.when.search(text) and not (rule.unless and rule.unless.search(text)):
            names.append(rule.name)
            if rule.entry not in entries:
                entries.append(rule.entry)
    entries.sort(key=PRIORITY.index)
    return RedFlag(rules=tuple(names), entries=tuple(entries))
