"""A document's Markdown body as HTML that cannot run anything (issue 16).

markdown-it-py (CommonMark, tables, strikethrough) with raw HTML *disabled*: ``<script>``
in a body is shown as text. Links to other exported documents are rewritten to their
pages; only ``http(s):``, ``mailto:`` and ``#anchor`` links stay live, any other target (a
local path, ``file:``, ``javascript:``) is shown as text with the target beside it, so a
controlled copy never leads a reader to a file outside it. Images are never loaded: an
``http(s)`` one becomes a link, any other is shown as its alt text and path. Code blocks
are highlighted by Pygments, which escapes every character of the code.

No text is dropped: markdown-it stops reading a body nested deeper than its limit, so a
body that gets near it (``MAX_NESTING``) is shown whole as preformatted text with a note.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_FORMATTER = HtmlFormatter(nowrap=True)
MAX_NESTING = 100  # markdown-it's block nesting limit (its "default" preset; commonmark: 20)
LIVE = ("http://", "https://", "mailto:", "#")  # the only link targets kept live
MAX_CODE = 200_000  # characters highlighted per block; longer ones are shown plain


def code_html(code: str, language: str) -> str:
    """``code`` highlighted as ``language`` (Pygments' name: bash, python, yaml...),
    as the inside of a ``<pre>``; "" when the language is unknown (the caller escapes)."""
    name = language.strip().split(maxsplit=1)[0] if language.strip() else ""
    if not name or len(code) > MAX_CODE:
        return ""
    try:
        lexer = get_lexer_by_name(name)
    except ClassNotFound:
        return ""
    return str(highlight(code, lexer, _FORMATTER))


def _highlight(code: str, language: str, _attrs: str) -> str:
    inner = code_html(code, language)
    return f'<pre class="highlight"><code>{inner}</code></pre>\n' if inner else ""


def _parser() -> MarkdownIt:
    options = {"html": False, "linkify": False, "typographer": False, "maxNesting": MAX_NESTING}
    md = MarkdownIt("commonmark", options)
    md.enable(["table", "strikethrough"])
    md.options["highlight"] = _highlight
    md.block.ruler.before("table", "sopvault_depth", _depth_guard)
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("link_close", _link_close)
    md.add_render_rule("image", _image)
    return md


def _depth_guard(state: StateBlock, _start: int, _end: int, _silent: bool) -> bool:
    """A block rule that matches nothing: it notes in ``env`` a body whose blocks reach
    two levels below the limit, where the next list would make markdown-it skip the rest
    (a list opens two levels, a quote one: no body passes unnoticed)."""
    if state.level >= MAX_NESTING - 2:
        state.env["too_deep"] = True
    return False


def _live(href: str) -> bool:
    return href.lower().startswith(LIVE)


def _link_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """A link to another exported document goes to its page; an outside link opens
    without handing this page to it (``rel="noopener noreferrer"``)."""
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    pages: dict[str, str] = env.get("pages", {})
    if href in pages:
        token.attrSet("href", pages[href])
    elif not _live(href):  # a local path: shown as text, the target after the words
        close = next(t for t in tokens[idx:] if t.type == "link_close")
        close.meta["shown"] = _MD.normalizeLinkText(href)
        return ""
    elif "://" in href:
        token.attrSet("rel", "noopener noreferrer")
    return self.renderToken(tokens, idx, options, env)


def _link_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    shown = tokens[idx].meta.get("shown")
    if shown is None:
        return self.renderToken(tokens, idx, options, env)
    return str(Markup(' <span class="target">({})</span>').format(shown))


def _image(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """An image is never loaded (a controlled copy shows what is in it, and fetching one
    tells nobody it was read, nor reads a file outside the site): an ``http(s)`` one is a
    link to it, any other (a relative or absolute path) its alt text and path as text."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = self.renderInlineAsText(token.children or [], options, env)
    if src.lower().startswith(("http://", "https://")):
        return str(
            Markup('<a href="{}" rel="noopener noreferrer">[image: {}]</a>').format(src, alt)
        )
    shown = _MD.normalizeLinkText(src)
    return str(Markup('<span class="image">[image: {} ({})]</span>').format(alt, shown))


_MD = _parser()


def _env(links: Sequence[tuple[str, str]]) -> dict[str, Any]:
    return {"pages": {_MD.normalizeLink(written): page for written, page in links}}


def body_html(text: str, links: Sequence[tuple[str, str]] = ()) -> Markup:
    """A Markdown body as safe HTML; ``links`` ((href as written, page), ...) rewrite the
    links to exported documents. A body nested too deep to be read whole is the escaped
    text in a ``<pre>`` under a note (nothing is silently left out)."""
    env = _env(links)
    tokens = _MD.parse(text, env)
    if env.get("too_deep"):
        return Markup(
            '<p class="note">This text nests too deep to be formatted; it is shown as'
            ' written.</p>\n<pre class="as-written">{}</pre>\n'
        ).format(text)
    return Markup(_MD.renderer.render(tokens, _MD.options, env))


def inline_html(text: str, links: Sequence[tuple[str, str]] = ()) -> Markup:
    """One line of Markdown (a step's details: ``**bold**``, a link) as safe HTML."""
    return Markup(_MD.renderInline(text, _env(links)))


def command_html(argv: Sequence[str]) -> Markup:
    """A step's command (an argument list) as it would be typed, highlighted as a shell
    line (each argument quoted by ``shlex.join``; nothing ever runs it here)."""
    line = shlex.join(argv)
    inner = code_html(line, "bash") or str(Markup.escape(line))
    return Markup(f'<pre class="highlight command"><code>{inner}</code></pre>')


def highlight_css() -> str:
    """Pygments' stylesheet for ``.highlight`` (one stylesheet for every page)."""
    return str(HtmlFormatter().get_style_defs(".highlight"))
