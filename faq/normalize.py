"""Text normalisation shared by the knowledge base, the matcher and the lexicons.

Subscribers write in all caps, without accents, with emojis, stretched letters ("caiuuuu") and
chat abbreviations ("vc", "n", "nd"). Both sides of every comparison go through `normalize`, so a
phrase written properly in the knowledge base or the policy still meets the message as typed.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^a-z0-9]+")
_STRETCHED = re.compile(r"([a-z])\1{2,}")
_DOUBLED = re.compile(r"([a-z])\1+")
# Combining marks that NFKD splits off Latin letters (accents, cedilla, tilde); removed rather
# than turned into spaces so "ação" stays one word.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")

# Chat abbreviations of pt-BR (and a few of en/es) and what they stand for. The expansions are
# never keys themselves, so expanding twice changes nothing.
SLANG: dict[str, str] = {
    "vc": "voce",
    "vcs": "voces",
    "c": "voce",
    "n": "nao",
    "naum": "nao",
    "nd": "nada",
    "mt": "muito",
    "mto": "muito",
    "mta": "muita",
    "q": "que",
    "oq": "o que",
    "pq": "porque",
    "tb": "tambem",
    "tbm": "tambem",
    "ta": "esta",
    "tao": "estao",
    "tou": "estou",
    "td": "tudo",
    "tds": "todos",
    "hj": "hoje",
    "agr": "agora",
    "msm": "mesmo",
    "blz": "beleza",
    "vlw": "valeu",
    "obg": "obrigado",
    "pfv": "por favor",
    "pf": "por favor",
    "qdo": "quando",
    "qnd": "quando",
    "qto": "quanto",
    "qts": "quantos",
    "cmg": "comigo",
    "pra": "para",
    "pras": "para as",
    "pro": "para o",
    "pros": "para os",
    "xq": "porque",
    "dnd": "donde",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "u": "you",
    "ur": "your",
    "r": "are",
    "cant": "can not",
    "dont": "do not",
    "doesnt": "does not",
    "isnt": "is not",
    "arent": "are not",
    "wont": "will not",
    "didnt": "did not",
    "wasnt": "was not",
}


def _fold(text: str) -> str:
    """Lower case without accents, everything but ASCII letters and digits turned into spaces."""
    if text.isascii():
        return _NOT_WORD.sub(" ", text.lower())
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return _NOT_WORD.sub(" ", _COMBINING.sub("", decomposed))


def normalize(text: str) -> str:
    """The comparable form of a text: folded, stretched letters shortened, abbreviations expanded.

    Idempotent, so a normalised phrase may be normalised again (the knowledge base and the
    lexicons are normalised once at load, messages once per call).
    """
    folded = _STRETCHED.sub(r"\1", _fold(text.replace("'", "").replace("’", "")))
    return " ".join(SLANG.get(word, word) for word in folded.split())


def tokens(text: str) -> list[str]:
    """The words of a text after `normalize`."""
    return normalize(text).split()


def squeeze(word: str) -> str:
    """`word` with every doubled letter single ("caiuu" -> "caiu", "buffering" -> "bufering").

    Applied to both sides of a fuzzy comparison, it makes stretched and doubled letters free.
    """
    return _DOUBLED.sub(r"\1", word)
