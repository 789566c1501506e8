"""Sign-in and roles (issue 10, finding 3): accounts with salted hashes and their CLI, etl.access's decisions, and the
dashboard in AppTest with CH33_AUTH=1 for each role — allowed and denied pages, data and downloads, crafted URLs —
plus the audit log and the localhost rule that keeps a single-user commune PC working without sign-in."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from etl import access, accounts, audit, reference
from tests._workbooks import book, dump, load_ok, query, tthc_row
from tests.conftest import ROOT
from ui import auth, safe
from ui.filters import unit_label

ROW = tthc_row("Hộ tịch", 2, 10, 20, 8, 20, 2, 2, 0)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PASSWORD = "mật-khẩu-đủ-dài"
USERS = {  # name -> (role, unit)
    "tinh.a": ("tinh", None),
    "xa.hoaquy": ("xa", "X04"),
    "ld.hoaquy": ("lanh_dao_xa", "X04"),
    "chieu": ("trinh_chieu", None),
}
ALL_PAGES = [
    "pages/tong_quan.py",
    "pages/so_sanh_don_vi.py",
    "pages/tinh_hinh_bao_cao.py",
    "pages/cai_cach_hanh_chinh.py",
    "pages/don_thu.py",
    "pages/tiep_cong_dan.py",
    "pages/ky_luat.py",
    "pages/tuyen_truyen.py",
    "pages/bao_cao_dinh_ky.py",
    "pages/du_lieu.py",
    "pages/nhap_so_lieu.py",
    "pages/lich_su_nhap.py",
    "pages/trinh_chieu.py",
]
DENIED = {  # role -> pages not in its navigation
    "tinh": set(),
    "xa": {"pages/so_sanh_don_vi.py"},
    "lanh_dao_xa": {"pages/so_sanh_don_vi.py", "pages/nhap_so_lieu.py"},
    "trinh_chieu": set(ALL_PAGES) - {"pages/trinh_chieu.py"},
}


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A small database (X04 and X01 in 2026, X04's predecessor NX03 in 2025), four accounts, sign-in forced."""
    tmp = tmp_path_factory.mktemp("access")
    db_file = tmp / "site.duckdb"
    for unit, key in (("X04", "2026-03"), ("X01", "2026-03"), ("NX03", "2025-03")):
        load_ok(db_file, book(tmp / unit, unit, key, {"TTHC": [ROW]}))
    env = {"CH33_DB": str(db_file), "CH33_AUTH": "1", "CH33_ACCOUNTS": str(tmp / "accounts.json")}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    for name, (role, unit) in USERS.items():
        accounts.add(tmp / "accounts.json", name, PASSWORD, role, unit)
    yield db_file
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(autouse=True)
def fresh_limits():
    auth._FAILED.clear()
    auth._SESSIONS.clear()
    yield


def start(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update(params)
    return at.run()


def try_sign_in(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="dn_ten").input(name)
    at.text_input(key="dn_mat_khau").input(password)
    return at.button(key="dn_gui").click().run()


def signed_in(name: str, page: str | None = None, **params) -> AppTest:
    at = try_sign_in(start(**params), name)
    assert not at.exception, at.exception[0].value if at.exception else ""
    assert at.session_state[auth.KEY] == name
    if page:
        at.switch_page(page).run()
    return at


def open_link(at: AppTest, url_path: str) -> AppTest:
    """What a browser asks for when /url_path is typed or shared: the page whose hash is its url path (AppTest's
    switch_page takes only files registered in the navigation)."""
    at._page_hash = calc_hash(url_path)
    return at.run()


def texts(at: AppTest) -> str:
    return "\n".join(
        [m.value for m in at.markdown]
        + [w.value for w in at.warning]
        + [i.value for i in at.info]
        + [e.value for e in at.error]
        + [t.value for t in at.title]
    )


def labels(codes) -> list[str]:
    units = reference.units()
    return [unit_label(units.get(c)) for c in codes]


# ---------------------------------------------------------------- accounts


def test_password_hash_is_salted_and_verified(tmp_path):
    p = tmp_path / "acc.json"
    a = accounts.add(p, "Xa.HoaQuy", PASSWORD, "xa", "X04")
    b = accounts.add(p, "other", PASSWORD, "tinh")
    assert a.username == "xa.hoaquy" and a.password_hash.startswith("$argon2id$")
    assert a.password_hash != b.password_hash  # same password, different salt
    assert PASSWORD not in p.read_text(encoding="utf-8")
    assert oct(p.stat().st_mode & 0o777) == "0o600"
    assert accounts.verify(p, "XA.HOAQUY", PASSWORD) == a  # names compare case-folded
    assert accounts.verify(p, "xa.hoaquy", PASSWORD + "x") is None
    assert accounts.verify(p, "ai.do", PASSWORD) is None
    assert accounts.verify(p, "xa.hoaquy", "") is None


@pytest.mark.parametrize(
    "name, password, role, unit, words",
    [
        ("x", PASSWORD, "xa", "X04", "Tên đăng nhập"),
        ("ok.name", "ngắn", "xa", "X04", "ít nhất"),
        ("ok.name", PASSWORD, "admin", None, "Vai trò «admin» không có"),
        ("ok.name", PASSWORD, "xa", None, "cần mã xã"),
        ("ok.name", PASSWORD, "lanh_dao_xa", "NX", "chỉ gắn với một xã"),
        ("ok.name", PASSWORD, "tinh", "ZZ9", "không có trong danh mục"),
    ],
)
def test_bad_accounts_are_refused_in_vietnamese(tmp_path, name, password, role, unit, words):
    with pytest.raises(accounts.AccountError, match=words):
        accounts.add(tmp_path / "acc.json", name, password, role, unit)
    assert not (tmp_path / "acc.json").exists()


def test_duplicate_and_remove(tmp_path):
    p = tmp_path / "acc.json"
    accounts.add(p, "a.b", PASSWORD, "tinh")
    with pytest.raises(accounts.AccountError, match="đã có"):
        accounts.add(p, "A.B", PASSWORD, "tinh")
    assert accounts.remove(p, "a.b").username == "a.b" and accounts.load(p) == {}
    with pytest.raises(accounts.AccountError, match="Không có tài khoản"):
        accounts.remove(p, "a.b")


def test_cli_add_list_remove_and_exit_codes(tmp_path, monkeypatch, capsys):
    from etl.__main__ import main

    env = {"CH33_ACCOUNTS": str(tmp_path / "acc.json")}
    ok = subprocess.run(  # once as people run it: a process, the password on standard input
        [sys.executable, "-m", "etl", "user", "add", "xa.hoaquy", "--role", "xa", "--unit", "X04", "--password-stdin"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=os.environ | env,
        timeout=60,
    )
    assert ok.returncode == 0 and "Đã tạo tài khoản «xa.hoaquy»" in ok.stdout and "Xã Hóa Quỳ" in ok.stdout
    assert accounts.verify(tmp_path / "acc.json", "xa.hoaquy", PASSWORD)
    monkeypatch.setenv("CH33_ACCOUNTS", env["CH33_ACCOUNTS"])

    def cli(*args: str, stdin: str = PASSWORD + "\n"):
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(["user", *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    for args, words in [
        (("add", "b", "--role", "quan_tri", "--password-stdin"), "Vai trò «quan_tri» không có"),
        (("add", "bb", "--role", "xa", "--password-stdin"), "cần mã xã"),
        (("add", "bb", "--role", "lanh_dao_xa", "--unit", "ZZ9", "--password-stdin"), "không có trong danh mục"),
        (("add", "xa.hoaquy", "--role", "tinh", "--password-stdin"), "đã có"),
        (("add", "bb", "--role", "tinh", "--password-stdin"), "ít nhất"),
        (("remove", "khong.co"), "Không có tài khoản"),
    ]:
        code, _, err = cli(*args, stdin="ngắn\n" if "bb" in args and "tinh" in args else PASSWORD + "\n")
        assert code == 2 and words in err, (args, err)
    with pytest.raises(SystemExit) as stop:  # argparse: a required option missing
        cli("add", "cc", "--password-stdin")
    assert stop.value.code == 2 and "--role" in capsys.readouterr().err
    code, out, _ = cli("list")
    assert code == 0 and "xa.hoaquy" in out and "X04 Xã Hóa Quỳ" in out and "argon2" not in out
    code, out, _ = cli("remove", "xa.hoaquy")
    assert code == 0 and "Đã xóa" in out
    assert "Chưa có tài khoản nào" in cli("list")[1]


def test_cli_asks_twice_and_refuses_a_mismatch(tmp_path, monkeypatch, capsys):
    from etl.__main__ import main

    monkeypatch.setenv("CH33_ACCOUNTS", str(tmp_path / "acc.json"))
    answers = iter([PASSWORD, PASSWORD + "khác"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["user", "add", "a.b", "--role", "tinh"]) == 2
    assert "không khớp" in capsys.readouterr().err and accounts.load(tmp_path / "acc.json") == {}
    answers = iter([PASSWORD, PASSWORD])
    assert main(["user", "add", "a.b", "--role", "tinh"]) == 0
    assert accounts.verify(tmp_path / "acc.json", "a.b", PASSWORD)


# ---------------------------------------------------------------- etl.access


def test_access_decisions_per_role():
    units = reference.units()
    tinh, xa, ld, chieu = (access.User(n, *USERS[n]) for n in USERS)
    assert access.viewable(tinh) is None and access.loadable(tinh) is None
    # a new commune sees its predecessors' history (it took over their records) but loads only its own code
    assert access.viewable(xa) == {"X04", "NX03", "NX06"} == access.viewable(ld)
    assert access.loadable(xa) == {"X04"} and access.loadable(ld) == frozenset()
    assert access.can_load(xa, "X04") and not access.can_load(xa, "NX03") and not access.can_load(xa, "X01")
    assert not access.can_view(xa, "38") and not access.can_view(xa, "X01") and not access.can_view(xa, "CUM_TAY")
    assert access.can_download_original(xa, "X04") and not access.can_download_original(ld, "X04")
    assert not access.can_load(chieu, "X04") and access.can_view(chieu, "38")
    scoped = access.User("c", "trinh_chieu", "NX")
    assert access.viewable(scoped) >= {"NX", "NX03", "NX16"} and not access.can_view(scoped, "38")
    assert not access.can_view(scoped, "X04")
    province = access.viewable(access.User("c", "trinh_chieu", "38"))
    assert "CUM_TAY" in province and "X06" in province  # a group wholly inside the unit comes with it
    for user, role in [(tinh, "tinh"), (xa, "xa"), (ld, "lanh_dao_xa"), (chieu, "trinh_chieu")]:
        for page in ALL_PAGES:
            url = Path(page).stem.replace("_", "-")
            assert access.can_open(user, url) == (page not in DENIED[role]), (role, page)
    assert set(access.choices(xa, [u.code for u in units])) == {"X04", "NX03", "NX06"}
    assert access.home(xa, ["NX03", "X04"]) == "X04" and access.home(tinh, ["38", "X04"]) == "38"
    for nobody in (access.NOBODY, access.User("x", "quan_tri", "X04")):
        assert access.viewable(nobody) == frozenset() and not access.can_load(nobody, "X04")
        assert not any(access.can_open(nobody, p) for p in access.PAGES)
    no_unit = access.User("y", "xa", None)  # a hand-edited file: a commune role without its commune sees nothing
    assert access.viewable(no_unit) == frozenset() and access.loadable(no_unit) == frozenset()
    assert access.LOCAL.role == "tinh" and access.viewable(access.LOCAL) is None


# ---------------------------------------------------------------- when sign-in is required


@pytest.mark.parametrize(
    "address, local",
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("127.0.1.1", True),
        (None, False),
        ("", False),
        ("0.0.0.0", False),
        ("192.168.1.20", False),
        ("::", False),
        ("may-chu.tinh.vn", False),
    ],
)
def test_loopback(address, local):
    assert auth.loopback(address) is local


def test_sign_in_follows_the_server_address(monkeypatch):
    import streamlit as st

    monkeypatch.delenv("CH33_AUTH", raising=False)
    assert auth.required() is False  # no server (AppTest, a bare run): localhost
    options = {"server.address": None}
    monkeypatch.setattr(auth, "_served", lambda: True)  # a real server (tested below: AppTest's mock is not one)
    monkeypatch.setattr(st, "get_option", lambda key: options[key])
    assert auth.required() is True  # unset: Streamlit listens on every interface
    options["server.address"] = "0.0.0.0"
    assert auth.required() is True
    options["server.address"] = "127.0.0.1"
    assert auth.required() is False  # a single-user commune PC
    monkeypatch.setenv("CH33_AUTH", "1")
    assert auth.required() is True


def test_dashboard_binds_to_localhost_by_default():
    from ui.serve import address_args

    assert address_args([]) == ["--server.address", "127.0.0.1"]
    assert address_args(["--server.address", "0.0.0.0"]) == []
    assert address_args(["--server.address=0.0.0.0"]) == []
    assert '--server.address "${ADDRESS:-127.0.0.1}"' in (ROOT / "run.sh").read_text(encoding="utf-8")


# ---------------------------------------------------------------- the dashboard, signed out


def test_nothing_shows_before_sign_in(site):
    for at in (start(don_vi="X04", ky="2026-03"), start(trinh_chieu="1", don_vi="38", ky="2026")):
        assert not at.exception
        assert [t.value for t in at.title] == ["Đăng nhập"]
        assert not at.metric and not at.dataframe and not at.get("download_button") and not at.selectbox
    for page in ("pages/nhap_so_lieu.py", "pages/lich_su_nhap.py", "pages/tong_quan.py"):  # a page run on its own
        at = AppTest.from_file(str(ROOT / page), default_timeout=120).run()
        assert [t.value for t in at.title] == ["Đăng nhập"] and not at.file_uploader and not at.dataframe


def test_wrong_password_unknown_user_and_rate_limit(site):
    at = try_sign_in(start(), "xa.hoaquy", "sai-mat-khau")
    assert any("không đúng" in e.value for e in at.error) and auth.KEY not in at.session_state
    at = try_sign_in(at, "khong.ai", PASSWORD)
    assert any("không đúng" in e.value for e in at.error)  # same words: no hint that a name exists
    for name in ("a1", "a2", "a3"):  # five failures in this session, whatever the names
        at = try_sign_in(at, name, "sai-mat-khau")
    assert any("chờ" in e.value for e in at.error)
    at = try_sign_in(at, "tinh.a", PASSWORD)  # the right password, but within the 30 s wait
    assert auth.KEY not in at.session_state and any("chờ 30 giây" in e.value for e in at.error)
    for _ in range(4):  # five failures for one name, spread over sessions (a reload starts a new session)
        try_sign_in(start(), "xa.hoaquy", "sai-mat-khau")
    other = try_sign_in(start(), "xa.hoaquy", PASSWORD)
    assert auth.KEY not in other.session_state and any("chờ" in e.value for e in other.error)
    past = time.time() - auth.WAIT_SECONDS - 1  # the wait is over
    at.session_state["_dn_sai"] = [past] * auth.MAX_FAILS
    auth._FAILED.clear()
    at = try_sign_in(at, "xa.hoaquy", PASSWORD)
    assert at.session_state[auth.KEY] == "xa.hoaquy"
    log = audit.read(site)
    assert [r["action"] for r in log if r["action"].startswith("sign_in")][-1] == "sign_in"
    assert sum(r["action"] == "sign_in_failed" for r in log) >= 9
    assert {"time", "user", "role", "action", "unit", "file"} <= set(log[-1]) and log[-1]["unit"] == "X04"
    text = audit.path(site).read_text(encoding="utf-8")
    assert PASSWORD not in text and "sai-mat-khau" not in text


def test_sign_out_and_a_reload_with_the_session_cookie(site, monkeypatch):
    at = signed_in("ld.hoaquy")
    assert any(safe.md("ld.hoaquy") in m.value for m in at.sidebar.markdown)  # the name, escaped as shown
    token = at.session_state["_dn_token"]
    monkeypatch.setattr(auth, "_cookie", lambda: token)  # a reload (meeting screens move by links) sends the cookie
    again = start(trinh_chieu="1", man="2")
    assert again.session_state[auth.KEY] == "ld.hoaquy" and not again.exception
    at.button(key="dang_xuat").click().run()
    assert [t.value for t in at.title] == ["Đăng nhập"] and auth.KEY not in at.session_state
    assert auth.resume(token) is None  # the cookie no longer opens anything
    assert [t.value for t in start().title] == ["Đăng nhập"]
    assert audit.read(site)[-1]["action"] == "sign_out"


# ---------------------------------------------------------------- the dashboard, per role


@pytest.mark.parametrize("name", list(USERS))
def test_pages_per_role(site, name):
    role = USERS[name][0]
    at = signed_in(name, don_vi="X04", ky="2026-03")
    for page in ALL_PAGES:
        url = Path(page).stem.replace("_", "-")
        if page in DENIED[role]:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(page)  # not in st.navigation for this role
            at = open_link(at, url)  # a typed or shared link: a refusal, not the page
            assert not at.exception
            if url == "tong-quan":  # «/»: a role without the overview starts on its own first page
                assert at._finished_page_script_hash == calc_hash("trinh-chieu") and not at.error
                continue
            assert any("không được mở trang này" in e.value for e in at.error), (name, page)
            assert not at.file_uploader and not at.get("download_button") and not at.metric
        else:
            at.switch_page(page).run()
            assert not at.exception, (name, page, at.exception[0].value if at.exception else "")
            assert not any("không được mở" in e.value for e in at.error), (name, page)
    denied = [r for r in audit.read(site) if r["action"] == "denied" and r["user"] == name]
    assert len(denied) >= len(DENIED[role] - {"pages/tong_quan.py"})


@pytest.mark.parametrize("params", [{}, {"trinh_chieu": "1", "don_vi": "X04", "ky": "2026", "man": "2"}])
def test_meeting_account_lands_on_the_meeting_screens(site, params):
    at = signed_in("chieu", **params)
    assert not at.exception and not at.error
    assert at.session_state[auth.KEY] == "chieu" and at._finished_page_script_hash == calc_hash("trinh-chieu")
    assert at.get("html") and not at.metric  # the meeting screen (HTML), not the overview
    at = open_link(at, "lich-su-nhap")
    assert any("không được mở trang này" in e.value for e in at.error) and not at.dataframe


@pytest.mark.parametrize("name", ["xa.hoaquy", "ld.hoaquy"])
@pytest.mark.parametrize("asked", ["38", "X01", "NX", "CUM_TAY"])
def test_crafted_unit_in_the_url_falls_back_to_the_own_unit(site, name, asked):
    at = try_sign_in(start(don_vi=asked, ky="2026-03"), name)  # the overview, first run after sign-in
    assert not at.exception
    unit = at.selectbox(key="don_vi")
    assert unit.value == "X04" and unit.options == labels(["X04", "NX03", "NX06"])
    assert at.query_params["don_vi"] == "X04"
    assert any("không được xem số liệu của" in w.value and "Xã Hóa Quỳ" in w.value for w in at.warning)
    headline = [m.value for m in at.markdown if m.value.startswith("**")]
    assert any(v.startswith("**Xã Hóa Quỳ**") for v in headline)
    assert not any(reference.units().get(asked).name in v for v in headline)


def test_meeting_link_with_a_crafted_unit(site):
    at = try_sign_in(start(trinh_chieu="1", don_vi="38", ky="2026"), "xa.hoaquy")
    assert not at.exception
    assert at.query_params["don_vi"] == "X04" and at.query_params["trinh_chieu"] == "1"
    assert any("không được xem số liệu của Tỉnh Thanh Hóa" in w.value for w in at.warning)


def test_a_unit_set_in_the_session_cannot_widen_access(site):
    at = start(don_vi="X04", ky="2026-03")
    at.session_state["don_vi"] = "38"  # what a callback (or another account's leftover state) could leave
    at.session_state["_filters_ready"] = True
    at = try_sign_in(at, "xa.hoaquy")
    assert at.selectbox(key="don_vi").value == "X04" and not at.exception
    assert any("không được xem số liệu của Tỉnh Thanh Hóa" in w.value for w in at.warning)


def test_province_sees_everything(site):
    at = signed_in("tinh.a", "pages/tong_quan.py", don_vi="X01", ky="2026-03")
    assert at.selectbox(key="don_vi").value == "X01"
    assert len(at.selectbox(key="don_vi").options) == len(list(reference.units()))
    at.switch_page("pages/lich_su_nhap.py").run()
    assert any(b.label == "Tải tệp gốc đã lưu" for b in at.get("download_button"))


def test_data_layer_refuses_other_units_even_if_a_page_asks(site):
    """ui.data checks the unit itself: a page (or a future one) calling it for another unit gets a refusal."""
    script = (
        "from ui import data\n"
        "p = data.database()\n"
        "rows = data.history(str(p), data.version(p), 'X01')\n"
        "import streamlit as st\n"
        "st.write(len(rows))\n"
    )
    for name, refused in (("xa.hoaquy", True), ("tinh.a", False)):
        at = AppTest.from_string(script, default_timeout=60)
        at.session_state[auth.KEY] = name
        at.run()
        assert not at.exception
        assert any("không được xem số liệu" in e.value for e in at.error) is refused
        assert bool(at.markdown) is not refused


def test_history_downloads_only_for_units_the_user_may_load(site):
    xa = signed_in("xa.hoaquy", "pages/lich_su_nhap.py", don_vi="X04", ky="2026-03")
    assert list(xa.dataframe[0].value["Đơn vị"]) == ["Xã Hóa Quỳ"]
    assert [b.label for b in xa.get("download_button")] == ["Tải tệp gốc đã lưu"]
    xa.selectbox(key="don_vi").set_value("NX03").run()  # a predecessor: its history is visible, its originals are not
    assert list(xa.dataframe[0].value["Đơn vị"]) == ["Xã Bình Lương"]
    assert not xa.get("download_button") and any("tải được tệp gốc" in i.value for i in xa.info)
    leader = signed_in("ld.hoaquy", "pages/lich_su_nhap.py", don_vi="X04", ky="2026-03")
    assert leader.dataframe and not leader.get("download_button")
    assert any("tải được tệp gốc" in i.value for i in leader.info)


def test_originals_are_served_and_audited_by_the_data_layer(site):
    """ui.data.original refuses a unit the user may not load, whatever page asks; the button's callback logs the
    download (AppTest cannot click a download button, so the callback is called as Streamlit calls it on a click)."""
    script = (
        "from ui import auth, data\n"
        "blob = data.original(data.database(), {'unit_code': 'X04', 'archive_name': 'khong_co.xlsx'})\n"
        "auth.record('download_original', 'X04', 'bao_cao.xlsx')\n"
    )
    for name, refused in (("ld.hoaquy", True), ("xa.hoaquy", False)):
        at = AppTest.from_string(script, default_timeout=60)
        at.session_state[auth.KEY] = name
        at.run()
        assert not at.exception
        assert any("tải được tệp gốc" in e.value for e in at.error) is refused
    last = audit.read(site)[-1]
    assert (last["action"], last["user"], last["role"], last["unit"], last["file"]) == (
        "download_original",
        "xa.hoaquy",
        "xa",
        "X04",
        "bao_cao.xlsx",
    )
    assert not any(r["action"] == "download_original" and r["user"] == "ld.hoaquy" for r in audit.read(site))


def upload(at: AppTest, files: list[Path]) -> AppTest:
    at.file_uploader(key="tep_tai_len").set_value([(p.name, p.read_bytes(), XLSX) for p in files])
    return at.run()


def test_commune_clerk_loads_its_own_unit_only(site, tmp_path):
    at = signed_in("xa.hoaquy", "pages/nhap_so_lieu.py", don_vi="X04", ky="2026-03")
    assert at.selectbox(key="mau_don_vi").options == ["Để trống (tự điền)", "Xã Hóa Quỳ"]  # templates: own commune
    other = book(tmp_path / "o", "X01", "2026-04", {"TTHC": [ROW]})
    old = book(tmp_path / "p", "NX03", "2025-04", {"TTHC": [ROW]})
    before = dump(site)
    at = upload(at, [other, old])
    assert not at.exception
    refusals = [e.value for e in at.error if "không được nhập số liệu" in e.value]
    assert len(refusals) == 2 and "Tệp không được nhập" in refusals[0]
    assert dump(site) == before  # nothing loaded for another unit
    own = book(tmp_path / "m", "X04", "2026-04", {"TTHC": [ROW]})
    at = upload(at, [own])
    assert any("Đã nhập" in s.value for s in at.success)
    assert query(site, "select loaded_by from load_history where unit_code = 'X04' and period_key = '2026-04'") == [
        ("xa.hoaquy",)
    ]
    lines = audit.read(site)
    assert {"action": "load", "unit": "X04", "user": "xa.hoaquy", "file": own.name}.items() <= lines[-1].items()
    assert any(r["action"] == "denied" and r["unit"] == "X01" and r["file"] == other.name for r in lines)


def test_replacement_is_audited(site, tmp_path):
    at = signed_in("tinh.a", "pages/nhap_so_lieu.py", don_vi="X01", ky="2026-03")
    new = book(tmp_path / "v2", "X01", "2026-03", {"TTHC": [tthc_row("Hộ tịch", 2, 40, 20, 8, 50, 2, 2, 0)]})
    at = upload(at, [new])
    at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("xac_nhan_"))).click().run()
    assert not at.exception
    last = audit.read(site)[-1]
    assert last["action"] == "replace" and last["unit"] == "X01" and last["user"] == "tinh.a"
