"""A document's Markdown body as HTML that cannot run anything (issue 16).

markdown-it-py (CommonMark, tables, strikethrough) with raw HTML *disabled*: ``<script>``
in a body is shown as text. Its link check refuses ``javascript:``, ``vbscript:``,
``file:`` and ``data:`` targets (the link is then left as text); links to other exported
documents are rewritten to their pages. Code blocks are highlighted by Pygments, which
escapes every character of the code.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_FORMATTER = HtmlFormatter(nowrap=True)
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
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.options["highlight"] = _highlight
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("image", _image)
    return md


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
    elif "://" in href:
        token.attrSet("rel", "noopener noreferrer")
    return self.renderToken(tokens, idx, options, env)


def _image(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """An image from outside the export is not fetched (a controlled copy shows what is
    in it, and reading it tells nobody it was read): a link to it is shown instead."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = self.renderInlineAsText(token.children or [], options, env)
    if "://" in src or src.startswith("//"):
        return str(
            Markup('<a href="{}" rel="noopener noreferrer">[image: {}]</a>').format(src, alt)
        )
    return str(Markup('<img src="{}" alt="{}">').format(src, alt))


_MD = _parser()


def _env(links: Sequence[tuple[str, str]]) -> dict[str, Any]:
    return {"pages": {_MD.normalizeLink(written): page for written, page in links}}


def body_html(text: str, links: Sequence[tuple[str, str]] = ()) -> Markup:
    """A Markdown body as safe HTML; ``links`` ((href as written, page), ...) rewrite the
    links to exported documents."""
    return Markup(_MD.render(text, _env(links)))


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
