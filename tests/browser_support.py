"""Find or install Debian's Chromium and start it headless for Playwright tests.

>>> from browser_support import chromium_page
>>> with chromium_page(tmp_path) as page:                 # doctest: +SKIP
...     page.goto("http://127.0.0.1:8000/")
"""
from __future__ import annotations

import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def ensure_chromium() -> str:
    """The Chromium binary, installed from Debian's packages when missing (needs root)."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("Chromium is missing and cannot be installed here (needs root and apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=600)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium", "chromium-driver"], check=True, env=env, timeout=1200)
    return CHROMIUM


@contextmanager
def chromium_page(tmp_path: Path, *, width: int = 1400, height: int = 1000):
    """A fresh Playwright page in headless Chromium with its own profile under tmp_path."""
    from playwright.sync_api import sync_playwright

    executable = ensure_chromium()
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        # A persistent context is how Playwright takes a --user-data-dir of our own.
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=executable, args=ARGS, headless=True,
            viewport={"width": width, "height": height},
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(60_000)
            yield page
        finally:
            context.close()


@contextmanager
def running_server(db: Path | None = None):
    """The real app under uvicorn in a background thread on a free loopback port; yields its URL."""
    import socket
    import threading
    import time

    import uvicorn

    from copytrace.server.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # start-up loads the sentence model
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
