"""Start the dashboard: `python -m ui.serve [streamlit options]` is `streamlit run dashboard.py` without the English
"Page not found" dialog Streamlit shows on the first session after a start, when a link opens a page directly.

Streamlit takes a folder named pages/ beside the entry script for its old file-based navigation until the first
script run calls st.navigation (streamlit issue #9992); the brief fixes the folder's name, so we tell Streamlit
before the server starts that this app navigates with st.navigation.
"""

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

ENTRY = Path(__file__).resolve().parent.parent / "dashboard.py"

if __name__ == "__main__":
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(ENTRY), *sys.argv[1:]]
    sys.exit(cli.main())
