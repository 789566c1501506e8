"""ETL and indicators for the Chỉ thị 33/CT-TTg (26/11/2021) monitoring dashboard (never imports streamlit)."""
