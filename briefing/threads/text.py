"""Text features for the thread engine: tokens, stop words, light stemming, name folding.

Everything here is a pure function of its input string. Two token streams come out of a text:

* **words**: lowercase word tokens minus English/Russian/Georgian stop words, lightly stemmed
  (an S-stemmer for English, suffix strippers for Russian, Georgian and Armenian); numbers
  are kept (flight numbers, years and casualty counts are strong event cues and do not
  depend on the language).
* **names**: capitalised tokens (people, places, organisations, acronyms), *folded* to a
  script-independent key so that Алиев / Aliyev, Баку / Baku, Ереван / Yerevan and
  Карабах / Karabakh / Qarabağ give the same feature. Folding = Cyrillic->Latin
  transliteration, a handful of spelling equivalences (y/i, kh/h/g, dzh/j, doubled letters,
  i next to another vowel) and a trailing-vowel/case-ending strip, plus a short table of
  exonyms whose two spellings share nothing (Москва / Moscow).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import compress
from operator import itemgetter

# fmt: off
STOP_EN = frozenset("""
a about above after again against all almost also although am among an and another any are
around as at be became because become been before being below between both but by can cannot
could did do does doing done down during each either else even ever every few for from further
get gets got had has have having he her here hers herself him himself his how however i if in
into is it its itself just least less like made make many may me might more most much must my
myself neither no nor not now of off often on once one only or other others our ours ourselves
out over own per perhaps rather same says said say shall she should since so some such than
that the their theirs them themselves then there these they this those though through thus to
too under until up upon us very via was we were what whatever when where whether which while
who whom whose why will with within without would yet you your yours yourself yourselves
mr mrs ms s t don didn doesn isn wasn aren weren won wouldn couldn shouldn ll ve re d m
told according also new news report reports reported reuters ap afp update updated
""".split())

STOP_RU = frozenset("""
а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже для
до его ее её ей ему если есть еще ещё же за здесь и из или им их к как какой когда кто ли либо
между меня мне много может можно мы на над надо наш не него нее неё нет ни них но ну о об однако
он она они оно от очень по под при про с со так также такой там те тем то того тоже той только
том ты у уже хотя чего чей чем что чтобы чье чья эта эти это этого этой этом этот я
который которая которое которые которых котором которой также является были будет будут
сообщает сообщил сообщила сообщили заявил заявила заявили говорится отметил отметила
""".split())
# fmt: on

# Georgian function words (five of the shipped feeds write in Georgian)
STOP_KA = frozenset(
    """
და რომ არ ეს ამ იმ ის მის მას მათ მისი მათი იყო არის იქნება ან თუ რა კი მაგრამ უნდა ასევე
როგორც ერთი ერთ ყველა კიდევ უკვე ვერ მხოლოდ ძალიან თუმცა რადგან სადაც როცა როდესაც რის
რომლის რომელიც რომლებიც მიერ შესახებ შემდეგ წინ ამის ამას ამით ეს იგი ჩვენ თქვენ მე შენ
ისე აქ იქ ახლა დღეს წლის წელს უფრო ბევრი სხვა თავის თავად ხოლო აღნიშნა განაცხადა
""".split()
)

# Armenian function words and the verbs that report speech (the region's outlets write
# Armenian; both spellings of "and": և and եւ)
STOP_HY = frozenset(
    """
է և եւ են ու էր էին եմ ենք եք ես իր իրենց որ որը որի որն որոնք մի մեկ նաև նաեւ կամ այն այս
այդ նա նրա նրանք նրանց դա սա դրա սրա դրանք մեջ իսկ այլ հետ համար ավելի հետո կարող մինչև
մինչեւ էլ ինչպես շատ քանի միայն ոչ չի չեն վրա բոլոր երբ մասին կողմից պետք ըստ դեպի մոտ
միջև միջեւ եթե բայց քան արդեն դեռ այստեղ այնտեղ եղել լինել լինի կլինի ասել ասաց նշել նշեց
հայտարարել հայտարարեց
""".split()
)

STOP = STOP_EN | STOP_RU | STOP_KA | STOP_HY

# Capitalised words that are titles or generic institutions, not names: they would make
# every "President X" story look alike.
NAME_STOP = frozenset(
    """
president prime minister ministry foreign deputy general prosecutor office police court
state national government parliament republic agency spokesman spokeswoman chief head
north south east west central city region province county department house white senate
monday tuesday wednesday thursday friday saturday sunday january february march april may
june july august september october november december breaking live video photo photos watch
президент премьер министр министерство глава генеральный прокурор правительство парламент
понедельник вторник среда четверг пятница суббота воскресенье
""".split()
)

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d+(?:[.,]\d+)*", re.UNICODE)
_TOKEN_SPLIT = re.compile(rf"({_TOKEN.pattern})", re.UNICODE)
_CYR = re.compile(r"[\u0400-\u04ff]")
# Georgian letters: Mkhedruli (caseless), Mtavruli capitals and the old Asomtavruli
_KA = re.compile(r"[\u10a0-\u10ff\u1c90-\u1cbf]")
# Georgian -> Latin, the national romanisation (2002), ejectives folded into plain letters


def _letters(script: str, latin: str) -> dict[str, str]:
    """A transliteration table: each letter of `script` -> its word in `latin`."""
    return dict(zip(script, latin.split(), strict=True))


_KA_TRANSLIT = _letters(
    "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ",
    "a b g d e v z t i k l m n o p zh r s t u p k gh q sh ch ts dz ts ch kh j h",
)
# case endings and postpositions written onto a Georgian noun, longest first: თბილისში
# (in Tbilisi), კობახიძემ (Kobakhidze, ergative), ივანიშვილის (Ivanishvili's)
_KA_ENDINGS = sorted(
    "isatvis istvis isken idan itan ishi isa tvis ken dan tan shi ze mde ma is it ad s m i e".split(),
    key=len,
    reverse=True,
)
# Azerbaijani: its letters as English writes them (ə and q are read both ways, in az_name_key),
# its case endings and postpositions written onto names, longest first, and the names of the
# countries and cities around it that do not read as their English names
_AZ_LETTERS = str.maketrans({"ş": "sh", "ç": "ch", "x": "kh", "c": "j", "ğ": "gh", "ı": "i",
                             "ö": "o", "ü": "u"})  # fmt: skip
_AZ_ENDINGS = sorted(
    "ndakı ndəki dakı dəki nın nin nun nün dan dən ya yə da də la lə ın in un ün na nə a ə ı i u ü".split(),
    key=len,
    reverse=True,
)
_AZ_EXONYMS = {
    "azərbaycan": "azerbaijan", "ermənistan": "armenia", "gürcüstan": "georgia",
    "türkiyə": "turkey", "rusiya": "russia", "moskva": "moscow", "ukrayna": "ukraine",
    "qazaxıstan": "kazakhstan", "avropa": "europe", "bakı": "baku", "vaşinqton": "washington",
    "yekaterinburq": "yekaterinburg", "putin": "putin",
    # the places and people whose key is short (_SHORT_KEY): reached only from these forms
    "iran": "iran", "türk": "turkey", "rus": "russia", "gəncə": "ganja", "gümrü": "gyumri",
    "əliyev": "aliyev", "aliyev": "aliyev", "nato": "nato", "aktau": "aktau",
    "osetiya": "ossetia", "tramp": "trump", "abş": "usa", "rf": "russia",
}  # fmt: skip
# Armenian (Eastern) -> Latin; ու is u, ը (the schwa, mostly the article ending a name) is
# dropped, և is ev
_HY = re.compile(r"[\u0531-\u0556\u0561-\u0587]")
_HY_TRANSLIT = _letters(
    "աբգդեզէթժիլխծկհձղճմյնշոչպջռսվտրցփքօֆ",
    "a b g d e z e t zh i l kh ts k h dz gh ch m y n sh o ch p j r s v t r ts p k o f",
)
# endings (in Latin, after transliteration) Armenian writes onto a name, longest first: the
# case endings with the plural -ner/-er and the linking y after a vowel (Մոսկվայում, in
# Moscow)
_HY_ENDINGS = sorted(
    "nerin nerum nerits nerov neri ner eri er yum yits yov yin yi um its ov in i u n".split(),
    key=len,
    reverse=True,
)
# Armenian names of the countries and places around it that do not read as their English
# names, and the short ones (_SHORT_KEY), reached only from these forms (transliterated)
_HY_EXONYMS = {
    "adrbejan": "azerbaijan", "rusastan": "russia", "vrastan": "georgia", "turkia": "turkey",
    "moskva": "moscow", "evropa": "europe", "gharabagh": "karabakh", "iran": "iran",
    "baku": "baku", "bakv": "baku", "nato": "nato", "em": "eu", "hayastan": "armenia",
    "ukraina": "ukraine", "aliev": "aliyev", "gyumri": "gyumri", "gandzak": "ganja",
    "tramp": "trump", "amn": "usa", "hh": "armenia", "rd": "russia",
}  # fmt: skip
# Georgian names of the countries and capitals around it, as their English name keys fold
_KA_EXONYMS = {
    "sakartvelo": "georgia", "ruseti": "russia", "somkheti": "armenia",
    "azerbaijani": "azerbaijan", "turketi": "turkey", "moskovi": "moscow", "bako": "baku",
    "erevani": "yerevan", "ukraina": "ukraine", "irani": "iran", "evrokavshiri": "eu",
    "ashsh": "usa", "nato": "nato", "putini": "putin", "alievi": "aliyev",
    "sputniki": "sputnik", "ekaterinburgi": "yekaterinburg", "grozni": "grozny",
    "rusi": "russia", "turki": "turkey", "oseti": "ossetia", "ganja": "ganja",
    "giumri": "gyumri", "aktau": "aktau", "trampi": "trump", "tramp": "trump",
    # stems an ending changes: ერევნის (of Yerevan), აჭარის (of Adjara), ევროპის, კავკასიის
    "erevni": "yerevan", "achara": "adjara", "achari": "adjara", "evropa": "europe",
    "evropi": "europe", "kavkasia": "caucasus", "kavkasii": "caucasus",
}  # fmt: skip
# A known key this short (nat NATO, bak Baku, rus, iran, azal AZAL, ganj Ganja) is reached
# from a Georgian or Azerbaijani word only through the exonyms above: folded, too many plain
# words reach one (ნათია the name Natia and ბაიკი "bike" read NATO and Baku, აზალია "azalea"
# AZAL, Gənc "young" and Gənclər "youth" Ganja, Qumru Gyumri)
_SHORT_KEY = 4
_SENT_END = re.compile(r"[.!?:;\"“”«»\n\u0589]\s*$")  # \u0589: Armenian full stop

_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    # Azerbaijani / Kazakh / Ukrainian Cyrillic letters that show up in regional feeds
    "ә": "a", "ғ": "g", "ҝ": "g", "һ": "h", "ө": "o", "ү": "u", "ұ": "u", "қ": "k", "ң": "n",
    "ј": "y", "і": "i", "ї": "i", "є": "e", "ґ": "g",
}  # fmt: skip

# Exonyms: names whose English and Russian spellings do not fold together phonetically.
# Keys are folded Russian forms (after _fold_latin), values the folded English form.
_EXONYMS_RAW = {
    "москва": "moscow", "россия": "russia", "российский": "russia", "грузия": "georgia",
    "турция": "turkey", "украина": "ukraine", "кремль": "kremlin", "сша": "usa",
    "германия": "germany", "франция": "france", "китай": "china", "иран": "iran", "рф": "russia",
    "европа": "europe", "евросоюз": "eu", "ес": "eu", "оон": "un", "нато": "nato",
    "путин": "putin", "аэрофлот": "aeroflot", "азал": "azal", "казахстан": "kazakhstan",
    "актау": "aktau", "российск": "russia", "грозный": "grozny", "чечня": "chechnya", "израиль": "israel",
    "вашингтон": "washington", "лондон": "london", "брюссель": "brussels",
    # people in the region's news whose Russian spelling reads otherwise (Трамп is "tramp")
    "трамп": "trump", "байден": "biden", "макрон": "macron", "уиткофф": "witkoff",
    "уиткоф": "witkoff", "вэнс": "vance", "картавых": "kartavykh",
}  # fmt: skip

# English adjectives of nationality -> the country, so "Russian strike" matches "Russia".
_DEMONYMS = {
    "russian": "russia", "russians": "russia", "azerbaijani": "azerbaijan",
    "azerbaijanis": "azerbaijan", "georgian": "georgia", "georgians": "georgia",
    "armenian": "armenia", "armenians": "armenia", "turkish": "turkey", "ukrainian": "ukraine",
    "iranian": "iran", "chechen": "chechnya", "european": "europe", "soviet": "ussr",
}  # fmt: skip

_VOWELS = "aeiou"
_RU_ENDINGS = sorted(
    """ого его ому ему ыми ими ами ями ых их ой ей ом ем ам ям ах ях ую юю ая яя ое ее ые ие
    ый ий ым им ов ев ью а я у ю е ы и о ь й""".split(),
    key=len,
    reverse=True,
)
_RU_TWO_LETTER_ENDINGS = tuple(end for end in _RU_ENDINGS if len(end) == 2)
_RU_ADJ_ENDINGS = frozenset(
    "ого его ому ему ыми ими ых их ым им ой ей ую юю ая яя ое ее ые ие ый ий".split()
)


def is_georgian(text: str) -> bool:
    """Whether `text` has Georgian letters at all (the cheap test)."""
    return _KA.search(text) is not None


def _mostly(script: re.Pattern[str], text: str) -> bool:
    """Whether at least half of the letters of `text` are of `script`."""
    n = len(script.findall(text))
    return n > 0 and 2 * n >= sum(1 for c in text if c.isalpha())


def mostly_georgian(text: str) -> bool:
    """Whether most of the letters of `text` are Georgian (its language, for the engine)."""
    return _mostly(_KA, text)


def _stems(word: str, endings: Sequence[str]) -> list[str]:
    """`word`, then `word` without each of `endings` (longest first) it ends with, keeping
    at least 3 letters: the forms a name may stand under in a language that writes case
    endings onto it."""
    return [word] + [
        word[: -len(end)] for end in endings if word.endswith(end) and len(word) - len(end) >= 3
    ]


@lru_cache(maxsize=200_000)
def georgian_name_key(token: str) -> str | None:
    """The name key of a Georgian word that names a known place or person (the region
    gazetteer's names and the countries around Georgia), or is a surname in -შვილი or -ძე
    after a vowel (`_georgian_surname_key`), whatever ending it carries; None for any other
    word (Georgian has no capitals: `georgian_names` also finds a surname after a given
    name)."""
    low = token.lower()
    if low in STOP_KA or not _KA.match(low):
        return None
    # (lower() has made Mtavruli capitals the Mkhedruli letters they are)
    lat = _ka_latin(low)
    # ფ writes a foreign f as well as p: ფაშინიანი (Pashinyan), საფაროვი (Safarov)
    variants = (lat, "".join("f" if ch == "ფ" else _KA_TRANSLIT.get(ch, ch) for ch in low))
    known = _known_name_keys()
    spelled = _georgian_spellings()
    stems: list[str] = []
    for lat in variants[: 1 if "ფ" not in low else 2]:
        found = _stems(lat, _KA_ENDINGS)
        # the plural -eb- sits before the ending: საფაროვების (of the Safarovs)
        found.extend(st[:-2] for st in found[1:] if st.endswith("eb") and len(st) >= 5)
        stems.extend(found)
    for stem in stems:
        for cand in (stem, stem + "i", stem + "e"):
            ex = _KA_EXONYMS.get(cand)
            if ex:
                key = name_key(ex)
                if key and key in known:
                    return key
                continue
            # the Georgian alphabet writes every vowel, so a Georgian word is compared with
            # the names folded without dropping a gliding 'i': ფაშინიანი meets Pashinyan,
            # while ერევიან ("they interfere") no longer reads as Yerevan
            key = spelled.get(_fold_latin(cand, glide=False))
            if key and len(key) > _SHORT_KEY:
                return key
    return _georgian_surname_key(low)


# Georgian given names, as written before a surname (where they take no case ending): the
# word after one is a surname, whatever its form (მზია ამაღლობელი, Mzia Amaghlobeli; ელენე
# ხოშტარია, Elene Khoshtaria), which the -შვილი/-ძე rule does not reach. Not ნატო: the name
# Nato is also NATO.
_KA_GIVEN_NAMES = frozenset(
    """გიორგი დავით დავითი დათო ნიკა ნიკოლოზ ლევან ლევანი ირაკლი ზურაბ ზურაბი ალექსანდრე
    ალეკო მიხეილ მიშა დიმიტრი ლაშა გოგა გოგი პაატა მურთაზ მურთაზი ბიძინა შალვა კახა კახაბერ
    ვახტანგ თორნიკე ნოდარ გელა ზვიად ედუარდ ილია ოთარ თემურ თეიმურაზ გურამ ვახო მამუკა ბესიკ
    ბექა სანდრო ლუკა გიგა ლადო რევაზ რეზო ტარიელ ავთანდილ ჯაბა ზაზა ვლადიმერ გრიგოლ აკაკი
    არჩილ ბადრი ბაჩო ბაკურ გივი გია გოჩა ერეკლე ვასილ ზაალ თამაზ თენგიზ იაგო იოსებ კობა
    კონსტანტინე მალხაზ მერაბ ომარ პავლე რამაზ როინ რომან სერგო შოთა ცოტნე ხვიჩა ჯემალ ელგუჯა
    ანზორ გედევან ანრი ნიკოლა ალექსი გოდერძი ვაჟა ლაური თეიმურ ნინო თამარ თამარი მარიამ ანა
    სალომე მზია ნათია ქეთევან ქეთი ეკატერინე ეკა ელენე თეა მაია ლელა ხათუნა მანანა ირინა ლიკა
    ელისო თინათინ თიკო ნინა სოფო სოფიო ნუცა ლალი ლია მაკა მარინა ნესტან თეონა ხატია
    ეთერ ციალა რუსუდან ლიანა ნათელა დარეჯან ლუიზა ნონა ანანო ბაია მედეა ნანა თაკო""".split()
)


def georgian_names(tokens: Sequence[str], gaps: Sequence[str] | None = None) -> list[str | None]:
    """`georgian_name_key` of each token of a Georgian text, and a surname the engine does
    not know when a given name stands before it: that surname then counts in every form in
    the text (მზია ამაღლობელი ... ამაღლობელის, "Amaghlobeli's"). Its key is its stem's
    (one ending off), folded as English and Russian spell the name: Amaghlobeli,
    Амаглобели. `gaps[i]` is the text between token i-1 and token i: a given name pairs
    with no word across a sentence's end (". ", "! ", a line break)."""
    keys = [georgian_name_key(t) for t in tokens]
    found: set[str] = set()
    lows = [t.lower() for t in tokens]
    for at in range(len(lows) - 1):
        low = lows[at + 1]
        if gaps is not None and _SENTENCE_GAP.search(gaps[at + 1]):
            continue
        if lows[at] in _KA_GIVEN_NAMES and keys[at + 1] is None and _surname_like(low):
            key = _georgian_stem_key(low)
            if len(key) > _SHORT_KEY:  # (ციხეში "in prison" after a name: cig)
                found.add(key)
    if found:
        for at, low in enumerate(lows):
            if keys[at] is None and _KA.match(low) and (key := _georgian_stem_key(low)) in found:
                keys[at] = key
    return keys


def _ka_latin(low: str) -> str:
    """A lowercased Georgian word in Latin letters (`_KA_TRANSLIT`)."""
    return "".join(_KA_TRANSLIT.get(ch, ch) for ch in low)


_SENTENCE_GAP = re.compile(r"[.!?։:;\n]")


def _surname_like(low: str) -> bool:
    """A Georgian word that may be a surname: not a stop word nor a given name, long enough."""
    return (
        len(low) >= 4 and _KA.match(low) is not None and low not in STOP_KA
        and low not in _KA_GIVEN_NAMES
    )  # fmt: skip


@lru_cache(maxsize=50_000)
def _georgian_stem_key(low: str) -> str:
    """A Georgian word's Latin letters without one ending (the longest that leaves three
    letters), folded as a name: ამაღლობელი, ამაღლობელის, ამაღლობელმა -> amaglobel."""
    lat = _ka_latin(low)
    stems = _stems(lat, _KA_ENDINGS)
    return _fold_latin(stems[1] if len(stems) > 1 else lat)


# a Georgian surname: -შვილი or -ძე after a vowel (most of them: კობახიძე Kobakhidze,
# ბურჭულაძე Burchuladze, ივანიშვილი Ivanishvili), under a case ending or postposition
# (-ძე drops its -ე before -ის: კობახიძის; a postposition stands on the dative's -ს:
# ჯაფარიძესთან, with Japaridze). Read on the Georgian letters: in Latin, ედ + ზე (განედზე,
# "on the latitude") would end in -dze too.
_KA_SURNAME = re.compile(
    r"(?P<head>[\u10d0-\u10ff]{3,}[აეიოუ])(?:(?P<shvili>შვილ)(?:ი|ის|ისა|ით|ად|მა|ს|სა)?"
    r"|(?P<dze>ძ)(?:ე|ემ|ეს|ესა|ედ|ის|ისა|ით))"
    r"(?:თვის|თან|ზე|გან|კენ|დან|ში|მდე)?"
)
# kinship words built like a surname: daughter, son, grandchild, godchild
_KA_NOT_SURNAME_HEADS = frozenset("ქალი ვაჟი შვილი ნათლი".split())


def _georgian_surname_key(low: str) -> str | None:
    """The key of a surname in -შვილი or -ძე after a vowel, known or not, under any ending:
    its nominative folded as English and Russian spell it (ბურჭულაძემ, Burchuladze, Бурчуладзе
    meet). At least three letters come before that vowel: რძე (milk), სიძე (son-in-law) and
    ინაძე are words or too short to tell; a consonant before the ending is a word (სიგრძე
    length, დისშვილი nephew), and so are ქალიშვილი (daughter) and შვილიშვილი (grandchild)."""
    match = _KA_SURNAME.fullmatch(low)
    if match is None or match["head"] in _KA_NOT_SURNAME_HEADS:
        return None
    nominative = match["head"] + ("შვილი" if match["shvili"] else "ძე")
    return _fold_latin(_ka_latin(nominative))


@lru_cache(maxsize=1)
def _georgian_spellings() -> dict[str, str]:
    """The Latin and Russian names the engine knows (gazetteer, backdrop, exonyms), folded as
    a Georgian word is (`_fold_latin` without the glide rule; Russian transliterated first),
    -> their name key. The Russian ones count: the gazetteer spells some people only in
    Russian as Georgian does (Зурабишвили / ზურაბიშვილი; its Latin is the French
    Zourabichvili)."""
    from briefing.fetch.region import shipped_names

    names = [n.rstrip("*") for n in shipped_names() if " " not in n]
    words = [n for n in names if n.isascii()]
    words += [w for w in _BACKDROP.split() if w.isascii()]
    words += list(_KA_EXONYMS.values())
    russian = [n for n in (*names, *_BACKDROP.split()) if _CYR.search(n)]
    out: dict[str, str] = {}
    for word in words:
        key = _plain_name_key(word)
        low = _strip_accents(word.lower())
        if key:
            out.setdefault(_fold_latin(_DEMONYMS.get(low, low), glide=False), key)
    for word in russian:
        key = _plain_name_key(word)
        if key:
            lat = "".join(_TRANSLIT.get(ch, ch) for ch in word.lower())
            out.setdefault(_fold_latin(lat, glide=False), key)
    return out


@lru_cache(maxsize=1)
def _known_name_keys() -> frozenset[str]:
    """The names the engine knows: the region gazetteer's, the backdrop countries and
    capitals, and the exonyms' targets (Yekaterinburg, Sputnik, Putin). They count as names
    even at the start of a sentence, where a capital says nothing."""
    targets = (*_KA_EXONYMS.values(), *_AZ_EXONYMS.values(), *_HY_EXONYMS.values())
    exonyms = frozenset(k for k in map(_plain_name_key, targets) if k)
    return region_name_keys() | backdrop_name_keys() | exonyms


def mostly_armenian(text: str) -> bool:
    """Whether most of the letters of `text` are Armenian (its language, for the engine)."""
    return _mostly(_HY, text)


def _hy_latin(low: str) -> str:
    """A lowercased Armenian word in Latin letters. և is also written եւ (Երեւան, Ալիեւ: the
    older spelling, still used by many outlets), and ւ standing alone is a v (Եւրոպա)."""
    low = low.replace("ու", "u").replace("և", "ev").replace("եւ", "ev").replace("ւ", "v")
    return "".join(_HY_TRANSLIT.get(ch, ch) for ch in low.replace("ը", ""))


def armenian_name_key(low: str) -> str | None:
    """`name_key` of a capitalised Armenian word (`low`: lowercased). Armenian writes case
    endings and the article onto names (Երևանում "in Yerevan", Ադրբեջանի "of Azerbaijan",
    Փաշինյանը "Pashinyan"): a known place or person is found under them, and so is a
    surname in -յան (-yan, most Armenian surnames); any other name is transliterated as it
    stands (Կարապետյան, Karapetyan), so it meets its English and Russian spellings."""
    lat = _hy_latin(low)
    known = _known_name_keys()
    for stem in _stems(lat, _HY_ENDINGS):
        ex = _HY_EXONYMS.get(stem)
        if ex:
            return name_key(ex)
        key = _fold_latin(stem)
        if (key in known and len(key) > _SHORT_KEY) or stem.endswith("yan"):
            return key
    whole = _fold_latin(lat)
    return whole if len(whole) > 1 else None


def is_azerbaijani(text: str) -> bool:
    """Whether `text` has the letter schwa, which only Azerbaijani among Latin scripts uses."""
    return "ə" in text or "Ə" in text


@lru_cache(maxsize=200_000)
def az_name_key(token: str) -> str | None:
    """`name_key` for a capitalised word of an Azerbaijani text. Azerbaijani writes its
    case endings onto names (Bakıda "in Baku", Rusiyanın "Russia's", Paşinyanla "with
    Pashinyan"), so a known place or person is found under its endings, its letters read as
    English spells them (ş sh, c j, x kh, q g or k, ə a or e); any other word is
    `name_key`'s."""
    low = token.replace("İ", "I").lower()
    if low in STOP or low in NAME_STOP:
        return None
    known = _known_name_keys()
    stems = _stems(low, _AZ_ENDINGS)
    # the plural -lar/-lər sits before the ending: Səfərovların (of the Safarovs)
    stems.extend(st[:-3] for st in list(stems) if st.endswith(("lar", "lər")) and len(st) >= 6)
    for stem in stems:
        ex = _AZ_EXONYMS.get(stem)
        if ex:
            return name_key(ex)
        base = stem.translate(_AZ_LETTERS)
        for a in ("a", "e") if "ə" in base else ("",):
            for q in ("g", "k") if "q" in base else ("",):
                key = name_key(base.replace("ə", a).replace("q", q) if a or q else base)
                if key and key in known and len(key) > _SHORT_KEY:
                    return key
    return name_key(token)


def is_cyrillic(text: str) -> bool:
    """True when a text is mostly Cyrillic (used when an item has no language tag)."""
    return _mostly(_CYR, text[:400])


def _strip_accents(word: str) -> str:
    if word.isascii():
        return word
    out = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch):
            continue
        out.append(ch)
    return "".join(out).replace("ı", "i").replace("ə", "a").replace("ğ", "g")


def stem_ru(word: str) -> str:
    """Strip one Russian inflectional ending, keeping a stem of at least 3 letters."""
    for end in _RU_ENDINGS:
        if word.endswith(end) and len(word) - len(end) >= 3:
            return word[: -len(end)]
    return word


# Georgian noun endings, longest first: a postposition written onto the word (-ში in, -ზე
# on, -თან at, -დან from, -თვის for ...; a stem of two letters kept) or a case ending with the
# plural -ებ- (-ის, -ით, -მა, -ად, -ს ...; three letters kept), and the stem's last vowel,
# which the nominative adds and the genitive drops (სასახლე palace, სასახლის, სასახლესთან:
# სასახლ)
_KA_POSTPOSITIONS = sorted(
    "ისთვის სთვის თვის ისგან გან იდან დან სთან თან ისკენ სკენ კენ ამდე მდე ვით ში ზე".split(),
    key=len,
    reverse=True,
)
_KA_CASES = sorted(
    "ებისა ების ებით ებმა ებს ები ებ ისა ის ით ად მა ს მ".split(), key=len, reverse=True
)


def stem_ka(word: str) -> str:
    """A light Georgian stemmer (postposition, case and plural, final vowel): the forms of
    one noun meet (პრეზიდენტის / პრეზიდენტი, აქციაზე / აქცია)."""
    for end in _KA_POSTPOSITIONS:
        # (a stem of two letters too: ომში, "in the war", is ომ-ში; a case ending needs three)
        if word.endswith(end) and len(word) - len(end) >= 2:
            if end[0] == "ი":
                # the genitive's -ი- went with it, and the stem's vowel before it (აქციისთვის
                # -> აქცი, as აქციის; not აქც, which also took მისიიდან to მისთვის' მის)
                return word[: -len(end)]
            return _ka_vowel(word[: -len(end)])  # აქციაზე -> აქცია -> აქცი
    for end in _KA_CASES:
        if word.endswith(end) and len(word) - len(end) >= 3:
            # -ს and -მ follow a stem's vowel (პოლიციამ, პოლიციას), -ის replaces it (აქციის)
            return _ka_vowel(word[:-1]) if len(end) == 1 else word[: -len(end)]
    return _ka_vowel(word)


def _ka_vowel(word: str) -> str:
    return word[:-1] if len(word) >= 3 and word[-1] in "აეიოუ" else word


# Armenian noun endings: the plural (-ներ/-եր) with a case or the article after it, a case
# (-ից from, -ում in, -ով with, -ի of), the article (-ը, -ն)
_HY_ENDINGS_STEM = sorted(
    """ներին ներից ներում ներով ների ները ներն ներ երին երից երում երով երի երը երն եր ից ում
    ով ին ու ի ը ն""".split(),
    key=len,
    reverse=True,
)
# -ություն's forms (with its case, plural or article) are brought back to -ություն, not
# cut off: պետություն (state) is not պետ (chief), nor իշխանություն (the authorities) իշխան
_HY_UTYUN = sorted(
    """ություններից ություններում ություններով ությունների ությունները ություններ ությունից
    ությունում ությունով ությունը ությունն ությանը ության ությամբ ություն""".split(),
    key=len,
    reverse=True,
)
_HY_VOWELS = frozenset("աեէըիոօւ")


def stem_hy(word: str) -> str:
    """A light Armenian stemmer: one ending off (plural with its case or article, a case,
    the article), a stem of at least three letters kept: the forms of one noun meet
    (կառավարությունը / կառավարության, եկեղեցին / եկեղեցու / եկեղեցում). A final -ն is the
    article only after a consonant (քաղաքն, Հայաստանն): after a vowel it is the noun's own
    (Հայաստան, Երևան, դատարան, which meet Հայաստանի, Երևանում, դատարանի)."""
    for end in _HY_UTYUN:
        if word.endswith(end) and len(word) > len(end):
            return word[: -len(end)] + "ություն"
    for end in _HY_ENDINGS_STEM:
        if word.endswith(end) and len(word) - len(end) >= 3:
            if end == "ն" and word[-2] in _HY_VOWELS:
                continue
            return word[: -len(end)]
    return word


def stem_en(word: str) -> str:
    """Harman's S-stemmer plus a possessive strip: conservative, never merges events."""
    if word.endswith("'s") or word.endswith("’s"):
        word = word[:-2]
    n = len(word)
    if n > 4 and word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if n > 4 and word.endswith("ies") and word[-4] not in "ae":
        return word[:-3] + "y"
    if n > 3 and word.endswith("es") and word[-3] not in "aeo":
        return word[:-1]
    if n > 3 and word.endswith("s") and word[-2] not in "us":
        return word[:-1]
    return word


@lru_cache(maxsize=200_000)
def word_key(token: str) -> str | None:
    """Lowercase, stop-word filtered, stemmed feature for a word token (None = drop)."""
    low = token.lower()
    if low in STOP or len(low) < 2:
        return None
    if _CYR.search(low):
        return stem_ru(low)
    if low[0].isdigit():
        return low
    if "\u10d0" <= low[0] <= "\u10ff":
        return stem_ka(low)
    if "\u0561" <= low[0] <= "\u0587":
        return stem_hy(low)
    return stem_en(_strip_accents(low))


def _fold_latin(word: str, glide: bool = True) -> str:
    w = word.replace("dzh", "j").replace("dj", "j").replace("kh", "h").replace("x", "ks")
    w = w.replace("q", "k").replace("w", "v").replace("ph", "f").replace("ts", "c")
    w = w.replace("y", "i").replace("h", "g")
    # collapse doubled letters (Ziyaddin -> ziyadin), then drop an 'i' gliding into a vowel
    out: list[str] = []
    for ch in w:
        if out and out[-1] == ch:
            continue
        out.append(ch)
    w = "".join(out)
    if glide:
        w = re.sub(r"i(?=[aeou])|(?<=[aeou])i", "", w)
    # trailing vowel = case ending (Азербайджана, Баку/Bak-) or Latin -a/-ia/-e variants
    if len(w) > 3 and w[-1] in _VOWELS:
        w = w[:-1]
    return w


@lru_cache(maxsize=200_000)
def name_key(token: str) -> str | None:
    """Script-independent key for a capitalised token (None = not a usable name)."""
    return _name_key(token, True)


def _plain_name_key(token: str) -> str | None:
    """`name_key` without the look-ups in the known names, which are built with it."""
    return _name_key(token, False)


def _name_key(token: str, known: bool) -> str | None:
    low = token.lower()
    if low in STOP or low in NAME_STOP or len(low) < 2 or low[0].isdigit():
        return None
    if _KA.match(low):
        # Georgian capitals (Mtavruli, a headline or body in capitals) say nothing about
        # names: Georgian text gets its names from georgian_name_key, capitals or not
        return None
    if _HY.match(low):
        if known:
            return armenian_name_key(low)
        return _fold_latin(_hy_latin(low)) or None
    if _CYR.search(low):
        stem = cut = low
        for end in _RU_ENDINGS:
            if low.endswith(end) and len(low) - len(end) >= 3:
                # adjective endings (российского) and one-letter case endings (Алиева, Баку);
                # not -ов/-ев, which belong to surnames (Сафаров)
                cut = low[: -len(end)]
                if end in _RU_ADJ_ENDINGS or len(end) == 1:
                    stem = cut
                break
        # (an exonym under any ending: Трампом, with Trump)
        for cand in (low, stem, stem + "а", stem + "я", cut):
            ex = _EXONYMS_RAW.get(cand)
            if ex is not None:
                return _fold_latin(ex)
        key = _fold_latin("".join(_TRANSLIT.get(ch, ch) for ch in stem))
        # a noun ending of two letters (Пашиняном, Карабахом: instrumental) is taken off
        # when what is left is a known name, never otherwise (Сафаров keeps its -ов)
        if (
            known
            and stem == low
            and len(low) >= 5
            and low.endswith(_RU_TWO_LETTER_ENDINGS)
            and key not in _known_name_keys()
        ):
            cut = _fold_latin("".join(_TRANSLIT.get(ch, ch) for ch in low[:-2]))
            if len(cut) > _SHORT_KEY and cut in _known_name_keys():
                return cut
        return key
    low = _strip_accents(low)
    if low.endswith("'s") or low.endswith("’s"):
        low = low[:-2]
    low = _DEMONYMS.get(low, low)
    return _fold_latin(low)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def is_title_case(title: str) -> bool:
    """Headline style where every word is capitalised: capitals then say nothing about names."""
    words = [w for w in _TOKEN.findall(title) if w[0].isalpha() and len(w) > 3]
    if len(words) < 3:
        return False
    caps = sum(1 for w in words if w[0].isupper())
    return caps >= 0.75 * len(words)


def name_tokens(text: str, *, numbers: bool = False, bigrams: bool = False) -> list[str]:
    """Capitalised tokens folded to name keys (plus, optionally, numbers and name pairs).

    A capitalised word at the start of a sentence counts only when the same key also occurs
    capitalised mid-sentence ("Relations between..." is not a name, "Baku - ... in Baku" is).
    `numbers` adds multi-digit numbers ("#8243", "#2008": flight numbers, years, tolls);
    `bigrams` adds adjacent name pairs ("lindsay_logan") which tell two people apart who share
    a first or last name.
    """
    if numbers or bigrams:
        return _name_tokens_full(text, numbers=numbers, bigrams=bigrams)
    return names_from_parts(token_parts(text))


def token_parts(text: str) -> list[str]:
    """[gap, token, gap, token, ..., gap]: `tokens(text)` is `token_parts(text)[1::2]`."""
    return _TOKEN_SPLIT.split(text)


@lru_cache(maxsize=1)
def region_name_keys() -> frozenset[str]:
    """Name keys of the one-word entries of the region gazetteer (briefing/fetch/
    gazetteer.txt: Armenia, Баку, Aliyev, ...): known names (`_known_name_keys`), so they
    count as names even at the start of a sentence, where a capital says nothing ("Armenia
    and Azerbaijan initial ..." / "Армения и Азербайджан парафировали ...")."""
    from briefing.fetch.region import shipped_names

    words = (n.rstrip("*") for n in shipped_names() if " " not in n)
    return frozenset(k for k in map(_plain_name_key, words) if k)


_BACKDROP = (
    "Azerbaijan Armenia Georgia Russia Turkey Iran Baku Yerevan Tbilisi Moscow Caucasus"
    " Азербайджан Армения Грузия Россия Турция Иран Баку Ереван Тбилиси Москва Кавказ"
)


@lru_cache(maxsize=1)
def backdrop_name_keys() -> frozenset[str]:
    """Name keys of the countries and capitals most stories of this region mention (the
    backdrop): sharing one of them says little about sharing an event."""
    return frozenset(k for k in map(_plain_name_key, _BACKDROP.split()) if k)


def names_from_parts(parts: list[str], key_of: Callable[[str], str | None] = name_key) -> list[str]:
    """`name_tokens(text)` (no numbers, no pairs) from `token_parts(text)`.

    All loops in C but one over the capitalised tokens; the gap before each token tells
    whether it starts a sentence."""
    toks = parts[1::2]
    mid: list[str] = []
    initial: list[str] = []
    for i in compress(range(len(toks)), map(str.isupper, map(itemgetter(0), toks))):
        key = key_of(toks[i])
        if key:
            gap = parts[2 * i]
            # the gap before the token ends a sentence (the two characters of the previous
            # token that the full path also looks at can never match _SENT_END)
            if (i == 0 and not gap) or _SENT_END.search(gap):
                initial.append(key)
            else:
                mid.append(key)
    if initial:
        seen = set(mid)
        known = _known_name_keys()
        mid.extend(k for k in initial if k in seen or k in known)
    return mid


def _name_tokens_full(text: str, *, numbers: bool, bigrams: bool) -> list[str]:
    mid: list[str] = []
    initial: list[str] = []
    pairs: list[str] = []
    prev_end = 0
    prev_key = None
    for m in _TOKEN.finditer(text):
        tok = m.group()
        start = m.start()
        gap = text[max(0, prev_end - 2) : start]
        sentence_start = start == 0 or bool(_SENT_END.search(gap))
        adjacent = start - prev_end <= 1
        prev_end = m.end()
        if tok[0].isdigit():
            if numbers and len(tok) >= 2:
                mid.append("#" + tok.replace(",", ""))
            prev_key = None
            continue
        if not tok[0].isupper():
            prev_key = None
            continue
        key = name_key(tok)
        if key:
            (initial if sentence_start else mid).append(key)
            if bigrams and prev_key and adjacent:
                pairs.append(prev_key + "_" + key)
        prev_key = key
    if initial:
        seen = set(mid)
        known = _known_name_keys()
        mid.extend(k for k in initial if k in seen or k in known)
    mid.extend(pairs)
    return mid
