"""The browser tests' fixture (tests/e2e/browser.py) for every module here: the portal's and the console's."""

from browser import portal  # noqa: F401
