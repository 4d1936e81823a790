"""Browser tests (Playwright driving Debian chromium); a package so its conftest does not shadow tests/conftest.py."""
