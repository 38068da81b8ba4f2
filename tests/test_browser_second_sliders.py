"""A chapter page's second slider in Chromium, checked as closely as the first.

``test_browser.py`` checks the first slider of every chapter page (``SLIDERS``); a
page with two (chapter 11: the expected loss, then the temperature) has its second
one (``SECOND_SLIDERS``) checked here, with the same helpers: every frame, as
Chromium composes it at device scale 2 (every sixth at 1), equals a direct render of
the chapter's draw; the keys move it and the words follow.
"""
from __future__ import annotations

import pytest
from chapter_sliders import SECOND_SLIDERS, chapter_slider, numpy_restored
from test_browser import (MAX_DIFFERENT, canvas_and_screen_difference, direct_render,
                          frames_to_check, move_to, open_page, wait_for_frame)


@pytest.fixture(scope="module")
def second_sliders():
    with numpy_restored():
        yield {notebook: chapter_slider(notebook, cell) for notebook, cell in SECOND_SLIDERS.items()}


def test_the_pages_have_two_sliders(browser, book_url):
    for notebook in SECOND_SLIDERS:
        context, page = open_page(browser, f"{book_url}notebooks/{notebook}.html")
        count = page.locator(".lb-slider").count()
        context.close()
        assert count == 2, f"{notebook}: {count} sliders"


@pytest.mark.parametrize("scale", [1, 2])
def test_every_frame_of_a_second_slider_is_a_direct_render(browser, book_url, second_sliders, scale):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=scale)
    page = context.new_page()
    checked = 0
    try:
        for notebook, s in second_sliders.items():
            page.goto(f"{book_url}notebooks/{notebook}.html", wait_until="networkidle")
            root = page.locator(".lb-slider").nth(1)
            root.scroll_into_view_if_needed()
            canvas = root.locator("canvas.lb-slider-frame")
            for positions, values in frames_to_check(s, scale):
                move_to(page, root, positions)
                bad = canvas_and_screen_difference(canvas, direct_render(s, **values), scale)
                assert bad <= MAX_DIFFERENT, f"{notebook} at {values}: {bad:.3%} of pixels differ"
                checked += 1
    finally:
        context.close()
    assert checked == sum(len(frames_to_check(s, scale)) for s in second_sliders.values())


def test_a_second_slider_moves_by_keys_and_says_so(browser, book_url, second_sliders):
    for notebook, s in second_sliders.items():
        context, page = open_page(browser, f"{book_url}notebooks/{notebook}.html")
        root = page.locator(".lb-slider").nth(1)
        slider = root.locator("input[type=range]")
        slider.scroll_into_view_if_needed()
        wait_for_frame(page, slider)
        name = next(iter(s.controls))
        last = len(s.controls[name].positions) - 1
        slider.focus()
        for key, index in (("End", last), ("Home", 0), ("ArrowRight", 1)):
            page.keyboard.press(key)
            wait_for_frame(page, slider)
            assert int(slider.input_value()) == index, (notebook, key)
            s.update(**{name: s.controls[name].positions[index]})
            assert s._canvas.result in slider.get_attribute("aria-valuetext"), (notebook, key)
        context.close()
