"""How a meeting screen is laid out and moved through: the CSS (deck.css, screen.css, print.css beside this module),
the corner line, the finding, the big numbers, the chart or list; the edge links, the keyboard and the timed advance;
and the one script that reads the screen's size for the charts' type (the `co_chu` query parameter)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from ui import charts, palette
from ui.deck.chart import BASE, HIGHEST, LOWEST, STEP
from ui.deck.model import Big, Screen

HERE = Path(__file__).parent
TONES = dict(palette.STATUS) | {"good": palette.GOOD, "bad": palette.BAD}
COLOURS = ":root { " + " ".join(f"--pt-{k.replace('_', '-')}: {v};" for k, v in palette.STATUS.items() if k) + " }"
CSS = f"<style>{COLOURS}\n{(HERE / 'deck.css').read_text(encoding='utf-8')}</style>"
SCREEN_CSS = f"<style>{(HERE / 'screen.css').read_text(encoding='utf-8')}</style>"
_PRINT = (HERE / "print.css").read_text(encoding="utf-8")
SCALE_KEY = "co_chu"  # the screen's scale (ui.deck.chart.scale_for), set by the deck's script, kept by every link
DROPPED = ("man", "in")


def print_css(total: int) -> str:
    breaks = "\n".join(
        f".st-key-pt-trang-{i} {{ page-break-after: always; break-after: page; }}" for i in range(1, total)
    )
    return f"<style>{_PRINT}\n{breaks}</style>"


def url(params: dict, n: int) -> str:
    return "?" + urlencode({k: v for k, v in params.items() if k not in DROPPED} | {"man": str(n)})


def home(params: dict) -> str:
    gone = (*DROPPED, "trinh_chieu", "tu_dong", SCALE_KEY)
    return "./?" + urlencode({k: v for k, v in params.items() if k not in gone})


def nav(params: dict, n: int, total: int) -> str:
    prev, nxt = (n - 2) % total + 1, n % total + 1
    return (
        f'<div class="pt-nav"><a class="pt-prev" href="{html.escape(url(params, prev))}" target="_self" '
        f'title="Màn hình trước">‹</a><a class="pt-next" href="{html.escape(url(params, nxt))}" target="_self" '
        f'title="Màn hình sau">›</a><a class="pt-exit" href="{html.escape(home(params))}" target="_self">'
        "Thoát trình chiếu (Esc)</a></div>"
    )


def keys(params: dict, n: int, total: int, seconds: int | None) -> str:
    """ArrowRight/PageDown/Space: next; ArrowLeft/PageUp: previous; Home/End; 1–9; Escape: back to the overview page.
    With tu_dong=N the next screen opens after N seconds (after the last comes the first).

    The screen's scale: Plotly draws text in pixels, so the script measures the window once (and again after a resize)
    and, when its scale differs from the URL's `co_chu`, reopens the same screen with it (location.replace: no history
    entry). Every link carries `co_chu`, so a meeting reloads at most once, on its first screen; a 1024×768 projector
    (scale 1, the default) never does. A guard in sessionStorage stops a loop if the parameter ever failed to stick."""
    urls = [url(params, i) for i in range(1, total + 1)]
    rule = {"w": BASE[0], "h": BASE[1], "low": LOWEST, "high": HIGHEST, "step": STEP, "key": SCALE_KEY}
    return f"""<script>
(function () {{
  const urls = {json.dumps(urls)}, n = {n}, total = urls.length, home = {json.dumps(home(params))};
  const seconds = {json.dumps(seconds)}, rule = {json.dumps(rule)};
  const scale = () => Math.min(Math.max(Math.floor(Math.min(innerWidth / rule.w, innerHeight / rule.h) * rule.step)
    / rule.step, rule.low), rule.high);
  const fit = () => {{
    const q = new URLSearchParams(location.search), want = String(scale()), have = q.get(rule.key) || String(rule.low);
    if (want === have) return false;
    q.set(rule.key, want);
    const target = location.pathname + "?" + q.toString();
    const last = JSON.parse(sessionStorage.getItem("ptScale") || "{{}}");
    if (last.target === target && Date.now() - last.at < 20000) return false;  // it did not stick: no loop
    sessionStorage.setItem("ptScale", JSON.stringify({{target, at: Date.now()}}));
    location.replace(target);
    return true;
  }};
  if (fit()) return;
  const go = (i) => {{
    const u = new URL(urls[((i - 1) % total + total) % total], location.href);
    u.searchParams.set(rule.key, String(scale()));
    window.location.href = u.toString();
  }};
  if (window.__ptKeys) document.removeEventListener("keydown", window.__ptKeys);
  if (window.__ptResize) window.removeEventListener("resize", window.__ptResize);
  clearTimeout(window.__ptTimer);
  window.__ptKeys = (e) => {{
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const k = e.key, next = ["ArrowRight", "PageDown", " ", "Spacebar"], prev = ["ArrowLeft", "PageUp"];
    if (next.includes(k)) go(n + 1); else if (prev.includes(k)) go(n - 1);
    else if (k === "Home") go(1); else if (k === "End") go(total);
    else if (/^[1-9]$/.test(k) && +k <= total) go(+k);
    else if (k === "Escape") window.location.href = home; else return;
    e.preventDefault();
  }};
  document.addEventListener("keydown", window.__ptKeys);
  let later;
  window.__ptResize = () => {{ clearTimeout(later); later = setTimeout(fit, 600); }};
  window.addEventListener("resize", window.__ptResize);
  if (seconds) window.__ptTimer = setTimeout(() => go(n + 1), seconds * 1000);
}})();
</script>"""


def esc(text: str) -> str:
    """HTML-escaped, with «95 %» kept on one line."""
    return html.escape(text).replace(" %", "\u00a0%")


def big_html(b: Big) -> str:
    if any(ch.isdigit() for ch in b.value):
        num, _, unit = b.value.partition(" ")
        value = (
            f'<div class="pt-num{" pt-long" if len(num) > 6 else ""}">{esc(num)}'
            + (f'<span class="pt-unit"> {esc(unit)}</span>' if unit else "")
            + "</div>"
        )
    else:
        value = f'<div class="pt-word">{esc(b.value)}</div>'
    badge = (
        f'<span class="pt-badge" style="background:{TONES[b.tone]}">{esc(palette.marked(b.tone))}</span> '
        if b.tone
        else ""
    )
    note = f'<div class="pt-note">{badge}{esc(b.note)}</div>' if b.note else ""
    tone = TONES.get(b.change_tone, palette.UNCHANGED)
    change = f'<div class="pt-change" style="color:{tone}">{esc(b.change)}</div>' if b.change else ""
    return f'<div class="pt-box" data-ind="{esc(b.ind)}">{value}<div class="pt-label">{esc(b.label)}</div>{note}{change}</div>'


def top_html(sel, n: int, topics: tuple[str, ...]) -> str:
    return (
        f'<div class="pt-top"><span>{esc(sel.unit.name)} · {esc(sel.window.phrase)}</span>'
        f"<span>{esc(topics[n - 1])} · {n}/{len(topics)}</span></div>"
    )


def show(screen: Screen, n: int, sel, topics: tuple[str, ...]) -> None:
    """One screen: the corner line, the finding, the big numbers, then the chart (filling the rest of the screen) or the
    list. Markdown with raw HTML (one line, so no Markdown syntax applies) keeps the text readable by AppTest."""
    parts = [top_html(sel, n, topics), f'<div class="pt-title" role="heading" aria-level="1">{esc(screen.title)}</div>']
    if screen.numbers:
        few = " pt-few" if len(screen.numbers) <= 2 else ""
        parts.append(f'<div class="pt-nums{few}">' + "".join(big_html(b) for b in screen.numbers[:4]) + "</div>")
    if screen.empty:
        parts.append(f'<div class="pt-empty">{esc(screen.empty)}</div>')
    if screen.html:
        parts.append(screen.html)
    if screen.items:
        parts.append('<ul class="pt-items">' + "".join(f"<li>{esc(t)}</li>" for t in screen.items) + "</ul>")
    st.markdown("".join(parts), unsafe_allow_html=True)
    if screen.chart is not None:
        st.plotly_chart(
            screen.chart,
            height="stretch",
            theme=None,
            config=charts.PLOTLY_CONFIG | {"staticPlot": True},
            key=f"pt-chart-{n}",
        )
