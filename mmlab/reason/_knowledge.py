"""External knowledge: a small knowledge graph about the objects of the scene world, queried during inference.

Pixels show that an object is a red circle; they do not show that a red
circle is an apple, that an apple is a fruit, or that fruit is food. A
knowledge graph stores such facts as triples ``(head, relation, tail)``.
To answer "is there any food?" the graph is queried first: every entity
that is (transitively) ``is_a`` food, and what each ``looks_like`` in the
scene world. That turns the question into a program the perception modules
can run: "is there a red circle OR a green circle?".

Used by: ``lectures/3_reasoning/04_causal_knowledge_counting.ipynb``.

References
----------
Marino, K., Rastegari, M., Farhadi, A. and Mottaghi, R. OK-VQA: a visual
question answering benchmark requiring external knowledge. CVPR 2019.
Wang, P., Wu, Q., Shen, C., Dick, A. and van den Hengel, A. FVQA: fact-based
visual question answering. IEEE TPAMI 40(10), 2018.
Vrandečić, D. and Krötzsch, M. Wikidata: a free collaborative knowledgebase.
Communications of the ACM 57(10), 2014.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["KnowledgeGraph", "scene_knowledge_graph"]


class KnowledgeGraph:
    """A set of ``(head, relation, tail)`` facts with the two queries the lecture needs.

    Parameters
    ----------
    triples : iterable of (str, str, str), optional

    Raises
    ------
    TypeError
        If a fact is not a triple of strings.

    Examples
    --------
    >>> kg = KnowledgeGraph([("apple", "is_a", "fruit"), ("fruit", "is_a", "food"),
    ...                      ("apple", "looks_like", "red circle")])
    >>> kg.instances("food")
    ['apple', 'fruit']
    >>> kg.ground("food")
    [('red', 'circle')]
    """

    def __init__(self, triples: Iterable[tuple[str, str, str]] = ()) -> None:
        self.triples: list[tuple[str, str, str]] = []
        for t in triples:
            if not isinstance(t, (tuple, list)) or len(t) != 3:
                raise TypeError(f"a fact is a triple (head, relation, tail); got {t!r}.")
            self.add(*t)

    def add(self, head: str, relation: str = "", tail: str = "") -> None:
        """Add one fact.

        Raises
        ------
        TypeError
            If the fact is not three non-empty strings.
        """
        if not all(isinstance(x, str) and x for x in (head, relation, tail)):
            raise TypeError(
                f"a fact is three non-empty strings (head, relation, tail); got {(head, relation, tail)!r}."
            )
        if (head, relation, tail) not in self.triples:
            self.triples.append((head, relation, tail))

    def query(
        self,
        head: str | None = None,
        relation: str | None = None,
        tail: str | None = None,
    ) -> list[tuple[str, str, str]]:
        """The facts matching the given parts (None matches anything)."""
        return [
            t
            for t in self.triples
            if (head is None or t[0] == head)
            and (relation is None or t[1] == relation)
            and (tail is None or t[2] == tail)
        ]

    def instances(self, concept: str) -> list[str]:
        """Every entity that is ``is_a`` ``concept`` directly or through a chain of ``is_a`` facts (multi-hop)."""
        found: list[str] = []
        frontier = [concept]
        while frontier:
            node = frontier.pop()
            for head, _, _ in self.query(relation="is_a", tail=node):
                if head not in found:
                    found.append(head)
                    frontier.append(head)
        return sorted(found)

    def ground(self, concept: str) -> list[tuple[str, str]]:
        """The (colour, shape) pairs of the scene world that ``concept`` covers (via ``looks_like``).

        Raises
        ------
        ValueError
            If a ``looks_like`` fact is not "<colour> <shape>".
        """
        pairs: list[tuple[str, str]] = []
        for entity in [concept, *self.instances(concept)]:
            for _, _, look in self.query(head=entity, relation="looks_like"):
                parts = look.split()
                if len(parts) != 2:
                    raise ValueError(f"looks_like must be '<colour> <shape>'; got {look!r} for {entity!r}.")
                if (parts[0], parts[1]) not in pairs:
                    pairs.append((parts[0], parts[1]))
        return sorted(pairs)

    def program(self, concept: str) -> tuple:
        """The yes/no program "is there anything that is a ``concept``?": an OR over its grounded pairs.

        Raises
        ------
        ValueError
            If the graph grounds ``concept`` in no (colour, shape) pair.

        Examples
        --------
        >>> scene_knowledge_graph().program("food")[0]
        'or'
        """
        pairs = self.ground(concept)
        if not pairs:
            raise ValueError(f"the knowledge graph does not ground {concept!r} in any object of the scene world.")
        programs = [("exists", ("filter", "color", c, ("filter", "shape", s, ("scene",)))) for c, s in pairs]
        out = programs[0]
        for p in programs[1:]:
            out = ("or", out, p)
        return out

    def __len__(self) -> int:
        return len(self.triples)


def scene_knowledge_graph() -> KnowledgeGraph:
    """The workbook's knowledge graph: what each object of the scene world is, and what that is.

    Nine entities, one per (colour, shape) pair (``looks_like``), placed in
    a small ``is_a`` hierarchy (apple and cherry tomato are fruit, fruit and
    vegetables are food, ...). None of these facts is visible in the pixels.

    Returns
    -------
    KnowledgeGraph

    Examples
    --------
    >>> kg = scene_knowledge_graph()
    >>> len(kg) > 20, kg.ground("vegetable")
    (True, [('green', 'circle'), ('green', 'triangle')])
    """
    looks = {
        "apple": "red circle",
        "pea": "green circle",
        "marble": "blue circle",
        "warning sign": "red triangle",
        "broccoli": "green triangle",
        "sail": "blue triangle",
        "brick": "red square",
        "banknote": "green square",
        "ice cube": "blue square",
    }
    is_a = [
        ("apple", "fruit"),
        ("pea", "vegetable"),
        ("broccoli", "vegetable"),
        ("fruit", "food"),
        ("vegetable", "food"),
        ("marble", "toy"),
        ("sail", "boat part"),
        ("warning sign", "sign"),
        ("brick", "building material"),
        ("banknote", "money"),
        ("ice cube", "frozen water"),
        ("frozen water", "cold thing"),
        ("toy", "artifact"),
        ("sign", "artifact"),
        ("building material", "artifact"),
        ("money", "artifact"),
        ("boat part", "artifact"),
    ]
    kg = KnowledgeGraph()
    for entity, look in looks.items():
        kg.add(entity, "looks_like", look)
    for head, tail in is_a:
        kg.add(head, "is_a", tail)
    return kg
