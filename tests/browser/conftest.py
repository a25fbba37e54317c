"""The browser every browser test module drives: the system Chromium, launched once per module."""

from __future__ import annotations

import pytest

from tests.browser.browsing import BASE_ARGS, CHROMIUM, GL_ARGS


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=BASE_ARGS + GL_ARGS["swiftshader"])
        yield chromium
        chromium.close()
