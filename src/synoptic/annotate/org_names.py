"""Organisation names built on an institution noun, found whole: "Республиканской партии",
"Центр правительственной связи", "Partido Republicano", "Conselho de Governo".

Capital letters alone cut such names short: Russian, Ukrainian, Czech, Slovak, Croatian and Serbian
capitalise only the first word of an organisation's name ("Бюро переписи населения"), so a run of
capitalised words ends after one word; Romance languages join the words with prepositions
("Ministério da Defesa"). The grammar here, all of it data of the language:

- the head: a noun naming a kind of organisation (`quotes.json` `org_nouns`: party, council,
  ministry, bureau ...), in any case form (its stem, or the gazetteer's inflection rules);
- before the head, a capitalised adjective and lower-case adjectives agreeing with it
  ("Королевского общества"; adjective endings from `quantities.json` and `gazetteer.json`);
- after the head, words in the genitive (`gazetteer.json` `genitive_endings`: "обороны",
  "правительственной связи"), a lower-case word after a genitive adjective ("иностранных дел"),
  capitalised words ("Великобритании", "Republicano"), and connectors followed by a capitalised
  word (`names.json` `role_linkers`: "de", "da", "of", "für");
- it stops at punctuation, at a verb form (`gazetteer.json` `verb_endings`), at a preposition,
  conjunction or clause word (`quotes.json`), and after a few words.

A capitalised head opening a sentence is a name only with something more: a capitalised word in its
tail, a connector, or the same head written capitalised inside a sentence of the text ("Совет
директоров одобрил сделку" names nothing). A name found so is an organisation.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from ..models import Mention
from .gazetteer import NAME_JOINERS, Gazetteer
from .names import first_names, is_capitalised, word_key
from .org_grammar import grammar, has_ending, head_type, is_adjective, is_head
from .proper import sentence_initial

Token = tuple[int, int, str]

#: At most this many words after the head, connectors not counted ("Ассоциации производителей бытовой
#: техники" has three):
#: longer tails in news are clauses, not names. Not tuned: the longest name tail in the grammar's
#: own test tables.
MAX_TAIL = 4
#: At most this many lower-case adjectives between a capitalised adjective and the head
#: ("Международный олимпийский комитет").
MAX_INNER_ADJECTIVES = 2


@dataclass
class _Span:
    """A growing organisation name over token indexes [first, last], and why it counts as a name."""

    first: int
    head: int
    last: int
    licensed: bool


class OrgNames:
    """Finds organisation names in one text of one language."""

    def __init__(self, text: str, lang: str, gazetteer: Gazetteer) -> None:
        self.text = text
        self.lang = lang
        self.g = grammar(lang)
        self.gazetteer = gazetteer

    def find(self, toks: list[Token]) -> list[Mention]:
        inside = {t[2].lower() for t in toks if is_capitalised(t[2]) and not sentence_initial(self.text, t[0])}
        out: list[Mention] = []
        i = 0
        while i < len(toks):
            span = self._at(toks, i, inside)
            if span is None or not span.licensed:
                i += 1
                continue
            first = self._lead(toks, span.first, out[-1].end if out else 0)
            start, end = toks[first][0], toks[span.last][1]
            etype = head_type(toks[span.head][2], self.lang) or "ORG"
            out.append(Mention(start, end, self.text[start:end], etype, "pattern"))
            i = span.last + 1
        return out

    def _lead(self, toks: list[Token], first: int, floor: int) -> int:
        """Where a name starts that has capitalised words before its head ("Sacro Império Romano"), in
        languages whose names have no case-marked adjective before the head; a word opening a sentence
        stays out."""
        if self.g.genitive_endings or self.g.compounds:
            return first
        while first > 0 and toks[first - 1][0] >= floor and self._joined(toks[first - 1], toks[first]):
            prev = toks[first - 1]
            if not is_capitalised(prev[2]) or sentence_initial(self.text, prev[0]):
                break
            first -= 1
        return first

    def _joined(self, a: Token, b: Token) -> bool:
        return self.text[a[1] : b[0]] in NAME_JOINERS

    def _at(self, toks: list[Token], i: int, inside: set[str]) -> _Span | None:
        """The organisation name starting at token i, if one does."""
        word = toks[i][2]
        if not is_capitalised(word):
            return None
        # a word opening a sentence is capitalised anyway: it starts a name only with more evidence
        initial = sentence_initial(self.text, toks[i][0]) and word.lower() not in inside
        head = i if is_head(word, self.lang) else self._head_after_adjective(toks, i)
        if head is None:
            return None
        span = _Span(i, head, head, not initial)
        self._tail(toks, span)
        if initial and head != i:  # "Местное правительство Кейптауна": a place after it names nothing more
            span.licensed = False
        if span.last == i:
            return None  # a lone head is left to the other rules, which type it by this grammar
        return span

    def _head_after_adjective(self, toks: list[Token], i: int) -> int | None:
        """The head right after a capitalised adjective and up to two lower-case adjectives."""
        if not self.g.genitive_endings or not is_adjective(toks[i][2], self.g):
            return None
        k = i + 1
        while k < len(toks) and k - i <= MAX_INNER_ADJECTIVES + 1 and self._joined(toks[k - 1], toks[k]):
            word = toks[k][2]
            if is_head(word, self.lang) and not word.isupper():
                return k
            if word.lower() in self.g.stops or not self._agrees(toks[i][2], word):
                return None  # "Священной Римской империи": an inner adjective may be capitalised too
            k += 1
        return None

    def _agrees(self, first: str, word: str) -> bool:
        """Whether a word is an adjective agreeing with the capitalised one before it: the
        same last letter ("Hrvatska narodna", "Международный олимпийский"), or a longer adjective ending."""
        same = first[-1:].lower() == word[-1:].lower() and is_adjective(word, self.g)
        return same or is_adjective(word, self.g, min_ending=2)

    def _tail(self, toks: list[Token], span: _Span) -> None:
        """Extend `span` over the words that continue the name after its head: connectors with the
        capitalised word they join, capitalised words, genitive words; an adjective only with its noun."""
        k = span.last + 1
        words = 0  # words of the tail so far, connectors not counted
        pending = False  # an adjective waiting for its noun ("иностранных" before "дел")
        closed = False  # a proper name in the tail ends it to lower-case words ("... Великобритании")
        # connectors and capitalised words set `closed`: after them no lower-case word continues
        declined = False  # a lower-case genitive word in the tail: a name after it must decline too
        while k < len(toks) and words < MAX_TAIL and self._joined(toks[k - 1], toks[k]):
            words += 1
            joined = 0 if pending else self._connector(toks, k)
            if joined:
                span.last, span.licensed, closed = k + joined, True, True
                k += joined + 1
                continue
            word = toks[k][2]
            low = word.lower()
            if is_capitalised(word) or (word.isupper() and len(word) >= 2):
                if self.g.compounds or not self._tail_name(word) or (declined and not self._declined_name(word)):
                    return
                pending = is_adjective(word, self.g, min_ending=2)  # "Spojených" before "národov"
                span.last, span.licensed, closed = k, True, not pending
            elif self._postposed(low, closed):
                span.last = k  # "le Conseil constitutionnel", "Partito democratico"
            elif closed or not self.g.genitive_endings or low in self.g.stops or low.endswith(self.g.verb_endings):
                return
            elif pending:
                span.last, pending = k, False
            elif self._genitive(low):
                pending = is_adjective(word, self.g, min_ending=2)
                span.last = k if not pending else span.last
                declined = True
            else:
                return
            k += 1

    def _postposed(self, low: str, closed: bool) -> bool:
        """Whether a lower-case word is an adjective after the head, where names join no genitive words
        but write their adjectives in lower case ("Parti socialiste"): right after the head or another one."""
        if self.g.genitive_endings or closed or low in self.g.stops:
            return False
        return is_adjective(low, self.g, min_ending=2)

    def _genitive(self, low: str) -> bool:
        """Whether a lower-case word ends in a genitive ending after a stem of three letters or more
        ("обороны"; not "много")."""
        return has_ending(low, self.g.genitive_endings)

    def _declined_name(self, word: str) -> bool:
        """Whether a capitalised word after genitive words is in the genitive too ("совета обороны
        Ливии"), an acronym, or a name the gazetteer knows: else it starts another name, a person
        after a title ("председатель совета республики Халед аль-Мишри")."""
        low = word.lower()
        return word.isupper() or self._genitive(low) or self.gazetteer.lookup(word, self.lang) is not None

    def _tail_name(self, word: str) -> bool:
        """Whether a capitalised word may continue a name: not a first name (a person follows the name:
        "... Великобритании Бен Уоллес")."""
        return word_key(word) not in first_names() or self.gazetteer.lookup(word, self.lang) is not None

    def _connector(self, toks: list[Token], k: int) -> int:
        """How many tokens from k are a connector followed by a capitalised word joined to it (0: none)."""
        for conn in self.g.connectors:
            n = len(conn)
            words = tuple(t[2].lower() for t in toks[k : k + n])
            if words != conn or k + n >= len(toks):
                continue
            nxt = toks[k + n]
            chain = toks[k - 1 : k + n + 1]
            if is_capitalised(nxt[2]) and all(self._joined(a, b) for a, b in itertools.pairwise(chain)):
                return n
        return 0


def org_names(text: str, lang: str, toks: list[Token], gazetteer: Gazetteer) -> list[Mention]:
    """Organisation names built on an institution noun among `toks` (the text's word tokens)."""
    return OrgNames(text, lang, gazetteer).find(toks)
