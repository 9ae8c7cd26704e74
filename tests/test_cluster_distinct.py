"""Two events of one kind (two shootings in one city, two title defences of one boxer) stay two
stories: groups of articles that each consistently name someone or somewhere the other group never
names are kept apart, in the batch grouping and when a group would join a stored story."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from synoptic.stories.cluster import Calibration, StreamingClusterer, average_link, distinct_events
from synoptic.stories.features import Signals, light_keys
from synoptic.stories.memory import MemoryStoryMemory

SHOOTING_KREUZBERG = [
    "Police in Berlin said a gunman shot two men near Kottbusser Tor in Kreuzberg on Sunday; Mehmet Aydin died.",
    "Two men were shot near Kottbusser Tor in Berlin-Kreuzberg; one of them, Mehmet Aydin, died, police said.",
    "The Berlin police are searching for the man who shot Mehmet Aydin near Kottbusser Tor in Kreuzberg.",
    "After the shooting at Kottbusser Tor, neighbours in Kreuzberg laid flowers for Mehmet Aydin in Berlin.",
]
SHOOTING_SPANDAU = [
    "Police in Berlin said a woman was shot outside a bakery in Spandau on Thursday; Anna Keller was wounded.",
    "A woman, Anna Keller, was wounded by shots outside a bakery in Berlin-Spandau, police in Berlin said.",
    "Berlin detectives questioned witnesses of the shooting of Anna Keller in Spandau on Thursday evening.",
    "In Spandau, the bakery where Anna Keller was shot stayed closed, a police spokesman in Berlin said.",
]


def signals(article_id: str, text: str, language: str = "en") -> Signals:
    zero = np.zeros(4, dtype=np.float32)
    return Signals(article_id, None, language, article_id, light_keys(text, language), zero, zero)


def group(prefix: str, texts: list[str], language: str = "en") -> list[Signals]:
    return [signals(f"{prefix}{n}", t, language) for n, t in enumerate(texts)]


@pytest.mark.parametrize(
    ("a", "b", "apart"),
    [
        # two shootings in one city: each group names its own district and victim, the other never does
        (group("k", SHOOTING_KREUZBERG), group("s", SHOOTING_SPANDAU), True),
        # two halves of one shooting's coverage share their names: one event
        (group("k", SHOOTING_KREUZBERG[:2] * 2), group("l", SHOOTING_KREUZBERG[2:] * 2), False),
        # too few articles on one side to speak for an event
        (group("k", SHOOTING_KREUZBERG[: Calibration().distinct_min - 1]), group("s", SHOOTING_SPANDAU), False),
        # groups in different languages are not compared (name spellings differ across languages)
        (group("k", SHOOTING_KREUZBERG), group("s", SHOOTING_SPANDAU, "de"), False),
        # empty groups: nothing to compare
        ([], group("s", SHOOTING_SPANDAU), False),
    ],
)
def test_distinct_events(a: list[Signals], b: list[Signals], apart: bool) -> None:
    assert distinct_events(a, b) is apart
    assert distinct_events(b, a) is apart


def test_average_link_respects_a_veto() -> None:
    links = {(0, 1): 2.0, (2, 3): 2.0, (0, 2): 1.0, (0, 3): 1.0, (1, 2): 1.0, (1, 3): 1.0}
    merged = average_link(4, links, 0.0)
    assert merged == [{0, 1, 2, 3}]
    kept = average_link(4, links, 0.0, lambda x, y: bool(x & {0, 1}) and bool(y & {2, 3}))
    assert sorted(map(sorted, kept)) == [[0, 1], [2, 3]]


def test_a_second_shooting_in_the_same_city_starts_its_own_story() -> None:
    """The two events look alike to the join probability (vectors at cosine 0.8, a log-odds of 1.2
    across events against 2.0 within one, both well above the group link): only the names tell them
    apart."""
    one, other = np.array([1, 0, 0, 0], dtype=np.float32), np.array([0.8, 0.6, 0, 0], dtype=np.float32)
    same = [Signals(s.id, None, "en", s.id, s.keys, one, one) for s in group("k", SHOOTING_KREUZBERG)]
    same += [Signals(s.id, None, "en", s.id, s.keys, other, other) for s in group("s", SHOOTING_SPANDAU)]
    cal = Calibration(bias=-2.0, fine=4.0, keys=0.0, lexical=0.0)
    nameless = StreamingClusterer(MemoryStoryMemory(), cal).assign([replace(s, keys=frozenset()) for s in same])
    assert len(set(nameless.values())) == 1  # without their names, the two shootings would merge
    stories = StreamingClusterer(MemoryStoryMemory(), cal).assign(same)
    assert len({stories[s.id] for s in same[:4]}) == 1
    assert len({stories[s.id] for s in same[4:]}) == 1
    assert stories["k0"] != stories["s0"]
    # the second event arriving later, against the stored first one, stays apart too
    memory = MemoryStoryMemory()
    clusterer = StreamingClusterer(memory, cal)
    first = clusterer.assign(same[:4])
    later = clusterer.assign(same[4:])
    assert set(later.values()).isdisjoint(first.values())
