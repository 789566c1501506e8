"""Text normalisation shared by sheet, header and choice matching."""

from __future__ import annotations

import unicodedata


def norm(value: object) -> str:
    """NFC, case-folded, trimmed, inner whitespace collapsed; diacritics are kept (they change Vietnamese words)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return " ".join(text.casefold().split())


def clean(value: object) -> str:
    """NFC text with whitespace collapsed but case kept, for storing free text."""
    if value is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(value)).split())
