"""Router of the Chỉ thị 33/CT-TTg (26/11/2021) dashboard: page config, sign-in (a server reachable from other machines),
the pages the user may open, shared filters, navigation, demo data on first start."""

import streamlit as st

from etl import config
from ui import auth, data, filters

ICON = config.ROOT / "ui" / "icon.png"  # a local file: a material icon here makes the browser fetch it from a CDN

st.set_page_config(page_title="Theo dõi thực hiện Chỉ thị 33/CT-TTg", page_icon=str(ICON), layout="wide")
# A card's value, label and change wrap instead of being cut to "Không phát …" in a narrow column (1024 px wide).
st.html(
    "<style>[data-testid='stMetricValue'] > div { white-space: normal; overflow: visible; line-height: 1.15; }"
    "[data-testid='stMetricLabel'] *, [data-testid='stMetricDelta'] *, [data-testid='stMetricDeltaDescription'] * { white-space: normal !important; overflow: visible !important;"
    " text-overflow: clip !important; }</style>"
)

path = data.database()
if not path.exists() and path == config.DEMO_DB:
    from etl.demo import build_demo

    with st.spinner("Lần chạy đầu: đang tạo dữ liệu mẫu của huyện Như Xuân cũ (khoảng một phút)…"):
        build_demo(path)

PAGES = [
    st.Page("pages/tong_quan.py", title="Tổng quan", icon=":material/dashboard:", url_path="tong-quan", default=True),
    st.Page(
        "pages/so_sanh_don_vi.py", title="So sánh đơn vị", icon=":material/leaderboard:", url_path="so-sanh-don-vi"
    ),
    st.Page(
        "pages/tinh_hinh_bao_cao.py",
        title="Tình hình báo cáo",
        icon=":material/fact_check:",
        url_path="tinh-hinh-bao-cao",
    ),
    st.Page(
        "pages/cai_cach_hanh_chinh.py",
        title="Cải cách hành chính",
        icon=":material/assignment_turned_in:",
        url_path="cai-cach-hanh-chinh",
    ),
    st.Page("pages/don_thu.py", title="Đơn thư, khiếu nại, tố cáo", icon=":material/mail:", url_path="don-thu"),
    st.Page(
        "pages/tiep_cong_dan.py", title="Tiếp công dân, đối thoại", icon=":material/groups:", url_path="tiep-cong-dan"
    ),
    st.Page("pages/ky_luat.py", title="Kỷ luật, kiểm tra công vụ", icon=":material/gavel:", url_path="ky-luat"),
    st.Page(
        "pages/tuyen_truyen.py",
        title="Tuyên truyền, giám sát, kế hoạch",
        icon=":material/campaign:",
        url_path="tuyen-truyen",
    ),
    st.Page(
        "pages/bao_cao_dinh_ky.py", title="Báo cáo định kỳ", icon=":material/description:", url_path="bao-cao-dinh-ky"
    ),
    st.Page("pages/du_lieu.py", title="Dữ liệu", icon=":material/database:", url_path="du-lieu"),
    st.Page("pages/nhap_so_lieu.py", title="Nhập số liệu", icon=":material/upload_file:", url_path="nhap-so-lieu"),
    st.Page("pages/lich_su_nhap.py", title="Lịch sử nhập", icon=":material/history:", url_path="lich-su-nhap"),
    MEETING := st.Page(
        "pages/trinh_chieu.py", title="Trình chiếu", icon=":material/slideshow:", url_path="trinh-chieu"
    ),
]
st.session_state["_router"] = True
who = auth.gate(PAGES)  # beyond localhost: the sign-in form until someone signs in; «Đăng xuất» in the sidebar
# pages the user may not open are a refusal under their url; expanded: never Streamlit's English «View 3 more»
page = st.navigation(auth.navigation(PAGES, who), expanded=True)
if st.query_params.get("trinh_chieu") == "1" and page is not MEETING:  # (its url is "" for a meeting-only role)
    if not st.session_state.get("_filters_ready"):  # a meeting link opened: /?trinh_chieu=1&don_vi=…&ky=…
        st.switch_page("pages/trinh_chieu.py", query_params=st.query_params.to_dict())
    for key in filters.PRESENTATION_KEYS:  # back from the presentation in the browser's history: an ordinary page again
        st.query_params.pop(key, None)
if path.exists():
    st.session_state["view"] = data.View(filters.sidebar(data.years(str(path), data.version(path))), path)
else:
    st.session_state["view"] = None
page.run()
