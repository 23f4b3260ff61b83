"""How Vietnamese text becomes search terms.

Buyers type on phones, mostly without diacritics: "vai thieu" must find "Vải thiều". Every
text is indexed twice: once accented (NFC, lower case) and once folded (core.text.fold: no
diacritics, đ -> d). A query matches the folded form; a match on the accented form as well
scores higher, so "mè" (sesame) ranks "Muối mè" above "Mứt me" (tamarind) and "me" the reverse.
"""
import re
import unicodedata

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, Tokenizer

from ..core.text import fold

MAX_QUERY_CHARS = 200
MAX_TOKENS = 10
MAX_TOKEN_CHARS = 30
_WORD = re.compile(r"\w+")


class _NfcTokenizer(Tokenizer):
    """Split NFC text into words; NFD input (combining marks) would otherwise split mid-word."""

    def __init__(self):
        self._inner = RegexTokenizer(r"\w+")

    def __eq__(self, other):
        return isinstance(other, _NfcTokenizer)

    def __call__(self, value, **kwargs):
        return self._inner(unicodedata.normalize("NFC", value), **kwargs)


class _FoldFilter(Filter):
    def __eq__(self, other):
        return isinstance(other, _FoldFilter)

    def __call__(self, tokens):
        for t in tokens:
            t.text = fold(t.text)
            yield t


def accented_analyzer():
    return _NfcTokenizer() | LowercaseFilter()


def folded_analyzer():
    return _NfcTokenizer() | LowercaseFilter() | _FoldFilter()


def accented(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").lower()


def query_tokens(text: str | None) -> list[tuple[str, str]]:
    """The words of what a buyer typed, as (accented, folded) pairs; bounded so that a pasted
    essay costs no more than a short query."""
    words = _WORD.findall(accented((text or "")[: MAX_QUERY_CHARS * 4])[:MAX_QUERY_CHARS])
    pairs = []
    for word in words[:MAX_TOKENS]:
        word = word[:MAX_TOKEN_CHARS].replace("_", "")
        if word:
            pairs.append((word, fold(word)))
    return pairs


# Words buyers use for the same thing in the North and the South (folded forms).
SYNONYMS = {"tra": "che", "che": "tra", "heo": "lon", "lon": "heo", "bap": "ngo", "ngo": "bap",
            "thom": "khom", "khom": "thom", "lac": "phong", "mi": "mien"}


def transpositions(word: str) -> list[str]:
    """One swap of neighbouring letters ("thiue" -> "thieu"): a common thumb slip that plain
    edit distance counts as two edits."""
    return sorted({word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)} - {word})


def folded_words(text: str | None) -> list[str]:
    """All words of a stored text, folded (no limits: this is what gets indexed)."""
    return [w.replace("_", "") for w in _WORD.findall(fold(unicodedata.normalize("NFC", text or "")))]
