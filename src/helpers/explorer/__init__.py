"""The "Udforsk" explorer of each theme chapter: ipywidgets controls and an anywidget chart
that also work on the published site without a kernel (see widget.py, payload.py, explorer.js)."""
from helpers.explorer.widget import Explorer, ExplorerChart, explorer_page

__all__ = ["Explorer", "ExplorerChart", "explorer_page"]
