"""Router of the Chỉ thị 33/CT-TTg (26/11/2021) dashboard: page config, navigation, and the demo database on first start."""
import streamlit as st

from etl import config
from ui.data import database

ICON = config.ROOT / "ui" / "icon.png"  # a local file: a material icon here makes the browser fetch it from a CDN

st.set_page_config(page_title="Theo dõi thực hiện Chỉ thị 33/CT-TTg", page_icon=str(ICON), layout="wide")

path = database()
if not path.exists() and path == config.DEMO_DB:
    from etl.demo import build_demo
    with st.spinner("Lần chạy đầu: đang tạo dữ liệu mẫu của huyện Như Xuân cũ (khoảng một phút)…"):
        build_demo(path)

pages = st.navigation([st.Page("pages/tong_quan.py", title="Tổng quan", icon=":material/dashboard:", default=True)])
pages.run()
