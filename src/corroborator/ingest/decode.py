"""Bytes to text: encoding detection that never crashes, and binary detection."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

# Share of control characters (other than tab/newline/CR/form feed) above which a byte
# string is treated as binary. Set from a handful of PDFs, images and gzip members,
# which all score above 0.10, while scraped text in legacy encodings scores 0.
BINARY_CONTROL_SHARE = 0.05
_SNIFF_BYTES = 8192

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    replaced: bool = False  # undecodable bytes were replaced by U+FFFD


def looks_binary(data: bytes) -> bool:
    """Whether ``data`` looks like a binary file rather than text in some encoding."""
    head = data[:_SNIFF_BYTES]
    if not head:
        return False
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls / len(head) > BINARY_CONTROL_SHARE


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode bytes of unknown encoding: BOM, then UTF-8, then a declared charset, then detection.

    Never raises: as a last resort undecodable bytes become U+FFFD and ``replaced`` is set.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(name), name)
            except UnicodeDecodeError:
                break
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    damaged = _damaged_utf8(data)
    if damaged is not None:
        return Decoded(damaged, "utf-8", replaced=True)
    if declared:
        try:
            return Decoded(data.decode(declared), declared.lower())
        except (UnicodeDecodeError, LookupError):
            pass
    western = _western(data)
    if western is not None:
        return Decoded(western, "cp1252")
    best = from_bytes(data[: 1 << 20]).best()
    if best is not None and best.encoding:
        try:
            return Decoded(data.decode(best.encoding), best.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    # Mostly UTF-8 with a few bad bytes (a truncated multi-byte sequence, a stray
    # latin-1 byte): keep the text and mark the damage rather than refuse the document.
    return Decoded(data.decode("utf-8", errors="replace"), "utf-8", replaced=True)


# A UTF-8 lead byte with its continuation bytes. Legacy single-byte text almost never forms these.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _damaged_utf8(data: bytes) -> str | None:
    """``data`` as UTF-8 with U+FFFD for bad bytes, when valid UTF-8 sequences outnumber the bad ones."""
    text = data.decode("utf-8", errors="replace")
    valid = len(_UTF8_MULTIBYTE.findall(data))
    return text if valid and valid >= text.count("\ufffd") else None


def _western(data: bytes) -> str | None:
    """``data`` as cp1252 when that reads as Western European text, else None.

    Detectors cannot tell cp1252 from cp1250/latin-2 on short texts (the same bytes are valid in
    both); English-language news in a legacy encoding is overwhelmingly cp1252, so it wins when
    every non-ASCII character it yields is a Latin-1 letter or common typographic punctuation.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    for ch in set(text):
        if ord(ch) < 128:
            continue
        if "\u00c0" <= ch <= "\u00ff" and ch not in "\u00d7\u00f7":
            continue
        if ch in "\u00a0\u00a3\u00a9\u00ab\u00b0\u00bb\u00b4\u00bd\u20ac\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2022\u2026\u2122":
            continue
        return None
    return text
