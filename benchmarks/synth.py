"""Synthetic multilingual news corpora (en/de/fr) with planted stories, events, copies, spins and translations.

Benchmarks need 10k to 100k articles of realistic length whose ground truth is known. Each article is
rendered from a *plan*: a list of (template key, slot values) drawn for one story and one of its
dated events. Rendering the same plan in another language gives a planted translation; a copy is
the same text under another outlet with a boilerplate line; a spin shuffles and rewords sentences.
Words and templates are written here (fictional people and organisations, real city names).

    python -m benchmarks.synth --articles 10000 --out build/synth --format jsonl

writes `articles-NNNN.jsonl` shards of news-please records and `truth.json` (story, event and
derivation of every record, addressed `file#line` like the readers do).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

Lang = Literal["en", "de", "fr"]
LANGS: tuple[Lang, ...] = ("en", "de", "fr")
Role = Literal["original", "copy", "spin", "translation"]

# Cities with their names per language (real places, used as story locations).
CITIES: tuple[dict[Lang, str], ...] = tuple(
    dict(zip(LANGS, names, strict=True))  # type: ignore[misc]
    for names in (
        ("Cologne", "Köln", "Cologne"),
        ("Geneva", "Genf", "Genève"),
        ("Vienna", "Wien", "Vienne"),
        ("Munich", "München", "Munich"),
        ("Brussels", "Brüssel", "Bruxelles"),
        ("Lisbon", "Lissabon", "Lisbonne"),
        ("Warsaw", "Warschau", "Varsovie"),
        ("Milan", "Mailand", "Milan"),
        ("Venice", "Venedig", "Venise"),
        ("Prague", "Prag", "Prague"),
        ("Copenhagen", "Kopenhagen", "Copenhague"),
        ("Athens", "Athen", "Athènes"),
        ("Lyon", "Lyon", "Lyon"),
        ("Hamburg", "Hamburg", "Hambourg"),
        ("Seville", "Sevilla", "Séville"),
        ("Antwerp", "Antwerpen", "Anvers"),
    )
)

FIRST = tuple(
    [
        "Lena",
        "Tomas",
        "Ines",
        "Piotr",
        "Clara",
        "Henrik",
        "Amira",
        "Luca",
        "Sofia",
        "Malik",
        "Greta",
        "Yann",
        "Nadia",
        "Oskar",
        "Elif",
        "Marek",
        "Julia",
        "Anton",
        "Chiara",
        "Emil",
        "Rosa",
        "Dario",
        "Maren",
        "Farid",
    ]
)
LAST = tuple(
    [
        "Vogel",
        "Marchand",
        "Kowalski",
        "Brandt",
        "Oliveira",
        "Lindgren",
        "Moreau",
        "Albers",
        "Novak",
        "Castel",
        "Reuter",
        "Haddad",
        "Falk",
        "Roussel",
        "Janssen",
        "Petrov",
        "Keller",
        "Duval",
        "Ostrowski",
        "Sorensen",
        "Benali",
        "Hartmann",
        "Lefebvre",
        "Nyberg",
    ]
)
ORG_STEMS = tuple(
    [
        "Norval",
        "Aster",
        "Quillon",
        "Brightwater",
        "Helvar",
        "Ostrand",
        "Lumen",
        "Cordis",
        "Vantor",
        "Maris",
        "Teklo",
        "Solvane",
        "Granit",
        "Pellar",
        "Riva",
        "Kestrel",
    ]
)
OUTLETS = tuple(
    [
        "daily-ledger",
        "morning-wire",
        "city-courier",
        "tagesblick",
        "rundschau-aktuell",
        "le-veilleur",
        "courrier-du-matin",
        "newsroom-one",
        "abendpost",
        "la-depeche-libre",
        "wire-europe",
        "nordkurier",
    ]
)

# Per event type: (noun per language, role of the main person per language, organisation suffix).
EVENT_TYPES: dict[str, tuple[dict[Lang, str], dict[Lang, str], str]] = {
    "flood": ({"en": "the flood", "de": "das Hochwasser", "fr": "les inondations"},
              {"en": "mayor", "de": "Bürgermeisterin", "fr": "maire"}, "Relief"),
    "breach": ({"en": "the data breach", "de": "das Datenleck", "fr": "la fuite de données"},
               {"en": "chief executive", "de": "Vorstandschef", "fr": "PDG"}, "Systems"),
    "summit": ({"en": "the trade talks", "de": "die Handelsgespräche", "fr": "les négociations commerciales"},
               {"en": "trade minister", "de": "Handelsminister", "fr": "ministre du Commerce"}, "Council"),
    "strike": ({"en": "the rail strike", "de": "der Bahnstreik", "fr": "la grève des cheminots"},
               {"en": "union leader", "de": "Gewerkschaftschefin", "fr": "dirigeante syndicale"}, "Union"),
    "fire": ({"en": "the warehouse fire", "de": "der Lagerhallenbrand", "fr": "l'incendie de l'entrepôt"},
             {"en": "fire chief", "de": "Feuerwehrchef", "fr": "chef des pompiers"}, "Logistics"),
    "election": ({"en": "the mayoral election", "de": "die Bürgermeisterwahl", "fr": "l'élection municipale"},
                 {"en": "candidate", "de": "Kandidatin", "fr": "candidate"}, "Alliance"),
}  # fmt: skip

WEEKDAYS: dict[Lang, tuple[str, ...]] = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
}
# Story-specific topic words, aligned across languages so that translations carry the same topic.
TOPICS: tuple[dict[Lang, str], ...] = tuple(
    dict(zip(LANGS, t, strict=True))  # type: ignore[misc]
    for t in (
        ("harbour", "Hafen", "port"), ("bridge", "Brücke", "pont"), ("hospital", "Krankenhaus", "hôpital"),
        ("school", "Schule", "école"), ("pipeline", "Leitung", "conduite"), ("budget", "Haushalt", "budget"),
        ("railway", "Bahnstrecke", "voie ferrée"), ("insurance", "Versicherung", "assurance"),
        ("warehouse", "Lager", "entrepôt"), ("grain", "Getreide", "céréales"), ("energy", "Energie", "énergie"),
        ("housing", "Wohnungen", "logements"), ("tunnel", "Tunnel", "tunnel"), ("airport", "Flughafen", "aéroport"),
        ("river", "Fluss", "fleuve"), ("factory", "Fabrik", "usine"), ("market", "Markt", "marché"),
        ("customers", "Kunden", "clients"), ("schools", "Schulen", "écoles"), ("wages", "Löhne", "salaires"),
    )
)  # fmt: skip

# Sentence templates per language, same keys in every language (so a plan renders in any of them).
# Slots: city, person, role, org, n, weekday, event, topic, topic2, outlet.
TEMPLATES: dict[Lang, dict[str, str]] = {
    "en": {
        "lead": "{event_cap} in {city} dominated {weekday}, as {person}, the {role}, addressed reporters.",
        "count": "Officials said {n} people were directly affected by {event}.",
        "quote1": "“We will not leave anyone behind,” {person} said on {weekday}.",
        "quote2": "“The {topic} must be our first priority,” said {person}.",
        "org": "The {org} said in a statement that it was reviewing the situation around the {topic}.",
        "indirect": "{person} said the {org} would publish a full report within days.",
        "background": "{event_cap} is the latest in a series of problems for the {topic} in {city}.",
        "numbers": "According to the {org}, about {n} workers were involved in the response.",
        "critic": "Critics argued that warnings about the {topic} had been ignored for years.",
        "followup": "A further meeting on the {topic2} is planned for next week in {city}.",
        "local": "Residents of {city} described long queues near the {topic} and the {topic2}.",
        "market": "Prices linked to the {topic2} moved sharply after news of {event} spread.",
        "expert": "Independent experts said it was too early to judge the cost of {event}.",
        "closing": "The {org} is expected to give another update on {weekday}.",
        "boiler": "This article was distributed by {outlet}. All rights reserved.",
        "filler": "Local officials, business owners and residents in {city} continued to discuss the {topic}.",
    },
    "de": {
        "lead": "{event_cap} in {city} bestimmte den {weekday}, als sich {person}, {role}, an die Presse wandte.",
        "count": "Nach Angaben der Behörden waren {n} Menschen direkt von {event_dat} betroffen.",
        "quote1": "„Wir werden niemanden zurücklassen“, sagte {person} am {weekday}.",
        "quote2": "„Die {topic} muss unsere erste Priorität sein“, sagte {person}.",
        "org": "Die {org} erklärte, sie prüfe die Lage rund um {topic}.",
        "indirect": "{person} sagte, die {org} werde innerhalb weniger Tage einen vollständigen Bericht vorlegen.",
        "background": "{event_cap} ist das jüngste einer Reihe von Problemen für {topic} in {city}.",
        "numbers": "Nach Angaben der {org} waren etwa {n} Helfer an dem Einsatz beteiligt.",
        "critic": "Kritiker warfen ein, Warnungen zu {topic} seien jahrelang ignoriert worden.",
        "followup": "Ein weiteres Treffen zu {topic2} ist für die kommende Woche in {city} geplant.",
        "local": "Bewohner von {city} berichteten von langen Schlangen bei {topic} und {topic2}.",
        "market": "Preise rund um {topic2} bewegten sich deutlich, nachdem sich die Nachricht verbreitet hatte.",
        "expert": "Unabhängige Fachleute sagten, es sei zu früh, die Kosten abzuschätzen.",
        "closing": "Die {org} will am {weekday} einen weiteren Zwischenstand geben.",
        "boiler": "Dieser Artikel wurde von {outlet} verbreitet. Alle Rechte vorbehalten.",
        "filler": "Behörden, Geschäftsleute und Bewohner in {city} diskutierten weiter über {topic}.",
    },
    "fr": {
        "lead": "{event_cap} à {city} a dominé la journée de {weekday}, {person}, {role}, s'adressant à la presse.",
        "count": "Selon les autorités, {n} personnes ont été directement touchées par {event}.",
        "quote1": "« Nous ne laisserons personne de côté », a déclaré {person} {weekday}.",
        "quote2": "« Le dossier {topic} doit être notre priorité », a affirmé {person}.",
        "org": "Le {org} a indiqué dans un communiqué examiner la situation autour du dossier {topic}.",
        "indirect": "{person} a affirmé que le {org} publierait un rapport complet d'ici quelques jours.",
        "background": "{event_cap} est le dernier d'une série de problèmes pour le dossier {topic} à {city}.",
        "numbers": "Selon le {org}, environ {n} personnes ont participé aux opérations.",
        "critic": "Des critiques estiment que les alertes sur le dossier {topic} ont été ignorées pendant des années.",
        "followup": "Une nouvelle réunion sur le dossier {topic2} est prévue la semaine prochaine à {city}.",
        "local": "Des habitants de {city} ont décrit de longues files d'attente près du site {topic}.",
        "market": "Les prix liés au secteur {topic2} ont fortement varié après l'annonce.",
        "expert": "Des experts indépendants jugent trop tôt pour évaluer le coût de {event}.",
        "closing": "Le {org} doit faire un nouveau point {weekday}.",
        "boiler": "Cet article a été diffusé par {outlet}. Tous droits réservés.",
        "filler": "Élus, commerçants et habitants de {city} ont continué à débattre du dossier {topic}.",
    },
}
BODY_KEYS = ("count", "quote1", "org", "indirect", "background", "numbers", "quote2", "critic", "followup",
             "local", "market", "expert", "closing")  # fmt: skip
TITLES: dict[Lang, str] = {
    "en": "{event_cap} in {city}: {person} speaks as {org} reviews the {topic}",
    "de": "{event_cap} in {city}: {person} äußert sich, {org} prüft {topic}",
    "fr": "{event_cap} à {city} : {person} s'exprime, le {org} examine le dossier {topic}",
}
# Spins reword these words (per language) and reorder sentences inside a paragraph.
SYNONYMS: dict[Lang, dict[str, str]] = {
    "en": {"said": "stated", "Officials": "Authorities", "about": "roughly", "problems": "troubles",
           "Critics": "Opponents", "expected": "due", "sharply": "strongly", "Residents": "Locals"},
    "de": {"sagte": "erklärte", "Behörden": "Ämter", "etwa": "rund", "Problemen": "Schwierigkeiten",
           "Kritiker": "Gegner", "deutlich": "stark", "Bewohner": "Anwohner"},
    "fr": {"a déclaré": "a dit", "autorités": "pouvoirs publics", "environ": "près de", "problèmes": "difficultés",
           "critiques": "détracteurs", "fortement": "nettement", "habitants": "riverains"},
}  # fmt: skip
_DATIVE = {"das ": "dem ", "die ": "der ", "der ": "dem "}


@dataclass(frozen=True)
class Story:
    """A planted story: one event type in one city, with its people, organisation and dated events."""

    id: str
    kind: str
    city: int
    person: str
    org: str
    topics: tuple[int, int]
    events: tuple[dt.date, ...]


@dataclass(frozen=True)
class Plan:
    """What an article says, independent of language: template keys in order and the slot values."""

    story: Story
    event: int
    keys: tuple[tuple[str, ...], ...]  # paragraphs of template keys
    n: int
    outlet: str


@dataclass(frozen=True)
class SynthArticle:
    """One generated article with its ground truth."""

    record: dict[str, object]
    story: str
    event: str
    role: Role
    source: int | None  # index of the article it derives from


def make_stories(count: int, rng: random.Random, start: dt.date = dt.date(2025, 1, 6)) -> list[Story]:
    """`count` stories spread over a year, each with 1 to 3 events a few days apart."""
    stories = []
    for i in range(count):
        kind = rng.choice(sorted(EVENT_TYPES))
        first = start + dt.timedelta(days=rng.randrange(365))
        events = tuple(first + dt.timedelta(days=3 * k + rng.randrange(3)) for k in range(rng.randint(1, 3)))
        stem = rng.choice(ORG_STEMS)
        org = f"{stem} {EVENT_TYPES[kind][2]}"
        topics = tuple(rng.sample(range(len(TOPICS)), 2))
        person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        stories.append(Story(f"S{i}", kind, rng.randrange(len(CITIES)), person, org, (topics[0], topics[1]), events))
    return stories


def make_plan(story: Story, rng: random.Random, words: int = 600) -> Plan:
    """A plan of paragraphs long enough for about `words` words once rendered."""
    paragraphs: list[tuple[str, ...]] = [("lead",)]
    per_sentence = 14
    needed = max(1, words // per_sentence - 1)
    while needed > 0:
        size = min(needed, rng.randint(3, 5))
        paragraphs.append(tuple(rng.choice((*BODY_KEYS, "filler")) for _ in range(size)))
        needed -= size
    return Plan(
        story=story,
        event=rng.randrange(len(story.events)),
        keys=tuple(paragraphs),
        n=rng.choice((12, 40, 150, 2000, 35000)),
        outlet=rng.choice(OUTLETS),
    )


def _slots(plan: Plan, lang: Lang) -> dict[str, str]:
    story = plan.story
    noun, role, _ = EVENT_TYPES[story.kind]
    event = noun[lang]
    date = story.events[plan.event]
    return {
        "city": CITIES[story.city][lang],
        "person": story.person,
        "role": role[lang],
        "org": story.org,
        "n": f"{plan.n:,}".replace(",", {"en": ",", "de": ".", "fr": "\u202f"}[lang]),
        "weekday": WEEKDAYS[lang][date.weekday()],
        "event": event,
        "event_dat": next((event.replace(k, v, 1) for k, v in _DATIVE.items() if event.startswith(k)), event),
        "event_cap": event[:1].upper() + event[1:],
        "topic": TOPICS[story.topics[0]][lang],
        "topic2": TOPICS[story.topics[1]][lang],
        "outlet": plan.outlet,
    }


def render(plan: Plan, lang: Lang) -> tuple[str, str]:
    """(title, body) of the plan in `lang`."""
    slots = _slots(plan, lang)
    table = TEMPLATES[lang]
    body = "\n\n".join(" ".join(table[k].format(**slots) for k in para) for para in plan.keys)
    return TITLES[lang].format(**slots), body


def spin(body: str, lang: Lang, rng: random.Random) -> str:
    """A paraphrase: sentences reordered inside each paragraph after the lead, some words reworded."""
    paragraphs = body.split("\n\n")
    out = [paragraphs[0]]
    for para in paragraphs[1:]:
        sentences = _sentences(para)
        rng.shuffle(sentences)
        out.append(" ".join(sentences))
    text = "\n\n".join(out)
    for word, other in SYNONYMS[lang].items():
        text = text.replace(word, other)
    return text


def _sentences(paragraph: str) -> list[str]:
    parts, current = [], []
    for token in paragraph.split(" "):
        current.append(token)
        if token.endswith(".") and not token.endswith("..."):
            parts.append(" ".join(current))
            current = []
    if current:
        parts.append(" ".join(current))
    return parts


def _record(title: str, body: str, lang: Lang, plan: Plan, outlet: str, index: int) -> dict[str, object]:
    date = plan.story.events[plan.event] + dt.timedelta(days=index % 2)
    domain = f"{outlet}.test"
    return {
        "title": title,
        "maintext": body,
        "language": lang,
        "date_publish": f"{date.isoformat()} 08:{index % 60:02d}:00",
        "source_domain": domain,
        "url": f"https://{domain}/news/{plan.story.id.lower()}-{index}",
        "authors": [f"{FIRST[index % len(FIRST)]} {LAST[(index * 7) % len(LAST)]}"],
    }


def generate(count: int, seed: int = 1, words: int = 600, story_size: int = 12) -> Iterator[SynthArticle]:
    """`count` articles: about one in eight a copy, one in eight a spin, one in eight a translation."""
    rng = random.Random(seed)
    stories = make_stories(max(1, count // story_size), rng)
    plans: list[tuple[Plan, Lang, str, str]] = []  # originals so far: plan, language, title, body
    for i in range(count):
        pick = rng.random()
        if plans and pick < 0.375:
            j = rng.randrange(max(0, len(plans) - 200), len(plans))
            plan, lang, title, body = plans[j]
            outlet = rng.choice([o for o in OUTLETS if o != plan.outlet])
            if pick < 0.125:
                role: Role = "copy"
                body = body + "\n\n" + TEMPLATES[lang]["boiler"].format(outlet=outlet)
            elif pick < 0.25:
                role = "spin"
                body = spin(body, lang, rng)
            else:
                role = "translation"
                lang = rng.choice([x for x in LANGS if x != lang])
                title, body = render(plan, lang)
            record = _record(title, body, lang, plan, outlet, i)
            yield SynthArticle(record, plan.story.id, _event_id(plan), role, j)
            plans.append((replace(plan, outlet=outlet), lang, title, body))
            continue
        story = stories[rng.randrange(len(stories))]
        plan = make_plan(story, rng, words)
        lang = rng.choice(LANGS)
        title, body = render(plan, lang)
        yield SynthArticle(
            _record(title, body, lang, plan, plan.outlet, i), story.id, _event_id(plan), "original", None
        )
        plans.append((plan, lang, title, body))


def _event_id(plan: Plan) -> str:
    return f"{plan.story.id}.E{plan.event}"


def write_corpus(out: Path, count: int, seed: int = 1, fmt: str = "jsonl", shard: int = 1000) -> list[Path]:
    """Write `count` articles under `out` (JSONL shards or one .txt per article) plus truth.json."""
    out.mkdir(parents=True, exist_ok=True)
    truth: dict[str, dict[str, object]] = {}
    files: list[Path] = []
    names: list[str] = []
    handle = None
    for i, art in enumerate(generate(count, seed)):
        if fmt == "jsonl":
            if i % shard == 0:
                if handle:
                    handle.close()
                files.append(out / f"articles-{i // shard:04d}.jsonl")
                handle = files[-1].open("w", encoding="utf-8")
            assert handle is not None
            handle.write(json.dumps(art.record, ensure_ascii=False) + "\n")
            name = f"{files[-1].name}#{i % shard}"
        else:
            files.append(out / f"article-{i:06d}.txt")
            files[-1].write_text(_as_text(art.record), encoding="utf-8")
            name = files[-1].name
        names.append(name)
        truth[name] = {
            "story": art.story,
            "event": art.event,
            "role": art.role,
            "source": names[art.source] if art.source is not None else None,
            "language": art.record["language"],
        }
    if handle:
        handle.close()
    (out / "truth.json").write_text(json.dumps(truth, indent=0), encoding="utf-8")
    return files


def _as_text(record: dict[str, object]) -> str:
    authors = record["authors"]
    assert isinstance(authors, list)
    return (
        f"Title: {record['title']}\nPublished Time: {record['date_publish']}\nAuthor: {', '.join(authors)}\n"
        f"URL Source: {record['url']}\nLanguage: {record['language']}\nText:\n{record['maintext']}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=Path("build/synth"))
    parser.add_argument("--format", choices=["jsonl", "txt"], default="jsonl")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    files = write_corpus(args.out, args.articles, args.seed, args.format)
    print(f"wrote {args.articles} articles in {len(files)} files under {args.out}")


if __name__ == "__main__":
    main()
