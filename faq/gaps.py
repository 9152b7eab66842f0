"""FAQ gaps: what customers asked that the knowledge base could not answer, as managers read it.

A gap is worth a manager's time when it is a question a KB author could write an entry for, so
what is recorded is filtered and keyed here: "hmm", "ok", "kkkk", a greeting or a thank-you
(nothing left once stop words and fillers go) is noise and never recorded; the rest is keyed
by its content terms in order (`faq.terms`, synonyms mapped), so "Tem canal de pesca?" and
"vcs tem canal de PESCA" are one key. Keys that read nearly alike ("canal pesca" and
"canais pesca esportiva" are not; "canal pesca" and "canal pesk" are) are grouped when the
summary is built (`escalation.report`), since a typo must not split a count.
"""

from __future__ import annotations

import re

from faq.normalize import tokens
from faq.synonyms import load_synonyms
from faq.terms import terms_of

MAX_KEY_CHARS = 120
# Words that say nothing a KB author could answer: fillers, laughter, acknowledgements.
_FILLER_WORDS = (
    "hm hmm hum humm ah ahn eh uh ue uai opa ops oops ok okay okey blz beleza certo sim nao yes yeah "
    "yep nope no si vale dale listo entendi entendido ta bom legal show top perfeito joia lol haha "
    "hehe jaja jeje rs kk alo alguem anybody anyone hola"
)
FILLERS = frozenset(_FILLER_WORDS.split())
_LAUGHTER = re.compile(r"^(?:k{2,}|(?:ha|he|hi|ja|je|rs)+h?)$")
_SYNONYMS = load_synonyms()


def gap_key(text: str) -> str | None:
    """The grouping key of an unanswered question, or None when it is noise (nothing to answer)."""
    words = [word for word in tokens(text) if word not in FILLERS and not _LAUGHTER.match(word)]
    terms = [_SYNONYMS.get(term, term) for term in terms_of(words)]
    key = " ".join(dict.fromkeys(terms))
    return key[:MAX_KEY_CHARS] or None
