"""Shared display pieces for the Streamlit pages (formatting, cached data access)."""
