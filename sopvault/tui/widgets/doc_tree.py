"""The vault tree: policies down to work instructions, children added when a branch opens."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from sopvault.core.textmatch import matches_text
from sopvault.model.document import Document, Kind, Status
from sopvault.render.rich import STATUS_STYLES
from sopvault.render.safetext import inert_line
from sopvault.services.vault import DocumentFilter, VaultState


@dataclass(frozen=True)
class NodeData:
    """What a tree node stands for: a kind group, a document, or a related-process link."""

    role: str  # "group" | "doc" | "link"
    doc_id: str | None = None
    kind: Kind | None = None


class DocTree(Tree[NodeData]):
    """Shows a VaultState; ``show_state`` replaces the content, keeping nothing stale."""

    # The arrows need no footer space: it goes to the keys that are not obvious.
    BINDINGS = [
        Binding("right", "expand_node", "Expand", show=False),
        Binding("left", "collapse_node", "Collapse", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("Vault", id=id)
        self.show_root = False
        self.guide_depth = 3
        self._state: VaultState | None = None
        self._filter = DocumentFilter()
        self._text = ""
        # The tree as it was before text was typed: what clearing the text brings back.
        self._before_text: View | None = None
        self._loaded: set[int] = set()

    @property
    def active_filter(self) -> DocumentFilter:
        """The filter the tree shows now (empty: the whole vault)."""
        return self._filter

    @property
    def text_filter(self) -> str:
        """The text the tree is narrowed by ("" for none)."""
        return self._text

    def filter_text(self, text: str) -> None:
        """Narrow the tree to the documents whose id, title, owner or tags hold every word
        of ``text``, combined with the kind and status filter; an empty text brings back
        the tree as it was before the first letter was typed (branches open, cursor)."""
        if self._state is None:  # typed while the vault loads: applied once shown
            self._text = text
            return
        if text == self._text:
            return
        if text and not self._text and self._before_text is None:
            self._before_text = self._view()
        self._text = text
        self.show_state(self._state)
        if not text and self._before_text is not None:
            self._restore(self._before_text)
            self._before_text = None

    def show_state(self, state: VaultState, criteria: DocumentFilter | None = None) -> None:
        """Rebuild the top level; deeper levels are added as branches are opened."""
        self._state = state
        if criteria is not None:
            self._filter = criteria
        self.clear()
        self._loaded.clear()
        filtering = self._filter != DocumentFilter() or bool(self._text)
        for kind in Kind:
            if filtering:
                ids = sorted(
                    doc_id
                    for doc_id, doc in state.documents.items()
                    if doc.kind is kind
                    and self._filter.matches(doc)
                    and matches_text(doc, self._text)
                )
            else:
                ids = state.tree.roots[kind]
            if not ids:
                continue
            label = Text(kind.plural_label, style="bold")
            label.append(f"  {len(ids)}", style="dim")
            group = self.root.add(label, NodeData("group", kind=kind), expand=False)
            self._loaded.add(group.id)
            for doc_id in ids:
                self._add_doc(group, state.documents[doc_id], leaf=filtering)
            if kind is Kind.POLICY or filtering:
                group.expand()
        if self.root.children:
            self.move_cursor(self.root.children[0])

    def _add_doc(self, parent: TreeNode[NodeData], doc: Document, *, leaf: bool) -> None:
        assert self._state is not None
        expandable = not leaf and (
            self._state.tree.has_children(doc.id) or doc.id in self._state.tree.related
        )
        parent.add(doc_label(doc), NodeData("doc", doc.id), allow_expand=expandable)

    def action_expand_node(self) -> None:
        """Right: open a closed branch, or step into an open one (as file managers do)."""
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and not node.is_expanded:
            node.expand()
        elif node.is_expanded and node.children:
            self.move_cursor(node.children[0])

    def action_collapse_node(self) -> None:
        """Left: close an open branch, or step out to the parent."""
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[NodeData]) -> None:
        """Add a branch's children the first time it opens."""
        node = event.node
        data = node.data
        if node.id in self._loaded or data is None or data.role != "doc" or self._state is None:
            return
        self._loaded.add(node.id)
        assert data.doc_id is not None
        ancestors = _ancestor_ids(node)
        for other in self._state.tree.related.get(data.doc_id, []):
            target = self._state.documents[other]
            label = Text("↔ ", style="bold magenta")
            label.append(inert_line(other), style="magenta")
            label.append(f"  {inert_line(target.title)}", style="dim")
            node.add_leaf(label, NodeData("link", other))
        for child in self._state.tree.children_of(data.doc_id):
            if child not in ancestors:  # a parent cycle must not open forever
                self._add_doc(node, self._state.documents[child], leaf=False)

    def select_document(self, doc_id: str) -> bool:
        """Move the cursor to a document's node, opening branches on the way if needed."""
        if self._state is None or doc_id not in self._state.documents:
            return False
        path = [*reversed(self._state.ancestors(doc_id)), doc_id]
        node: TreeNode[NodeData] | None = None
        for group in self.root.children:
            if group.data is not None and group.data.kind is self._state.documents[path[0]].kind:
                node = group
        if node is None:
            return False
        for step in path:
            node.expand()
            self._ensure_loaded(node)
            found = next((c for c in node.children if _is_doc(c, step)), None)
            if found is None:
                return False
            node = found
        target = node
        # Lines for newly opened branches exist only after the next refresh.
        self.call_after_refresh(self._land_on, target)
        return True

    def _land_on(self, node: TreeNode[NodeData]) -> None:
        self.move_cursor(node)
        self.scroll_to_node(node, animate=False)

    def _ensure_loaded(self, node: TreeNode[NodeData]) -> None:
        if node.id not in self._loaded:
            self.on_tree_node_expanded(Tree.NodeExpanded(node))

    def _view(self) -> View:
        """Which branches are open and where the cursor is, by the path of each node."""
        opened: set[NodePath] = set()

        def walk(node: TreeNode[NodeData], path: NodePath) -> None:
            for child in node.children:
                child_path = (*path, _key(child))
                if child.is_expanded:
                    opened.add(child_path)
                    walk(child, child_path)

        walk(self.root, ())
        cursor = self.cursor_node
        return View(frozenset(opened), _path_of(cursor) if cursor is not None else None)

    def _restore(self, view: View) -> None:
        """Open the branches of ``view`` again (loading their children) and put the cursor
        back on its node once the lines exist."""
        landing: TreeNode[NodeData] | None = None

        def walk(node: TreeNode[NodeData], path: NodePath) -> None:
            nonlocal landing
            for child in list(node.children):
                child_path = (*path, _key(child))
                if child_path == view.cursor:
                    landing = child
                if child_path in view.opened:
                    child.expand()
                    self._ensure_loaded(child)
                    walk(child, child_path)
                elif child.is_expanded:
                    child.collapse()

        walk(self.root, ())
        if landing is not None:
            self.call_after_refresh(self._land_on, landing)


NodePath = tuple[str, ...]


@dataclass(frozen=True)
class View:
    """The open branches and the cursor of the tree, each as its path from the top."""

    opened: frozenset[NodePath]
    cursor: NodePath | None


def _key(node: TreeNode[NodeData]) -> str:
    data = node.data
    if data is None:
        return ""
    return f"{data.role}:{data.kind.value if data.kind else ''}:{data.doc_id or ''}"


def _path_of(node: TreeNode[NodeData]) -> NodePath:
    keys: list[str] = []
    current: TreeNode[NodeData] | None = node
    while current is not None and current.parent is not None:
        keys.append(_key(current))
        current = current.parent
    return tuple(reversed(keys))


def _is_doc(node: TreeNode[NodeData], doc_id: str) -> bool:
    return node.data is not None and node.data.role == "doc" and node.data.doc_id == doc_id


def _ancestor_ids(node: TreeNode[NodeData]) -> set[str]:
    ids: set[str] = set()
    current: TreeNode[NodeData] | None = node
    while current is not None:
        if current.data is not None and current.data.doc_id:
            ids.add(current.data.doc_id)
        current = current.parent
    return ids


def doc_label(doc: Document) -> Text:
    """``ID  Title`` with the status as a coloured dot, safe against escape sequences."""
    label = Text()
    style = STATUS_STYLES.get(doc.status, "dim") if doc.status else "dim"
    label.append("● " if doc.status is Status.EFFECTIVE else "○ ", style=style)
    label.append(inert_line(doc.id), style="bold")
    label.append("  ")
    label.append(inert_line(doc.title))
    return label
