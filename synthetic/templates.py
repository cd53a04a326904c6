"""Text that looks like reuse and is not: wire templates and site furniture.

A wire service files the same kind of report every week ("Thailand exported
56,652 tonnes of rice in the week ended April 7, the Commerce Ministry said"),
and scraped pages carry the same syndication notes, newsletter banners and
press-release footers under unrelated stories. Both share many words and no
story, so the generators use them as negatives the verdict must learn to
leave alone.

>>> import random
>>> a, b = template_pair("commodity", random.Random(1))
>>> numbers(a).isdisjoint(numbers(b))
True
"""
from __future__ import annotations

import random
import re

# -- Wire templates from a small grammar ------------------------------------------------------

COUNTRIES = ("Thailand", "Vietnam", "India", "Pakistan", "Brazil", "Argentina", "Australia", "Canada",
             "Indonesia", "Malaysia", "Egypt", "Nigeria", "Kenya", "Ukraine", "Poland", "Chile")
COMMODITIES = ("rice", "sugar", "wheat", "maize", "coffee", "cocoa", "palm oil", "rubber", "soybeans")
MINISTRIES = ("Commerce Ministry", "Agriculture Ministry", "Trade Ministry", "Export Promotion Board")
CITIES = ("London", "Frankfurt", "Luxembourg", "Zurich", "Tokyo", "Singapore", "Hong Kong", "New York", "Paris")
FIRST = ("Anna", "David", "Maria", "Kenji", "Fatima", "Lars", "Priya", "Carlos", "Helen", "Tomas", "Grace", "Omar")
LAST = ("Keller", "Moreau", "Tanaka", "Okafor", "Lindqvist", "Rossi", "Novak", "Haddad", "Brennan", "Silva")
_STEMS = ("Nor", "Alt", "Vex", "Cor", "Lum", "Sten", "Bryn", "Tal", "Orb", "Kest", "Mar", "Quin", "Dal", "Fen")
_TAILS = ("ex", "eria", "ion", "ara", "ford", "tek", "well", "ico", "ant", "ova")
_FORMS = ("Holdings", "Corp", "Group", "Industries", "Resources", "Bank", "Energy", "Systems", "plc", "AG")
BANKS = ("Deutsche Bank", "Barclays", "BNP Paribas", "Nomura", "UBS", "Goldman Sachs", "HSBC", "Societe Generale")
CURRENCIES = ("dollar", "euro", "yen", "Swiss franc", "Australian dollar", "sterling")
CENTRAL = ("Reserve Bank of Australia", "Bank of Canada", "Central Bank of Chile", "Bank of Thailand",
           "National Bank of Poland", "Central Bank of Egypt", "Bank of Korea", "Reserve Bank of India")
REGIONS = ("the Midwest", "New South Wales", "Punjab", "the Mekong Delta", "Parana", "the Rift Valley",
           "Western Cape", "Queensland", "Andalusia", "Saskatchewan")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def company(rng: random.Random) -> str:
    return f"{rng.choice(_STEMS)}{rng.choice(_TAILS)} {rng.choice(_FORMS)}"


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _int(lo: int, hi: int):
    return lambda rng: f"{rng.randint(lo, hi):,}"


def _dec(lo: float, hi: float, places: int = 2):
    return lambda rng: f"{rng.uniform(lo, hi):.{places}f}"


def _date(rng: random.Random) -> str:
    return f"{rng.choice(MONTHS)} {rng.randint(1, 28)}"


def _pick(options):
    return lambda rng: rng.choice(options)


# Values one report draws once and reuses in every frame that names them.
SLOTS = {
    "country": _pick(COUNTRIES), "country2": _pick(COUNTRIES), "country3": _pick(COUNTRIES),
    "commodity": _pick(COMMODITIES), "ministry": _pick(MINISTRIES), "city": _pick(CITIES),
    "company": company, "target": company, "bank": _pick(BANKS), "central": _pick(CENTRAL),
    "currency": _pick(CURRENCIES), "region": _pick(REGIONS), "region2": _pick(REGIONS),
    "name": person, "date": _date, "date2": _date, "weekday": _pick(WEEKDAYS), "month": _pick(MONTHS),
    "year": lambda rng: str(rng.randint(2025, 2049)), "tonnes": _int(10_000, 99_999), "tonnes2": _int(10_000, 99_999),
    "tonnes3": _int(10_000, 99_999), "total": _int(1_000_000, 9_999_999), "total2": _int(1_000_000, 9_999_999),
    "price": _dec(100, 999), "price2": _dec(100, 999), "amount": _int(100, 9_999), "amount2": _int(100, 9_999),
    "amount3": _int(10_000, 99_999), "amount4": _int(100, 9_999), "coupon": _dec(1, 9, 3), "fee": _dec(1, 3, 3),
    "fee2": _dec(0.1, 0.9, 3), "denom": _int(1_000, 99_000), "pct": _dec(1, 60, 1), "pct2": _dec(1, 60, 1),
    "pct3": _dec(1, 60, 1), "eps": _dec(0.1, 9.9), "eps2": _dec(0.1, 9.9), "lo": _int(10_000, 49_999),
    "hi": _int(50_000, 99_999), "rate": _dec(0.25, 14.75), "rate2": _dec(0.25, 14.75), "infl": _dec(0.5, 19.5, 1),
    "goal": _dec(1, 4.5, 1), "t1": _int(-15, 14), "t2": _int(15, 45), "area": _int(100_000, 999_999),
    "area2": _int(100_000, 999_999), "days": _int(3, 30), "rank": _pick(("second", "third", "fourth", "fifth")),
    "up": _pick(("rose", "fell", "climbed", "slipped")), "up2": _pick(("up", "down")),
    "above": _pick(("above", "below")), "hold": _pick(("raised", "cut", "left unchanged")),
    "stance": _pick(("keep a close eye on prices", "act further if needed", "remain cautious")),
    "reason": _pick(("demand from Africa picked up", "new crop supplies arrived", "the currency weakened",
                     "freight rates fell", "buyers held back")),
    "purpose": _pick(("general corporate purposes", "refinancing existing debt", "funding acquisitions")),
    "rating": _pick(("AAA", "AA+", "AA", "A+", "A", "BBB+")), "agency": _pick(("Moody's", "Standard and Poor's", "Fitch")),
    "weather": _pick(("Meteorological Department", "Bureau of Meteorology", "Weather Service", "Met Office")),
}

# Each family: a headline and sentence frames in their fixed order; frames
# marked True are in every report, the others in some.
FAMILIES: dict[str, tuple[str, list[tuple[str, bool]]]] = {
    "commodity": ("{country} {commodity} exports {tonnes} tonnes in week to {date}", [
        ("{country} exported {tonnes} tonnes of {commodity} in the week ended {date}, the {ministry} said.", True),
        ("That compared with {tonnes2} tonnes the previous week and {tonnes3} tonnes a year earlier.", True),
        ("Exports so far this year totalled {total} tonnes, against {total2} tonnes in the same period last year.", False),
        ("The main buyers were {country2} and {country3}, traders in {city} said.", False),
        ("Export prices were quoted at {price} dollars a tonne, free on board, against {price2} dollars a week earlier.", False),
        ("An official at the {ministry} said shipments were expected to pick up in coming weeks as {reason}.", False),
        ("{country} is the world's {rank} largest exporter of {commodity}.", False),
    ]),
    "bond": ("{company} issues {amount} mln {currency} bond due {year}", [
        ("{company} is issuing a {amount} million {currency} bond due {year}, paying {coupon} percent and priced at {price}, lead manager {bank} said.", True),
        ("The non-callable bond is available in denominations of {denom} {currency} and will be listed in {city}.", True),
        ("Fees total {fee} percent, with {fee2} percent for management and underwriting combined.", False),
        ("The issue is rated {rating} by {agency}.", False),
        ("Payment date is {date}.", False),
        ("Proceeds will be used for {purpose}, the company said.", False),
    ]),
    "results": ("{company} {quarter} profit {up} to {amount} mln {currency}", [
        ("{company} said on {weekday} its {quarter} net profit {up} to {amount} million {currency} from {amount2} million a year earlier.", True),
        ("Revenue was {amount3} million {currency}, {up2} {pct} percent.", True),
        ("Earnings per share were {eps}, against {eps2} a year ago.", False),
        ("Analysts had on average expected a profit of {amount4} million {currency}, according to a poll.", False),
        ("The company said it expected full-year sales of between {lo} million and {hi} million {currency}.", False),
        ("Shares in {company} closed {up2} {pct2} percent at {price} in {city} trading.", False),
        ("Chief executive {name} said the results came as {reason}.", False),
    ]),
    "tender": ("{company} begins tender offer for {target}", [
        ("{company} said it has begun a tender offer for all outstanding shares of {target} at {price} dollars a share in cash, valuing the company at about {amount} million dollars.", True),
        ("The offer, a premium of {pct} percent over the closing price on {weekday}, is scheduled to expire at midnight on {date}, unless extended.", True),
        ("The board of {target} has recommended that shareholders accept the offer.", False),
        ("The offer is conditional on at least {pct2} percent of shares being tendered.", False),
        ("{bank} is acting as dealer manager for the offer.", False),
        ("{company} already holds {pct3} percent of {target}.", False),
    ]),
    "rates": ("{central} {hold} rate at {rate} pct", [
        ("The {central} {hold} its benchmark interest rate at {rate} percent on {weekday}, the bank said in a statement.", True),
        ("Economists had forecast a rate of {rate2} percent.", True),
        ("Inflation stood at {infl} percent in {month}, {above} the bank's target of {goal} percent.", False),
        ("Governor {name} said policymakers would {stance}.", False),
        ("The {currency} moved {pct} percent against the dollar after the announcement.", False),
        ("The next policy meeting is scheduled for {date}.", False),
    ]),
    "crop": ("Rain {pct} pct {above} normal in {region}", [
        ("Rainfall in {region} was {pct} percent {above} normal in the week to {date}, the {weather} said.", True),
        ("Temperatures ranged from {t1} to {t2} degrees Celsius.", True),
        ("Sowing of {commodity} covered {area} hectares, compared with {area2} hectares a year ago.", False),
        ("The {weather} forecast {commodity} output at {tonnes} tonnes for the {year} season.", False),
        ("Farmers in {region2} said {reason}.", False),
        ("More rain is expected over the next {days} days.", False),
    ]),
}
# Families filed as tables, a line to each row and no sentence in them: the earnings
# reports that are a fifth of Reuters-21578 ("Shr 23 cts vs 19 cts / Net 1,234,000 vs
# 987,000"). Kept apart from FAMILIES, so the corpora and training pairs made from those
# stay as they were; ``generate_wire(tables=True)`` files them too.
TABLES: dict[str, tuple[str, list[tuple[str, bool]]]] = {
    "earnings": ("{company} {quarter} net", [
        ("Shr {cts} cts vs {cts2} cts", True),
        ("Net {net} vs {net2}", True),
        ("Revs {amount3} mln vs {amount2} mln", True),
        ("Avg shrs {area} vs {area2}", False),
        ("Nine mths Shr {cts3} cts vs {cts4} cts", False),
        ("Note: Net includes gain of {amount4},000 dlrs from the sale of discontinued operations.", False),
    ]),
}
QUARTERS = ("first-quarter", "second-quarter", "third-quarter", "fourth-quarter")
SLOTS["quarter"] = _pick(QUARTERS)
SLOTS.update({"cts": _int(1, 199), "cts2": _int(1, 199), "cts3": _int(1, 199), "cts4": _int(1, 199),
              "net": _int(100_000, 99_999_000), "net2": _int(100_000, 99_999_000)})


def _family(name: str) -> tuple[str, list[tuple[str, bool]]]:
    return FAMILIES[name] if name in FAMILIES else TABLES[name]
_SLOT = re.compile(r"{(\w+)}")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers(text: str) -> set[str]:
    """Every figure written in digits, as written."""
    return set(_NUMBER.findall(text))


def choose_frames(family: str, rng: random.Random) -> list[int]:
    """Indices of the frames one report uses: the fixed ones plus some optional, 3–8 sentences."""
    frames = _family(family)[1]
    optional = [i for i, (_, fixed) in enumerate(frames) if not fixed]
    fixed = [i for i, (_, always) in enumerate(frames) if always]
    extra = rng.sample(optional, rng.randint(max(0, 3 - len(fixed)), len(optional)))
    return sorted(fixed + extra)[:8]


def wire_report(family: str, rng: random.Random, frames: list[int] | None = None) -> str:
    """One report of ``family``: headline, then one sentence per paragraph as wires file them."""
    headline, all_frames = _family(family)
    frames = choose_frames(family, rng) if frames is None else frames
    values: dict[str, str] = {}

    def fill(m: re.Match) -> str:
        slot = m.group(1)
        if slot not in values:
            values[slot] = SLOTS[slot](rng)
        return values[slot]

    body = [_SLOT.sub(fill, all_frames[i][0]) for i in frames]
    title = _SLOT.sub(fill, headline)
    return "\n\n".join([title[0].upper() + title[1:]] + body)


def template_pair(family: str, rng: random.Random, tries: int = 50) -> tuple[str, str]:
    """Two reports of one family with no figure in common (half the time the same frames)."""
    a_frames = choose_frames(family, rng)
    a = wire_report(family, rng, a_frames)
    for _ in range(tries):
        b = wire_report(family, rng, a_frames if rng.random() < 0.5 else None)
        if numbers(a).isdisjoint(numbers(b)):
            return a, b
    raise RuntimeError(f"no disjoint figures for {family} in {tries} tries")  # not seen: the ranges are wide


# -- Template twins of real articles ----------------------------------------------------------

_MONTH_ABBR = {m[:3]: m for m in MONTHS if len(m) > 4}
_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
_TOKEN = re.compile(
    r"(?P<num>\d+(?:[.,]\d+)*)"
    r"|(?P<word>[A-Za-z][A-Za-z]*)"
)
_SENTENCE_START = re.compile(r"(?:[.!?][\"'’”]?\s+|\n\s*)$")


def _opens_sentence(text: str, at: int) -> bool:
    # Only the few characters before the word matter; searching the whole prefix would be quadratic.
    return at == 0 or bool(_SENTENCE_START.search(text[max(0, at - 4) : at]))


# Capitalised words that are grammar, not names, even in the middle of a sentence.
_NOT_NAMES = frozenset("I A The He She It We They His Her Its Their Mr Mrs Ms Dr But And Or In On At".split())


def name_pool(texts, limit: int = 5000) -> tuple[list[str], list[str]]:
    """Capitalised words (Title case, ALL CAPS) seen mid-sentence in ``texts``: stand-ins for names."""
    title, caps = {}, {}
    for text in texts:
        for m in re.finditer(r"(?<=[a-z,] )([A-Z][a-z]{2,}|[A-Z]{2,5})\b", text):
            word = m.group()
            if word in _NOT_NAMES or word in MONTHS or word in WEEKDAYS:
                continue
            (caps if word.isupper() else title).setdefault(word, None)
            if len(title) >= limit and len(caps) >= limit // 10:
                break
    return list(title), list(caps)


def _new_number(old: str, taken: set[str], rng: random.Random) -> str:
    digits = old.replace(",", "").replace(".", "")
    is_year = len(old) == 4 and old[:2] in ("19", "20")
    for _ in range(100):
        if is_year:
            new = str(rng.randint(1960, 2049))
        else:
            new_digits = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in digits[1:])
            # Put the separators back where they were, so "1,200" stays "d,ddd".
            it = iter(new_digits)
            new = "".join(ch if ch in ",." else next(it) for ch in old)
        if new not in taken:
            return new
    return old + str(rng.randint(1, 9))  # a longer figure when every short one is used


def template_twin(text: str, rng: random.Random, pool: tuple[list[str], list[str]]) -> str:
    """``text`` with every figure, date, month, weekday, number word and capitalised name replaced.

    The sentence frames stay; the facts are all other ones. One mapping per
    text, so a name that recurs is replaced by the same stand-in each time.
    Capitalised words that open a sentence count as names only when they also
    stand mid-sentence somewhere in the text.
    """
    titles, caps = pool
    original_numbers = numbers(text)
    mid_names = {m.group() for m in re.finditer(r"(?<=[a-z,] )([A-Z][A-Za-z]+)", text)}
    mapping: dict[str, str] = {}
    taken = set(original_numbers)

    present = set(re.findall(r"[A-Za-z]+", text))

    def other(choices, old):
        # A stand-in that is itself in the text would leave a fact unchanged elsewhere.
        options = [c for c in choices if c not in present and c.capitalize() not in present] or \
            [c for c in choices if c != old]
        return rng.choice(options)

    def replace(m: re.Match) -> str:
        token = m.group()
        if token in mapping:
            return mapping[token]
        if m.group("num"):
            new = _new_number(token, taken, rng)
            taken.add(new)
        elif token in MONTHS:
            new = other(MONTHS, token)
        elif token in _MONTH_ABBR:
            new = other(MONTHS, _MONTH_ABBR[token])[:3]
        elif token in WEEKDAYS:
            new = other(WEEKDAYS, token)
        elif token.lower() in _NUMBER_WORDS:
            new = other(_NUMBER_WORDS, token.lower())
            new = new.capitalize() if token[0].isupper() else new
        elif token[0].isupper() and token not in _NOT_NAMES and len(token) > 1 and (
            token in mid_names or not _opens_sentence(text, m.start())
        ):
            new = other(caps, token) if token.isupper() and caps else other(titles, token)
        else:
            return token
        mapping[token] = new
        return new

    return _TOKEN.sub(replace, text)


# -- Site furniture ---------------------------------------------------------------------------

def furniture_blocks(rng: random.Random) -> dict[str, list[str]]:
    """One block of each kind of site furniture, 2–6 lines, with one outlet and company filled in."""
    outlet = rng.choice(("Market Herald", "Business Line", "Daily Ledger", "City Wire", "Finance Today"))
    firm = company(rng)
    site = re.sub(r"\W", "", firm.split()[0]).lower()
    return {
        "syndication": [
            f"(This story has not been edited by {outlet} staff and is auto-generated from a syndicated feed.)",
            f"Only the headline of this report may have been reworked by {outlet} staff; the rest of the content is auto-generated from a syndicated feed.",
        ],
        "newsletter": [
            f"Sign up for the {outlet} morning newsletter.",
            "Get the day's top stories delivered to your inbox every morning.",
            "Already a subscriber? Log in here.",
            f"Subscribe to {outlet} for unlimited access to our journalism.",
        ],
        "free_report": [
            "FREE REPORT: The five dividend shares our analysts rate as buys this year",
            "Download our free report to discover which stocks made the list.",
            "Click here to claim your free copy now.",
        ],
        "press_footer": [
            f"About {firm}",
            f"{firm} is a leading provider of data and payment solutions, serving customers in more than {rng.randint(20, 90)} countries. For more information, visit www.{site}.com.",
            "Forward-Looking Statements",
            f"This press release contains forward-looking statements within the meaning of the Private Securities Litigation Reform Act of 1995. Actual results may differ materially from those expressed or implied, and {firm} undertakes no obligation to update any forward-looking statement.",
            f"SOURCE {firm}",
            f"Media contact: {person(rng)}, press@{site}.com",
            "###",
        ],
        "cookies": [
            "We use cookies to give you the best experience on our website. By continuing to browse, you agree to our use of cookies.",
            "Manage cookie preferences",
            "Accept all cookies",
        ],
    }


def furnish(text: str, block: list[str], at_end: bool = True) -> str:
    """``text`` with the furniture lines after it (or before it), one line each."""
    lines = "\n".join(block)
    return f"{text.rstrip()}\n\n{lines}" if at_end else f"{lines}\n\n{text.lstrip()}"
