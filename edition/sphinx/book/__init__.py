"""Sphinx plug-ins every edition shares (registered by edition/sphinx/__init__.py), and the helpers every plug-in uses: register(), ancestor()."""
from __future__ import annotations


def register(app, *, config: dict | None = None, transforms=(), post_transforms=(), directives: dict | None = None,
             events=(), parallel_read_safe: bool = True, **metadata) -> dict:
    """A plug-in's setup() as a table of what it adds to Sphinx: config values (name: (default,
    what a change rebuilds, types)), transforms and post-transforms (in this order), directives
    (name: class) and event handlers ((event, handler) or (event, handler, priority)). Returns the
    extension's metadata: safe for parallel reading and writing unless it says otherwise."""
    for name, (default, rebuild, types) in (config or {}).items():
        app.add_config_value(name, default, rebuild, types=types)
    for transform in transforms:
        app.add_transform(transform)
    for transform in post_transforms:
        app.add_post_transform(transform)
    for name, directive in (directives or {}).items():
        app.add_directive(name, directive)
    for event, handler, *priority in events:
        app.connect(event, handler, *priority)
    return {"parallel_read_safe": parallel_read_safe, "parallel_write_safe": True, **metadata}


def ancestor(node, *types):
    """The node itself or its nearest ancestor that is one of `types` (docutils node classes); None
    if there is none. "Is this inside a solution, a code block, a figure?" asked one way."""
    while node is not None and not isinstance(node, types):
        node = node.parent
    return node
