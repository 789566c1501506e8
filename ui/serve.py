"""Start the dashboard: `python -m ui.serve [streamlit options]` is `streamlit run dashboard.py` without the English
"Page not found" dialog Streamlit shows on the first session after a start, when a link opens a page directly.

Streamlit takes a folder named pages/ beside the entry script for its old file-based navigation until the first
script run calls st.navigation (streamlit issue #9992); the brief fixes the folder's name, so we tell Streamlit
before the server starts that this app navigates with st.navigation.

It also binds to 127.0.0.1 unless an address is given (`--server.address`, STREAMLIT_SERVER_ADDRESS or a config
file): Streamlit's own default listens on every interface. A server reachable from other machines requires sign-in
(ui/auth.py); serve a province with `--server.address 0.0.0.0` (`ADDRESS=0.0.0.0 bash run.sh dashboard`) and accounts.
"""

import os
import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

ENTRY = Path(__file__).resolve().parent.parent / "dashboard.py"
LOCAL = "127.0.0.1"


def address_args(argv: list[str]) -> list[str]:
    """`--server.address 127.0.0.1` when nothing else chose an address (Streamlit would listen on every interface)."""
    from streamlit import config

    if any(a == "--server.address" or a.startswith("--server.address=") for a in argv):
        return []
    if os.environ.get("STREAMLIT_SERVER_ADDRESS"):
        return []
    config.get_config_options()
    return [] if config.get_where_defined("server.address") != "<default>" else ["--server.address", LOCAL]


if __name__ == "__main__":
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(ENTRY), *sys.argv[1:], *address_args(sys.argv[1:])]
    sys.exit(cli.main())
