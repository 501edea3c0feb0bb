"""Officer names read back as the tables show them ("Ofc. Emily Murphy", "Murphy, Emily", "#4411").

The camera list shows a holder as the rank's abbreviation, first and last name and "#badge"; the
officer list as "Last, First" with the rank beside it; exports as "Ofc. Emily Murphy (badge 4411)".
Typed or pasted back into a search box, each form is split here into the rank (a filter) and the
words each of which must match a first name, a last name or a badge number: the lookups that have
their trigram indexes on PostgreSQL (assignments' officer_search_trigram_indexes).
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Officer

# "ofc", "officer", "sgt", "sergeant", ... -> the rank; matched with the trailing dot removed.
RANK_WORDS: dict[str, str] = {
    **{label.lower(): value for value, label in Officer.Rank.choices},
    **{abbreviation.lower().rstrip("."): rank for rank, abbreviation in Officer.RANK_ABBREVIATIONS.items()},
}
# Punctuation the tables and exports put around a name or badge: "Murphy, Emily", "#4411", "(badge 4411)".
_WRAPPING = "#(),;:[]\"'."
_FILLER = {"badge", "no", "no."}


@dataclass(frozen=True)
class NameQuery:
    words: tuple[str, ...]
    rank: str | None = None


def parse(text: str) -> NameQuery:
    """The rank named in `text` (the first rank word, when other words follow or it stands alone)
    and the remaining words, stripped of the punctuation the tables add."""
    tokens = text.replace(",", " ").split()
    rank = None
    words: list[str] = []
    for token in tokens:
        key = token.lower().rstrip(".")
        if rank is None and key in RANK_WORDS:
            rank = RANK_WORDS[key]
            continue
        word = token.strip(_WRAPPING).strip()
        if word and (word.lower() not in _FILLER or len(tokens) == 1):
            words.append(word)
    return NameQuery(words=tuple(words), rank=rank)
