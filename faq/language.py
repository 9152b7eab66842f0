"""Cheap language detection for pt, en and es, for messages that arrive without a language.

Counting common words is enough here: the three languages differ in their function words, and a
wrong guess only changes which phrasings are preferred and the language of the reasons, never
whether an outage is seen (the lexicons of every language are always consulted).
"""

from __future__ import annotations

from faq.normalize import tokens

LANGUAGES = ("pt", "en", "es")
DEFAULT_LANGUAGE = "pt"


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_WORDS: dict[str, frozenset[str]] = {
    "pt": _wordset(
        """
        o os a as um uma uns umas do da dos das no na nos nas ao aos pelo pela em com para por
        e ou mas que se nao sim voce voces eu ele ela nos meu minha meus minhas seu sua teu tua
        esta estou estao esta estava ta tem tenho temos tinha ter ser sou foi era sao isso isto
        esse essa aqui ali agora hoje ontem amanha ja ainda tambem muito muita pouco mais menos
        tudo nada nenhum nenhuma todos todas algum alguma como qual quais quanto quantos onde
        quando porque oi ola obrigado obrigada valeu bom boa dia tarde noite quero queria preciso
        posso pode consigo funciona funcionando caiu travando travou canal canais sinal aparelho
        celular pagamento paguei boleto assinatura plano cancelar atendente falar pessoa ajuda
        precisando suporte cobraram errado recebi consigo conseguindo nenhum sinal tela imagem
        aplicativo filmes series jogo instalar configurar senha teste gratis vencimento depois
        """
    ),
    "en": _wordset(
        """
        the a an of to in on at for with from by and or but not no yes i you he she it we they my
        your our their me is are was were be been am do does did have has had can could will would
        should this that these those there here now today yesterday what which how where when why
        who all any some every nothing everything hi hello hey thanks thank please want need
        working work works down channel channels signal service account payment paid charged
        cancel talk speak person agent human install app watch movies price plan trial free
        buffering screen black sound again still just only very much too
        """
    ),
    "es": _wordset(
        """
        el la los las un una unos unas del al en con para por y o pero que si no mi mis tu tus su
        sus yo usted ustedes nosotros es son esta estan estoy fue era hay tiene tienen tengo
        tenemos puedo puede funciona funcionan canal canales senal servicio cuenta pago pague
        cobro cancelar quiero necesito hablar persona agente ahora hoy ayer manana ya todavia
        tambien muy mucho poco mas todo nada ningun ninguna ninguno todos algun alguna como cual
        cuanto cuantos donde cuando porque hola gracias buenos buenas dias tardes noches
        aplicacion peliculas partido instalar contrasena prueba gratuita gratis cortes sonido
        pantalla negra se cae cayo caido esto eso aqui mismo desde hace
        """
    ),
}
_MARKS = {"pt": ("ã", "õ", "ç", "ê", "ô", "à"), "es": ("ñ", "¿", "¡")}
# Spelling habits of words missing from the lists: "-ção", "nh", "lh" are Portuguese, "-ción",
# "ll" Spanish, "-ing", "th", "w" English.
_ENDINGS = {
    "pt": ("cao", "coes", "oes", "aram", "eram", "iram", "ando", "inho", "inha"),
    "es": ("cion", "ciones", "aron", "ieron", "ando"),
    "en": ("ing", "ed", "ly"),
}
_INNER = {"pt": ("nh", "lh"), "es": ("ll",), "en": ("th", "w")}


def parse_language(code: str | None) -> str | None:
    """pt, en or es from a language code such as "pt-BR", "en_US" or "es"; None if absent or other.

    Telegram reports regional codes; the desk only distinguishes the three languages.
    """
    if not code:
        return None
    base = code.strip().lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else None


def detect_language(text: str, default: str = DEFAULT_LANGUAGE, words: list[str] | None = None) -> str:
    """The most likely of pt, en and es; `default` when nothing tells them apart.

    `words` are the text's normalised words when the caller already has them.
    """
    lowered = text.lower()
    scores = dict.fromkeys(LANGUAGES, 0.0)
    for lang, marks in _MARKS.items():
        scores[lang] += 2.0 * sum(mark in lowered for mark in marks)
    for word in (tokens(text) if words is None else words)[:200]:
        known = [lang for lang in LANGUAGES if word in _WORDS[lang]]
        for lang in known:
            scores[lang] += 1.0
        if not known and len(word) > 3:
            for lang in LANGUAGES:
                if word.endswith(_ENDINGS[lang]) or any(part in word for part in _INNER[lang]):
                    scores[lang] += 0.5
    best = max(scores.values())
    if best == 0:
        return default
    leaders = [lang for lang in LANGUAGES if scores[lang] == best]
    return default if default in leaders else leaders[0]
