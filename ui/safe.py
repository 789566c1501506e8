"""Text that came from a file or a person (file, sheet and unit names, header cells, cell values quoted in messages),
made inert before Streamlit renders it.

`md` for st.markdown / st.caption / st.info / st.warning / st.error / st.success / expander labels: every character
that Markdown, GFM or Streamlit give a meaning is backslash-escaped — \\ ` * _ { } [ ] ( ) # + - . ! | < > ~ $ : @ & —
so no link, image, autolink (`http://…`, `www.…`, `a@b.vn`), emphasis, heading, list, table, raw HTML, entity,
LaTeX (`$`), colored text (`:red[…]`), badge or icon (`:material/…:`) can be formed; with every colon escaped,
Streamlit does not even load its emoji plugin for the text. Line breaks become spaces (a message is one line; a new
line could start a block). Slashes, commas, quotes and % stay as they are, so dates and sentences read unchanged.
`code` puts text in an inline code span that nothing inside can close; `h` is `html.escape` for text placed in HTML.
"""

from __future__ import annotations

import html
import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:@&])")
_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _flat(value: object) -> str:
    return _CONTROL.sub("", _BREAKS.sub(" ", "" if value is None else str(value)))


def md(value: object) -> str:
    """`value` shown literally inside Markdown."""
    return _SPECIAL.sub(r"\\\1", _flat(value))


def code(value: object) -> str:
    """`value` as an inline code span (cell references such as `Đơn thư!D14`): a fence longer than any run of backticks
    inside, padded with spaces only when the text starts or ends with a backtick or a space (so «`A1`» stays «`A1`»)."""
    text = _flat(value)
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text[0] in "` " or text[-1] in "` " else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def h(value: object) -> str:
    """`value` as HTML text or attribute value."""
    return html.escape("" if value is None else str(value), quote=True)
