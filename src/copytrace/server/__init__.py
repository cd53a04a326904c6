"""The HTTP API and the web page (``copytrace serve``); see app.py."""
