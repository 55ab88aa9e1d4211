"""Text rules of the public search, the same on every database.

A query is cleaned (control characters become spaces), folded (lower case, accents
off: "Örebro" → "orebro", one character for one, so places in the folded text are
places in the original) and split into groups of word prefixes: every group must
match, any alternative of a group will do. A word's alternatives are the word and
the word without a common Swedish ending ("folkhälsan" → "folkhals"); an
abbreviation's alternatives are its own words and the words of what it stands for
("KC/RD" → "kc rd" or "regional chefssamverkansgrupp").

On SQLite the matching and ranking are done by ``score()``, registered as an SQL
function (``sv_score``) so that each kind of result is still one query; on
PostgreSQL the database does them (``samverkan/search.py``). Matching words are
marked by ``highlight()`` on both, after escaping.
"""

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import mark_safe

MAX_QUERY = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
# Letters and digits, not "_": the words of a PostgreSQL text query.
_WORD = re.compile(r"[^\W_]+")
# Common Swedish endings (definite and plural forms, genitive s), longest first.
_ENDINGS = sorted(
    {
        "arnas", "ernas", "ornas", "arna", "erna", "orna", "ande", "ende", "heten",
        "hetens", "ens", "ans", "ets", "ars", "ers", "an", "en", "et", "na", "ar",
        "er", "or", "s",
    },
    key=len,
    reverse=True,
)  # fmt: skip
_STEM_MIN = 4
# Sentinels SearchHeadline puts around the words it marks (never in clean text).
MARK_START, MARK_STOP = "\x02", "\x03"


def clean_query(text):
    """The query as searched: no control characters, single spaces, at most 100 chars."""
    return " ".join(_CONTROL.sub(" ", text or "").split())[:MAX_QUERY]


@lru_cache(maxsize=4096)
def _fold_char(char):
    base = unicodedata.normalize("NFKD", char)[:1] or char
    lower = base.lower()
    return lower if len(lower) == 1 else base


def fold(text):
    """Lower case without accents, one character for each character of ``text``."""
    return "".join(_fold_char(char) for char in text)


def stem(word):
    """A folded word without a common Swedish ending, keeping at least 4 letters."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _STEM_MIN:
            return word[: -len(ending)]
    return word


def words(text):
    return _WORD.findall(fold(text))


@dataclass
class Terms:
    """A cleaned query as groups of alternatives; an alternative is a tuple of prefixes."""

    text: str
    groups: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.groups)

    @property
    def prefixes(self):
        """The words of one-word alternatives: ``highlight`` marks words starting so."""
        return sorted({alt[0] for group in self.groups for alt in group if len(alt) == 1}, key=len)

    @property
    def phrases(self):
        """Alternatives of several words ("kc rd", "regional utvecklingsstrategi"):
        ``highlight`` marks them where they stand together."""
        return [alt for group in self.groups for alt in group if len(alt) > 1]

    def as_json(self):
        return json.dumps([[list(alt) for alt in group] for group in self.groups])

    def tsquery(self):
        """The terms as a PostgreSQL ``to_tsquery`` text (only letters and digits)."""
        return " & ".join(
            "(" + " | ".join("(" + " & ".join(f"{w}:*" for w in alt) + ")" for alt in group) + ")"
            for group in self.groups
        )


def parse(text, synonyms=None):
    """The ``Terms`` of a cleaned query; ``synonyms`` maps a folded abbreviation
    ("kc/rd", "rus", "kd") to what it stands for."""
    synonyms = synonyms or {}
    terms = Terms(text)
    for chunk in text.split():
        folded = fold(chunk).strip(".,;:!?()\"'”“")
        expansion = synonyms.get(folded)
        chunk_words = words(chunk)
        if expansion:
            # A one-letter abbreviation ("S") as a prefix would match half the registry.
            alternatives = [tuple(chunk_words)] if len("".join(chunk_words)) > 1 else []
            for meaning in expansion:
                meaning_words = tuple(stem(w) for w in words(meaning))
                if meaning_words and meaning_words not in alternatives:
                    alternatives.append(meaning_words)
            if alternatives:
                terms.groups.append(alternatives)
            continue
        for word in chunk_words:
            alternatives = [(word,)]
            if stem(word) != word:
                alternatives.append((stem(word),))
            terms.groups.append(alternatives)
    return terms


def _matches(prefix, text_words):
    # Inside a word too: Swedish compounds ("råd" finds "Länsdelsrådet").
    if len(prefix) >= COMPOUND_PART:
        return any(prefix in word for word in text_words)
    return any(word.startswith(prefix) for word in text_words)


# Words at least this long also match inside a compound word.
COMPOUND_PART = 3


def _near(prefix, text_words):
    """A typo: a word of about the same length that differs by a letter or two."""
    if len(prefix) < 4:
        return False
    return any(
        abs(len(word) - len(prefix)) <= 2
        and difflib.SequenceMatcher(None, prefix, word).ratio() >= 0.8
        for word in text_words
    )


def score(name, rest, terms_json):
    """How well a record matches: 0 for no match, more for matches in the name.

    ``name`` is the record's name (titles, short names), ``rest`` its other text;
    a name word a letter or two off counts too (typos). SQLite calls this as
    ``sv_score(name, rest, terms)`` for every candidate row.
    """
    groups = json.loads(terms_json)
    name_words = words(name or "")
    rest_words = words(rest or "")
    total = 0.0
    for group in groups:
        best = 0.0
        for alternative in group:
            if all(_matches(w, name_words) for w in alternative):
                best = max(best, 3.0)
            elif all(_matches(w, name_words) or _matches(w, rest_words) for w in alternative):
                best = max(best, 1.0)
            elif all(_near(w, name_words) for w in alternative):
                best = max(best, 1.5)
        if not best:
            return 0.0
        total += best
    if name_words == [w for group in groups for w in group[0]]:
        total += 5  # the whole name, as typed
    return total


def _marked_spans(text, terms):
    """(start, end) of each word of ``text`` that starts with one of the terms'
    prefixes, and of each run of words that starts with one of their phrases."""
    folded = fold(text)
    spans = []
    for phrase in terms.phrases:
        pattern = r"(?<![^\W_])" + r"[^\W_]*[\W_]+".join(map(re.escape, phrase)) + r"[^\W_]*"
        spans += [(m.start(), m.end()) for m in re.finditer(pattern, folded)]
    prefixes = terms.prefixes
    for match in _WORD.finditer(folded):
        if any(match.group(0).startswith(p) for p in prefixes):
            spans.append((match.start(), match.end()))
    merged = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _highlight_plain(text, terms):
    out, last = [], 0
    for start, end in _marked_spans(text, terms):
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


def highlight(text, terms):
    """``text`` escaped for HTML, with the words that match the terms in ``<mark>``.

    Words already marked by the database (between ``MARK_START`` and ``MARK_STOP``)
    stay marked.
    """
    out = []
    for n, part in enumerate(re.split(f"[{MARK_START}{MARK_STOP}]", text or "")):
        if n % 2:
            out.append(f"<mark>{escape(part)}</mark>")
        else:
            out.append(_highlight_plain(part, terms))
    return mark_safe("".join(out))  # every piece is escaped


def snippet(text, terms, size=28):
    """About ``size`` words of ``text`` around its first match, marked; "" if none."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    spans = _marked_spans(text, terms)
    if not spans:
        return ""
    pieces = list(re.finditer(r"\S+", text))
    first = next(n for n, piece in enumerate(pieces) if piece.end() > spans[0][0])
    start = max(0, first - size // 3)
    end = min(len(pieces), start + size)
    part = text[pieces[start].start() : pieces[end - 1].end()]
    return ("… " if start else "") + highlight(part, terms) + (" …" if end < len(pieces) else "")


def register_sqlite_functions(sender, connection, **kwargs):
    """Give each SQLite connection ``sv_score`` (see ``score``)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("sv_score", 3, score, deterministic=True)
