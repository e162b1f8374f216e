"""Reading YAML as a tree of nodes that remember their line and column.

PyYAML's `compose` keeps the position of every key and value, which plain `safe_load` throws
away; the inventory validator needs them to point at the exact place of each problem, and
needs the raw mapping nodes to see duplicate keys (which `safe_load` silently merges).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = [
    "MappingNode",
    "Node",
    "ReaderError",
    "ScalarNode",
    "SequenceNode",
    "YAMLError",
    "compose",
    "scalar_value",
]

YAMLError = yaml.YAMLError
ReaderError = yaml.reader.ReaderError  # a character YAML does not allow, at a byte offset


MERGE_TAG = "tag:yaml.org,2002:merge"
STR_TAG = "tag:yaml.org,2002:str"
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml parses ~6x faster, same nodes


class _Loader(_SAFE_LOADER):
    """The safe loader, resolving each distinct plain scalar's tag once per document.

    PyYAML resolves the tag of every node in Python, trying for each plain scalar the regular
    expressions its first character picks: some 15% of a large inventory's load, though most
    values (`20`, `text`, column names) repeat. The safe loader has no path resolvers, so the
    tag depends on the text of a plain scalar and on nothing but the kind of any other node.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._tags: dict[str | type, str] = {}

    def resolve(self, kind: type, value: str | None, implicit: tuple[bool, bool] | bool) -> str:
        # `implicit` is (plain, quoted) for a scalar, a bool for a collection
        key = value if kind is ScalarNode and implicit[0] else kind
        tag = self._tags.get(key)
        if tag is None:
            tag = self._tags[key] = super().resolve(kind, value, implicit)
        return tag


@contextmanager
def no_garbage_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while a big node tree is built and walked.

    A tree holds no reference cycles (except recursive aliases, collected afterwards), but each
    full collection walks every node made so far: a large inventory loads over twice as fast.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def compose(text: str) -> Node | None:
    """Parse YAML text into a node tree (None for an empty document)."""
    return yaml.compose(text, Loader=_Loader)


def scalar_value(node: ScalarNode) -> object:
    """The Python value of a scalar node, resolved as safe_load would (int, bool, None, str...).

    Raises ValueError for a value its tag cannot take (`!!bool maybe`, `!!timestamp x`): the
    safe constructor then fails with whatever error its parsing code happens to hit.
    """
    if node.tag == STR_TAG:
        return node.value  # what the constructor returns for text, without making one per scalar
    try:
        return _constructed(node.tag, node.value)
    except (YAMLError, ValueError, KeyError, AttributeError, TypeError, OverflowError) as error:
        raise ValueError(f"invalid {node.tag} value") from error


@lru_cache(maxsize=256)
def _constructed(tag: str, value: str) -> object:
    """What the safe constructor makes of a scalar: thousands of `columns: 20` build one int.

    Sharing is safe, as a scalar only ever makes an immutable value (None, bool, int, float,
    bytes, a date); failures are not cached. A constructor of its own, without the node's
    marks: a shared one would keep every node it saw alive.
    """
    return yaml.constructor.SafeConstructor().construct_object(ScalarNode(tag, value), deep=True)


def position(node: Node) -> tuple[int, int]:
    """1-based (line, column) of a node."""
    return node.start_mark.line + 1, node.start_mark.column + 1


def has_merge_key(node: MappingNode) -> bool:
    """Whether a mapping has a `<<` merge key."""
    for key, _ in node.value:  # noqa: SIM110 - twice as fast as any() over a generator, for every mapping
        if key.tag == MERGE_TAG:
            return True
    return False


def merged_pairs(node: MappingNode) -> list[tuple[Node, Node]]:
    """The key/value pairs of a mapping with `<<` merge keys applied (explicit keys win).

    Each mapping's merged pairs are computed once and shared between its aliases, merged keys
    are kept once, and the walk uses its own stack: a "billion laughs" of nested merges, or a
    chain of thousands of merges, costs time linear in the document and no recursion.
    """
    if not has_merge_key(node):
        return list(node.value)  # the usual case: nothing to merge
    done: dict[int, list[tuple[Node, Node]]] = {}
    stack: list[tuple[MappingNode, bool]] = [(node, False)]
    while stack:
        current, sources_done = stack.pop()
        if sources_done:
            done[id(current)] = _merge(current, done)
        elif id(current) not in done:
            done[id(current)] = []  # a merge cycle contributes nothing
            stack.append((current, True))
            stack.extend((source, False) for source in reversed(_merge_sources(current)))
    return done[id(node)]


def unmergeable(node: MappingNode) -> list[Node]:
    """Values of a mapping's `<<` keys that are not mappings (merged_pairs leaves them out)."""
    found: list[Node] = []
    for key, value in node.value:
        if key.tag == MERGE_TAG:
            items = value.value if isinstance(value, SequenceNode) else [value]
            found += [item for item in items if not isinstance(item, MappingNode)]
    return found


def _merge_sources(node: MappingNode) -> list[MappingNode]:
    """The mappings named by a mapping's `<<` keys, earliest first (the first wins)."""
    sources: list[MappingNode] = []
    for key, value in node.value:
        if key.tag == MERGE_TAG:
            items = value.value if isinstance(value, SequenceNode) else [value]
            sources += [item for item in items if isinstance(item, MappingNode)]
    return sources


def _merge(node: MappingNode, done: dict[int, list[tuple[Node, Node]]]) -> list[tuple[Node, Node]]:
    explicit = [(key, value) for key, value in node.value if key.tag != MERGE_TAG]
    taken = {key.value for key, _ in explicit if isinstance(key, ScalarNode)}
    inherited: list[tuple[Node, Node]] = []
    for source in _merge_sources(node):
        for key, value in done.get(id(source), []):
            if not isinstance(key, ScalarNode):
                inherited.append((key, value))  # the validator reports it: keys must be text
            elif key.value not in taken:
                taken.add(key.value)
                inherited.append((key, value))
    return inherited + explicit
