"""Sign-in (Vietnamese), the signed-in user of a session, «Đăng xuất», the audit helper, and whether this server needs
sign-in at all.

Sign-in is required when the server listens beyond this machine: `server.address` unset (Streamlit then listens on every
interface), 0.0.0.0 or any address that is not loopback — or when CH33_AUTH=1. A server bound to 127.0.0.1/localhost
(what `bash run.sh dashboard` and `python -m ui.serve` do by default) is a single-user commune PC: no sign-in, role
`tinh` on its own data (etl.access.LOCAL). AppTest has no server: it counts as localhost unless CH33_AUTH=1.

The session is kept in st.session_state. A page reload (the meeting screens move by links) starts a new Streamlit
session, so a signed-in browser also holds a random token in a cookie (SameSite=Strict, 12 hours); the server keeps only
the token's SHA-256 with the user name, in memory (a restart signs everyone out), and «Đăng xuất» forgets it.
Failed attempts are limited per session and per user name: after 5, the form refuses for 30 seconds.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import math
import os
import secrets
import threading
import time

import streamlit as st

from etl import access, accounts, audit
from ui.safe import md

KEY = "_dang_nhap"  # session_state: the signed-in user name
COOKIE = "ch33_phien"
MAX_FAILS, WAIT_SECONDS = 5, 30
SESSION_SECONDS = 12 * 3600

_LOCK = threading.Lock()
_SESSIONS: dict[str, tuple[str, float]] = {}  # sha256(token) -> (user name, expiry)
_FAILED: dict[str, list[float]] = {}  # user name -> times of the last failed attempts (any session)


def loopback(address: str | None) -> bool:
    if not address:
        return False  # unset: Streamlit listens on every interface
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: assume it is reachable from outside


def required() -> bool:
    """Sign-in is on when the server is reachable from other machines (or CH33_AUTH=1 forces it)."""
    if os.environ.get("CH33_AUTH") == "1":
        return True
    if not _served():
        return False
    return not loopback(st.get_option("server.address"))


def _served() -> bool:
    """A real Streamlit server runs this script (AppTest runs it on a mock runtime, a bare run on none)."""
    from streamlit import runtime
    from streamlit.runtime import Runtime

    return runtime.exists() and type(runtime.get_instance()) is Runtime


def accounts_path():
    from ui import data

    return accounts.path(data.database())


def current() -> access.User:
    """The user of this run: the signed-in account (re-read, so a removed account is out at once), LOCAL on a
    localhost server, NOBODY otherwise."""
    name = st.session_state.get(KEY)
    if name:
        try:
            account = accounts.get(accounts_path(), name)
        except accounts.AccountError:
            account = None
        if account:
            return access.of(account)
        st.session_state.pop(KEY, None)
    return access.NOBODY if required() else access.LOCAL


def _ip() -> str | None:
    try:
        ip = st.context.ip_address
    except Exception:  # no session (AppTest, bare run)
        return None
    return ip if isinstance(ip, str) else None


def record(action: str, unit: str | None = None, file: str | None = None, **extra) -> None:
    """One audit line for the current user (etl.audit): loads, replacements, downloads, refusals."""
    from ui import data

    who = current()
    audit.write(data.database(), action, who.name, who.role, unit, file, ip=_ip(), **extra)


def loaded_by(typed: str | None) -> str | None:
    """What the load history records as «Người nhập»: the typed name with the account that loaded it."""
    who = current()
    typed = (typed or "").strip() or None
    if not who.signed_in:
        return typed
    return f"{typed} ({who.name})" if typed else who.name


# ---------------------------------------------------------------- session token (survives a page reload)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def remember(name: str) -> str:
    token = secrets.token_urlsafe(32)
    with _LOCK:
        now = time.time()
        for k in [k for k, (_, exp) in _SESSIONS.items() if exp < now]:
            del _SESSIONS[k]
        _SESSIONS[_digest(token)] = (name, now + SESSION_SECONDS)
    return token


def resume(token: str | None) -> str | None:
    """The user name a live token stands for."""
    if not token:
        return None
    with _LOCK:
        name, expiry = _SESSIONS.get(_digest(token), (None, 0.0))
    return name if name and expiry > time.time() else None


def forget(token: str | None) -> None:
    if token:
        with _LOCK:
            _SESSIONS.pop(_digest(token), None)


def _cookie() -> str | None:
    try:
        token = st.context.cookies.get(COOKIE)
    except Exception:
        return None
    return token if isinstance(token, str) else None  # AppTest's mock runtime answers with mocks


def _cookie_script(token: str | None) -> None:
    value = (
        f"{COOKIE}={token}; path=/; max-age={SESSION_SECONDS}; SameSite=Strict"
        if token
        else f"{COOKIE}=; path=/; max-age=0; SameSite=Strict"
    )
    secure = "(location.protocol === 'https:' ? '; Secure' : '')"
    st.html(f"<script>document.cookie = {json.dumps(value)} + {secure};</script>", unsafe_allow_javascript=True)


# ---------------------------------------------------------------- attempts


def _wait(name: str, now: float) -> int:
    """Seconds before another attempt is heard (0: now), after MAX_FAILS failures in this session or for this name."""
    left = 0.0
    with _LOCK:
        lists = (st.session_state.get("_dn_sai", []), _FAILED.get(name, []))
        for fails in lists:
            if len(fails) >= MAX_FAILS:
                left = max(left, fails[-1] + WAIT_SECONDS - now)
    return math.ceil(left) if left > 0 else 0


def _failed(name: str, now: float) -> None:
    with _LOCK:
        if len(_FAILED) > 10_000:  # many names tried: forget those whose wait is over (memory stays bounded)
            for k in [k for k, v in _FAILED.items() if v[-1] + WAIT_SECONDS < now]:
                del _FAILED[k]
        st.session_state["_dn_sai"] = (st.session_state.get("_dn_sai", []) + [now])[-MAX_FAILS:]
        _FAILED[name] = (_FAILED.get(name, []) + [now])[-MAX_FAILS:]


def _attempt(name: str, password: str) -> None:
    name = accounts.normalize(name)[:64]
    now = time.time()
    wait = _wait(name, now)
    if wait:
        st.error(f"Đã đăng nhập sai {MAX_FAILS} lần. Vui lòng chờ {wait} giây rồi thử lại.", icon=":material/timer:")
        return
    try:
        account = accounts.verify(accounts_path(), name, password) if name and password else None
    except accounts.AccountError as exc:
        st.error(str(exc))
        return
    from ui import data

    if account is None:
        _failed(name, now)
        audit.write(data.database(), "sign_in_failed", name or None, None, ip=_ip())
        left = _wait(name, now)
        st.error(
            "Tên đăng nhập hoặc mật khẩu không đúng."
            + (f" Đã sai {MAX_FAILS} lần: vui lòng chờ {left} giây rồi thử lại." if left else ""),
            icon=":material/error:",
        )
        return
    with _LOCK:
        _FAILED.pop(name, None)
    st.session_state.pop("_dn_sai", None)
    st.session_state[KEY] = account.username
    st.session_state["_dn_token"] = remember(account.username)
    st.session_state["_dn_cookie"] = st.session_state["_dn_token"]
    audit.write(data.database(), "sign_in", account.username, account.role, account.unit, ip=_ip())
    st.rerun()


def _form() -> None:
    st.title("Đăng nhập")
    st.markdown("**Theo dõi thực hiện Chỉ thị 33/CT-TTg** — máy chủ này phục vụ nhiều đơn vị nên cần đăng nhập.")
    try:
        none_yet = not accounts.load(accounts_path())
    except accounts.AccountError as exc:
        st.error(str(exc))
        return
    if none_yet:
        st.warning(
            "Máy chủ chưa có tài khoản nào. Người quản trị tạo tài khoản trên máy chủ bằng lệnh "
            "`python -m etl user add TÊN --role tinh` (xem README, mục «Đăng nhập và phân quyền»).",
            icon=":material/person_off:",
        )
    with st.form("dang_nhap", clear_on_submit=True, width=420):
        name = st.text_input("Tên đăng nhập", key="dn_ten", max_chars=64, autocomplete="username")
        password = st.text_input(
            "Mật khẩu", key="dn_mat_khau", type="password", max_chars=256, autocomplete="current-password"
        )
        sent = st.form_submit_button("Đăng nhập", type="primary", key="dn_gui", icon=":material/login:")
    if sent:
        _attempt(name, password)


def _sign_out() -> None:
    who = current()
    from ui import data

    audit.write(data.database(), "sign_out", who.name, who.role, who.unit, ip=_ip())
    forget(st.session_state.get("_dn_token"))
    st.session_state.clear()
    st.session_state["_dn_cookie"] = ""  # the next run clears the browser's cookie


def _signed_in_box(who: access.User) -> None:
    with st.sidebar:
        st.markdown(f"Đăng nhập: **{md(who.name)}**  \n{md(access.describe(who))}")
        st.button("Đăng xuất", key="dang_xuat", on_click=_sign_out, icon=":material/logout:")


def gate(pages: list | None = None) -> access.User:
    """The user of this session. When sign-in is required and nobody is signed in: the sign-in form, then st.stop()
    (with `pages`, the router's pages are registered hidden so a direct link opens its page after sign-in)."""
    if not required():
        return access.LOCAL
    if "_dn_cookie" in st.session_state:
        _cookie_script(st.session_state.pop("_dn_cookie") or None)
    if not st.session_state.get(KEY):
        token = _cookie()
        name = resume(token)
        if name:
            st.session_state[KEY], st.session_state["_dn_token"] = name, token
    who = current()
    if who.signed_in:
        _signed_in_box(who)
        return who
    if pages:
        st.navigation(pages, position="hidden")
    _form()
    st.stop()


def refuse(message: str, url_path: str | None = None, unit: str | None = None) -> None:
    """A refusal on screen and in the audit log; the run stops."""
    record("denied", unit=unit, page=url_path, detail=message)
    st.error(message, icon=":material/block:")
    st.stop()


def page_refusal(url_path: str) -> str:
    who = current()
    return (
        f"Tài khoản {md(who.name or '')} ({md(access.describe(who))}) không được mở trang này. "
        "Chọn một trang trong danh sách bên trái."
    )


def navigation(pages: list, who: access.User) -> list:
    """The router's pages for this user: those they may open, then a hidden refusal under the url of each other one
    (so a typed or shared link to it says why, instead of opening another page). The page scripts they may not open
    are not in the navigation at all."""
    allowed = [p for p in pages if access.can_open(who, url_of(p))]
    if len(allowed) == len(pages):
        return pages
    shown = {url_of(p) for p in allowed}

    def stand_in(page):
        url = url_of(page)

        def refused() -> None:
            if url == access.PAGES[0] and allowed:  # «/»: a role without the overview starts on its first page
                st.switch_page(allowed[0], query_params=st.query_params.to_dict())
            st.title(page.title)
            refuse(page_refusal(url), url_path=url)

        refused.__name__ = "tu_choi_" + url.replace("-", "_")
        return st.Page(refused, title=page.title, icon=page.icon or None, url_path=url, visibility="hidden")

    return allowed + [stand_in(p) for p in pages if url_of(p) not in shown]


def url_of(page) -> str:
    """A page's url path; Streamlit reports "" for the default page, which is the overview («tong-quan»)."""
    return page.url_path or access.PAGES[0]
