"""Bytes and header words to text, never raising: the charsets mail declares, and what mailers
really mean by them.

Mail lies about its charsets (Latin-1 declared, Windows-1252 sent; none declared, UTF-8 sent;
a name Python does not know), so every decoding here falls back instead of failing: the
declared charset read as its common superset, then UTF-8, then either with the odd bad byte
replaced, then Windows-1252, then Latin-1, which reads any bytes.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re

__all__ = ["CHARSET_SUPERSETS", "decode_bytes", "decode_words", "recover"]

#: Declared charsets read as the superset that mailers really mean by them (as browsers do).
CHARSET_SUPERSETS = {
    "us-ascii": "utf-8",
    "ascii": "utf-8",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "shift_jis": "cp932",
    "big5": "big5hkscs",
    "iso-2022-jp": "iso2022_jp_ext",
}
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")


def decode_bytes(data: bytes, declared: str | None) -> str:
    """``data`` as text, never raising: in the ``declared`` charset (read as its common superset:
    GB2312 as GB18030, Latin-1 as Windows-1252...) when it is known and fits, else UTF-8; else
    either of them with the odd undecodable byte replaced when such bytes are rare; else
    Windows-1252; else Latin-1, which reads any bytes."""
    candidates = [*_known_charset(declared), "utf-8"]
    for charset in candidates:
        try:
            return data.decode(charset)
        except UnicodeError:
            continue
    for charset in candidates:
        text = data.decode(charset, "replace")
        if _rarely_replaced(text, data):
            return text
    try:
        return data.decode("cp1252")
    except UnicodeError:
        return data.decode("latin-1")


def _known_charset(declared: str | None) -> list[str]:
    """The text codec to read ``declared`` with, or none when Python knows no such text codec."""
    if not declared:
        return []
    name = declared.strip().strip('"').split("*")[0].lower()
    name = CHARSET_SUPERSETS.get(name, name)
    try:
        known = codecs.lookup(name)._is_text_encoding
    except (LookupError, UnicodeError, ValueError):  # unknown, or not even a plausible name
        return []
    return [name] if known else []


def _rarely_replaced(text: str, data: bytes) -> bool:
    """At most one in twenty of the non-ASCII bytes became a replacement character."""
    replaced = text.count("\ufffd")
    return replaced * 20 <= sum(byte >= 0x80 for byte in data)


def decode_words(value: str) -> str:
    """A header value with its RFC 2047 encoded words decoded and raw 8-bit bytes recovered.

    Whitespace between two encoded words is dropped, as the RFC says; adjacent encoded words in
    the same charset are decoded together, since many mailers split a character across two words.
    """
    pieces: list[str] = []
    run: list[bytes] = []
    run_charset = ""
    position = 0
    for match in _ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        charset, data = match.group(1), _word_bytes(match.group(2), match.group(3))
        joins_run = bool(run) and (not between or between.isspace()) and charset.lower() == run_charset
        if not joins_run:
            _flush(run, run_charset, pieces)
            run = []
            if between and not (position and between.isspace()):
                pieces.append(recover(between))
        if data is None:
            pieces.append(match.group(0))
        else:
            run.append(data)
            run_charset = charset.lower()
        position = match.end()
    _flush(run, run_charset, pieces)
    pieces.append(recover(value[position:]))
    return "".join(pieces)


def _flush(run: list[bytes], charset: str, pieces: list[str]) -> None:
    if run:
        pieces.append(decode_bytes(b"".join(run), charset))


def _word_bytes(encoding: str, encoded: str) -> bytes | None:
    try:
        if encoding in "bB":
            return base64.b64decode(encoded + "=" * (-len(encoded) % 4))
        return quopri.decodestring(encoded.replace("_", " ").encode("ascii", "surrogateescape"), header=True)
    except (binascii.Error, ValueError):
        return None


def recover(text: str) -> str:
    """Text in which the parser kept undecodable bytes as surrogates, decoded as well as can be."""
    if not any("\udc80" <= char <= "\udcff" for char in text):
        return text
    return decode_bytes(text.encode("utf-8", "surrogateescape"), None)
