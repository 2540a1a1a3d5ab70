"""A field's value chain: goods and fields in columns, upstream first, with each field's active cores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from resalat_cores import services as cores
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload

from resalat_core.sdk import NotFound, Region, _, current_language
from resalat_value_chain.services import field_goods, goods_by_code

Core = cores.Core


@dataclass
class ChainNode:
    kind: str  # "good" or "field"
    code: str
    label: str
    column: int
    row: int = 0
    cores: int = 0
    current: bool = False


@dataclass
class Chain:
    field: Any
    nodes: list[ChainNode]
    edges: list[tuple[ChainNode, ChainNode]]
    columns: int


def chain_of(session: Session, code: Any, *, depth: int = 3) -> Chain:
    """The field's chain: goods and fields in alternating columns, upstream on the start side,
    with each field's number of active cores (two queries for fields, one for the counts)."""
    ios = field_goods(session)
    io = ios.get(code) if isinstance(code, str) else None
    if io is None:
        raise NotFound(_("No such field."), code="unknown_field")
    goods = goods_by_code(session)
    counts = active_cores_by_field(session)
    # Column positions relative to the field (0): its inputs at -1, the fields making them at -2...
    place: dict[tuple[str, str], int] = {("field", io.field.code): 0}
    frontier = [("field", io.field.code, 0)]
    edges: set[tuple[tuple[str, str], tuple[str, str]]] = set()
    while frontier:
        kind, node, col = frontier.pop(0)
        if abs(col) >= depth * 2:
            continue
        if kind == "field":
            fio = ios[node]
            if col <= 0:
                for g in fio.inputs:
                    edges.add((("good", g), ("field", node)))
                    if ("good", g) not in place:
                        place[("good", g)] = col - 1
                        frontier.append(("good", g, col - 1))
            if col >= 0:
                for g in fio.outputs:
                    edges.add((("field", node), ("good", g)))
                    if ("good", g) not in place:
                        place[("good", g)] = col + 1
                        frontier.append(("good", g, col + 1))
        else:
            for other in ios.values():
                key = ("field", other.field.code)
                if col < 0 and node in other.outputs:
                    edges.add((key, ("good", node)))
                    if key not in place:
                        place[key] = col - 1
                        frontier.append(("field", other.field.code, col - 1))
                if col > 0 and node in other.inputs:
                    edges.add((("good", node), key))
                    if key not in place:
                        place[key] = col + 1
                        frontier.append(("field", other.field.code, col + 1))
    low = min(place.values())
    nodes: dict[tuple[str, str], ChainNode] = {}
    rows: dict[int, int] = {}
    for (kind, node), col in sorted(place.items(), key=lambda kv: (kv[1], kv[0])):
        column = col - low
        if kind == "field":
            f = ios[node].field
            label = f.name_en if current_language() == "en" else f.name_fa
            n = ChainNode(
                "field", node, label, column, cores=int(counts.get(f.id, 0)), current=node == io.field.code
            )
        else:
            good = goods.get(node)
            n = ChainNode("good", node, good.name if good else node, column)
        n.row = rows.get(column, 0)
        rows[column] = n.row + 1
        nodes[(kind, node)] = n
    kept = [
        (nodes[a], nodes[b])
        for a, b in sorted(edges)
        if a in nodes and b in nodes and nodes[a].column < nodes[b].column
    ]
    return Chain(io.field, list(nodes.values()), kept, max(place.values()) - low + 1)


def active_cores_by_field(session: Session) -> dict[int, int]:
    """How many active cores each field has: one grouped query."""
    rows = session.execute(
        select(Core.field_id, func.count()).where(Core.status == cores.ACTIVE).group_by(Core.field_id)
    ).all()
    return {int(f): int(n) for f, n in rows}


def field_cores_query(field: Any) -> Select[Any]:
    # Each names its place with its province: loaded here, not one province at a time.
    return (
        select(Core)
        .options(joinedload(Core.region).joinedload(Region.parent))
        .where(Core.status == cores.ACTIVE, Core.field_id == field.id)
        .order_by(Core.name, Core.id)
    )
