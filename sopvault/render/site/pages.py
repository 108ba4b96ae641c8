"""The HTML export's files from a ``Site`` (issue 16): the index, one page per document,
the tree and the search index as JavaScript data, and the stylesheets.

Jinja2 with autoescaping on: every text from a document is escaped where it is placed;
the only ``Markup`` a template receives is built here (Markdown through
``render.site.markdown``, highlighted commands, the flow picture by ``_flow_for``).
Script data is JSON with ``<``, ``>`` and ``&`` escaped as ``\\u003c``..., so no text can
close the ``<script>`` or start a comment.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from sopvault import __version__
from sopvault.core.flow import has_flow
from sopvault.model.document import Document
from sopvault.model.publish import DocPage, Site, TreeNode
from sopvault.render.flowsvg import flow_svg
from sopvault.render.site.markdown import body_html, command_html, highlight_css, inline_html
from sopvault.services.publishplan import Output, digest

STATIC = ("site.js", "print.css")
MAX_SEARCH_TEXT = 1500  # characters of a document's words in the search index


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("sopvault.render.site", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def _static(name: str) -> str:
    return (files("sopvault.render.site") / "static" / name).read_text(encoding="utf-8")


@cache
def render_version() -> str:
    """A digest of everything that shapes a page besides its data: sopvault's version and
    every template and static file (a change to one renders every page again)."""
    parts: list[str] = [__version__]
    for folder in ("templates", "static"):
        for item in sorted((files("sopvault.render.site") / folder).iterdir(), key=str):
            if item.is_file():
                parts += [item.name, item.read_text(encoding="utf-8")]
    return digest(*parts)


def site_css() -> str:
    """The screen stylesheet with Pygments' rules for highlighted code."""
    return _static("site.css") + "\n/* Pygments */\n" + highlight_css()


def print_css() -> str:
    """The print stylesheet (also the PDF's)."""
    return _static("print.css")


def _flow_for(doc: Document | None) -> Markup:
    """The flow picture of ``doc`` as inline SVG, built by our code with every text and
    attribute escaped (``sopvault.render.flowsvg.flow_svg``: no script, no event handler,
    no outside reference; tests/unit/test_flow.py and the browser tests check it); empty
    for a document without steps or of a kind that has no flow."""
    if doc is None or not has_flow(doc):
        return Markup("")
    return Markup(flow_svg(doc))


def page_html(site: Site, page: DocPage, *, standalone: bool = False) -> str:
    """One document's page (``docs/<ID>.html``); ``standalone`` for the PDF: no links to
    stylesheets or scripts, no tree or search box."""
    links = page.links
    return (
        _env()
        .get_template("page.html")
        .render(
            site_name=site.name,
            source=page.source,
            root="..",
            standalone=standalone,
            page=page,
            body=body_html(page.body, links) if page.body.strip() else Markup(""),
            details={s.number: inline_html(s.details, links) for s in page.steps if s.details},
            commands={s.number: command_html(s.command) for s in page.steps if s.command},
            flow_svg=_flow_for(site.documents.get(page.id)),
        )
    )


def index_html(site: Site) -> str:
    """``index.html``: the tree as plain HTML (it works with scripts off) and the search."""
    return (
        _env()
        .get_template("index.html")
        .render(
            site_name=site.name,
            source=site.source,
            exported=site.exported,
            root=".",
            standalone=False,
            groups=site.groups,
            count=len(site.pages),
        )
    )


def script_data(name: str, value: Any) -> str:
    """``window.<name> = <JSON>;`` with every ``<``, ``>``, ``&`` and line separator
    escaped, so no string in it ends a script element or its statement."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"window.{name} = {text};\n"


def _node(node: TreeNode) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": node.id, "title": node.title}
    if node.marked:
        entry["marked"] = node.marked
    if node.children:
        entry["children"] = [_node(child) for child in node.children]
    return entry


def tree_js(site: Site) -> str:
    """``tree.js``: the tree every document page draws on the left."""
    groups = [{"label": label, "nodes": [_node(n) for n in nodes]} for label, nodes in site.groups]
    return script_data("SOPVAULT_TREE", {"groups": groups})


def search_entry(page: DocPage) -> dict[str, str]:
    """One document in the search index: id, title, the ``marked`` word, and its words
    (fields, steps, body) lower-cased, each once, at most MAX_SEARCH_TEXT characters."""
    parts = [page.kind, *(v for _, v in page.fields)]
    parts += [" ".join(values) for _, values in page.lists]
    for step in page.steps:
        parts += [step.action, step.role, step.details, *step.substeps]
    parts.append(page.body)
    words = " ".join(dict.fromkeys(" ".join(parts).lower().split()))
    entry = {"id": page.id, "title": page.title, "text": words[:MAX_SEARCH_TEXT]}
    if page.marked:
        entry["marked"] = page.marked.split(":", 1)[0].lower()
    return entry


def search_js(site: Site) -> str:
    """``search-index.js``: every page's search entry (read by site.js, no fetch())."""
    return script_data("SOPVAULT_SEARCH", {"docs": [search_entry(p) for p in site.pages]})


def outputs(site: Site) -> list[Output]:
    """Every file of the export with its input key; a page is rendered only when asked."""
    version = render_version()
    found = [
        Output(
            "index.html",
            digest(
                version,
                "index",
                repr(site.groups),
                site.name,
                site.source,
                site.exported,
                str(len(site.pages)),
            ),
            lambda: index_html(site).encode(),
        ),
    ]
    for name, text in (
        ("site.css", site_css()),
        ("print.css", print_css()),
        ("site.js", _static("site.js")),
        ("tree.js", tree_js(site)),
        ("search-index.js", search_js(site)),
    ):
        data = text.encode()
        found.append(Output(name, digest(data), _constant(data)))
    for page in site.pages:
        flow = str(_flow_for(site.documents.get(page.id)))
        key = digest(version, repr(page), flow, site.name)
        doc = site.documents.get(page.id)
        source = doc.path if doc is not None else ""
        found.append(Output(f"docs/{page.id}.html", key, _maker(site, page), source))
    return found


def _maker(site: Site, page: DocPage) -> Callable[[], bytes]:
    return lambda: page_html(site, page).encode()


def _constant(data: bytes) -> Callable[[], bytes]:
    return lambda: data
