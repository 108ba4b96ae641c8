"""Issue 16 (export html): the pieces that keep a document's text inert in the site, without
a browser: the Markdown body (raw HTML off, script links refused), the script data (no
``</script>`` can close it) and the banner's placeholders."""

from __future__ import annotations

import json
import re

from hypothesis import given
from hypothesis import strategies as st

from sopvault.core.publishconfig import banner_text
from sopvault.model.publishsettings import DEFAULT_BANNER, PublishSettings
from sopvault.render.site.markdown import body_html, command_html, inline_html
from sopvault.render.site.pages import script_data


def test_body_escapes_raw_html_and_refuses_script_links() -> None:
    """Issue 16 (export html): raw HTML shows as text; javascript:, vbscript: and data:
    links stay text; a link to an exported document goes to its page."""
    html = body_html(
        "<script>alert(1)</script>\n\n[a](javascript:alert(1)) [b](vbscript:x)"
        " [c](data:text/html,<b>) [d](SOP-2) [e](../procedures/SOP-2-x.md#step-3)",
        [("SOP-2", "SOP-2.html"), ("../procedures/SOP-2-x.md#step-3", "SOP-2.html#step-3")],
    )
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "href=" in html and "javascript:" not in html.split("[a]")[0]
    assert '<a href="SOP-2.html">d</a>' in html
    assert '<a href="SOP-2.html#step-3">e</a>' in html
    assert 'href="javascript' not in html and 'href="vbscript' not in html
    assert 'href="data' not in html


def test_remote_images_are_links_not_loaded() -> None:
    """Issue 16 (export html): an image from elsewhere is never fetched by the page, and
    (since the breaker's defect 9) neither is a local one: it shows as its alt and path."""
    html = body_html("![logo](https://tracker.example/x.png) ![local](img/a.png)")
    assert "<img" not in html and "[image: local (img/a.png)]" in html
    assert 'src="https://' not in html and "[image: logo]" in html


def test_code_and_commands_are_highlighted_and_escaped() -> None:
    """Issue 16 (export html): Pygments highlights a fenced block and a step's command,
    escaping every character."""
    html = body_html("```python\nprint('</code></pre><script>')\n```\n")
    assert '<pre class="highlight">' in html and "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<script" not in command_html(["echo", "<script>"])
    assert inline_html("**bold** <b>") == "<strong>bold</strong> &lt;b&gt;"


@given(st.text())
def test_any_text_stays_inert(text: str) -> None:
    """Issue 16 (export html): whatever a body or a title holds, the HTML has no element
    of its own making and the script data no ``<``, ``>`` or ``&`` at all."""
    html = body_html(text)
    assert "<script" not in html.lower()
    tags = set(re.findall(r"<([a-z0-9]+)", html))
    assert tags <= {
        "p",
        "br",
        "code",
        "pre",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "em",
        "strong",
        "s",
        "a",
        "img",
        "ul",
        "ol",
        "li",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "span",
    }, tags
    for href in re.findall(r'(?:href|src)="([^"]*)"', html):
        assert not href.strip().lower().startswith(("javascript:", "vbscript:", "data:text"))
    data = script_data("X", {"title": text})
    assert "<" not in data and ">" not in data and "&" not in data
    assert json.loads(data[len("window.X = ") : -2]) == {"title": text}


def test_banner_placeholders_filled() -> None:
    """Issue 16 (export html): the default wording with every placeholder filled."""
    values = {
        "id": "SOP-1",
        "title": "T",
        "version": "2.1",
        "effective": "2026-03-12",
        "approved_by": "Bilal Okafor",
        "approved_at": "2026-03-12 10:15 UTC",
        "exported": "2026-11-30",
    }
    assert banner_text(PublishSettings(DEFAULT_BANNER), values) == (
        "Controlled copy: revision 2.1, effective 2026-03-12, approved by Bilal Okafor on"
        " 2026-03-12 10:15 UTC. Printed copies are uncontrolled."
    )
