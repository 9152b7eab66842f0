"""Content terms of a question: the words that say what it is about, in a comparable form.

FAQ matching weighs words by how rare they are in the knowledge base, so words that carry no
topic (articles, pronouns, "how", "please", "I would like to know") are dropped first, and the
rest are reduced to a light stem so that "instalar", "instalo" and "instalação" meet.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from faq.normalize import squeeze, tokens


def _words(*lines: str) -> frozenset[str]:
    return frozenset(" ".join(lines).split())


STOPWORDS: frozenset[str] = _words(
    # pt
    "o os a as um uma uns umas do da dos das no na nos nas num numa ao aos pelo pela pelos pelas ",
    "de em com para por sem sobre entre ate e ou mas que se nao sim eu voce voces ele ela eles ",
    "elas nos meu minha meus minhas seu sua seus suas teu tua isso isto esse essa esses essas ",
    "este esta estes estas aquele aquela aqui ali la ja ainda tambem muito muita muitos muitas ",
    "mais menos bem so como qual quais quanto quanta quantos quantas onde quando porque por que ",
    "oi ola bom boa dia tarde noite ola obrigado obrigada favor ai gostaria queria quero queriamos ",
    "saber preciso precisa precisar precisava pode podem posso poderia consigo da ser sou e foi era ",
    "sao estou esta usar uso usa manda mande mandar enviar envia ",
    "estao estava tem tenho temos tinha ter ha vai vou faz fazer faco fiz algum alguma alguem ",
    "duvida pergunta ajuda ajudar agora entao tipo coisa existe existem la lo le ver vejo vi ",
    "encontrar encontro acho achar olhar algo tudo beleza pessoal galera mano amigo amiga valeu ",
    "antes depois tardes noites dao direto ",
    # en
    "the a an of to in on at for with from by about and or but not no yes i you he she it we they ",
    "my your our their me us him her them is are was were be been am do does did have has had ",
    "can could will would should may might this that these those there here what which who whom ",
    "how where when why hi hello hey please thanks thank want wanted need know like get got ",
    "any some just also its it s i m im ve ll d see find look out something use send before after ",
    "put even though itself keep keeps getting morning evening afternoon whats thats ok okay few ",
    "whole wanna gonna gotta ",
    # es
    "el la los las lo un una unos unas del al en con para por sin sobre y o pero que si no mi mis ",
    "tu tus su sus yo usted ustedes nosotros es son esta estan estoy fue era hay tiene tienen ",
    "tengo tenemos puedo puede pueden como cual cuales cuanto cuanta cuantos cuantas donde ",
    "cuando porque hola gracias buenos buenas quiero quisiera necesito saber me te se le les ",
    "nos este esto eso ese esa aqui ya muy mucho mas hacer hago veo encuentro algo usarlo enviar envio ",
    "tener dar tardes noches dias pregunta preguntar consulta algun alguna alguno van voy vamos porfa oye",
)

_REWRITES = (("coes", "cao"), ("oes", "ao"), ("aes", "ao"), ("ais", "al"), ("eis", "el"), ("ies", "y"))
_SUFFIXES = _words(
    "amento imento acao icao acion ation mente ando endo indo ing ado ada ido ida ara ira aram eram iram",
    "aron ieron amo emo imo aste iste aba aban ava avam",
    "am em ou eu iu ei ed ar ir o a e",
)
_SUFFIXES_LONGEST_FIRST = tuple(sorted(_SUFFIXES, key=lambda suffix: (-len(suffix), suffix)))
_MIN_STEM = 4
MIN_CODE_DIGITS = 3


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light, language-neutral stem: plural and common verb/noun endings of pt, es and en removed.

    Deliberately crude: both sides of a comparison are stemmed the same way, and fuzzy matching
    absorbs what the stem does not unify. Expects a normalised word (no accents, lower case).
    """
    word = squeeze(word)
    for ending, replacement in _REWRITES:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            word = word[: -len(ending)] + replacement
            break
    else:
        if word.endswith("s") and len(word) > _MIN_STEM:
            word = word[:-1]
    for suffix in _SUFFIXES_LONGEST_FIRST:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


def content_terms(text: str) -> list[str]:
    """The distinct stems of the topic-bearing words of `text`, in order of appearance."""
    return terms_of(tokens(text))


def terms_of(words: Iterable[str], codes: bool = False) -> list[str]:
    """`content_terms` for words that are already normalised (see `faq.normalize.tokens`).

    Numbers are dropped ("paguei 3 meses", a ticket number) unless `codes` keeps those of
    `MIN_CODE_DIGITS` digits or more: the FAQ matcher reads "error 401" or the app code "48213"
    as evidence for the entry that names it.
    """
    seen: dict[str, None] = {}
    for word in words:
        if word in STOPWORDS or len(word) < 2:
            continue
        if word.isdigit() and not (codes and len(word) >= MIN_CODE_DIGITS):
            continue
        seen.setdefault(stem(word), None)
    return list(seen)
