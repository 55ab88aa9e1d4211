"""Regenerate the screenshots in docs/screenshots/ (``make screenshots``).

Builds a throw-away SQLite database with the Örebro data, serves it with Django's
development server and photographs the start, period, body and person pages in
Debian's Chromium through Playwright. The PNGs are reduced to 256 colours so that
they stay small in the repository.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

# File name → page; the body and person are the ones the README talks about.
PAGES = {
    "start": "/",
    "period": "/perioder/2023-2026/",
    "body": "/perioder/2019-2022/regionala-samverkansradet/",
    "person": "/personer/tom-rymoen/",
}
WIDTH, HEIGHT = 1280, 900


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs
    )


def wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def shrink(path):
    """256 colours without dithering: text stays crisp, the file a third of the size."""
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp}/screenshots.sqlite3",
        }
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "compilemessages", "--ignore=.venv", "-v0")
        manage(env, "load_structure", "fixtures/orebro.toml", "-v0")
        manage(env, "load_meetings", "fixtures/orebro-meetings.toml", "-v0")
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--headless", "--no-sandbox"]
                )
                page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, locale="sv-SE")
                for name, path in PAGES.items():
                    response = page.goto(base + path)
                    if response.status != 200:
                        raise SystemExit(f"{path} answered {response.status}")
                    target = args.out / f"{name}.png"
                    page.screenshot(path=target)
                    shrink(target)
                    print(f"{target.relative_to(ROOT)}  {target.stat().st_size // 1024} kB")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
