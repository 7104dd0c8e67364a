"""The common base of all records of the standard."""

from __future__ import annotations

from functools import cache
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_pascal


class Record(BaseModel):
    """A record of the standard. Aliases are the element names, generated from the field names
    (``btw_bedrag`` -> ``BtwBedrag``) unless a field names its own; unknown fields are refused."""

    model_config = ConfigDict(
        alias_generator=to_pascal,
        extra="forbid",
        populate_by_name=True,
        frozen=True,
        str_strip_whitespace=False,
    )

    #: the element / JSON key names in schema order, filled in by ``__pydantic_init_subclass__``
    element_names: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.element_names = tuple(f.alias or name for name, f in cls.model_fields.items())

    def to_data(self) -> dict[str, Any]:
        """The record as element name -> Python value (dates, ints, str, lists), without
        absent fields. Faster than ``model_dump``; used by every writer."""
        values = self.__dict__
        return {
            name: value
            for attr, name in field_pairs(type(self))
            if (value := values[attr]) is not None
        }


@cache
def field_pairs(cls: type[Record]) -> tuple[tuple[str, str], ...]:
    """(attribute, element name) pairs of ``cls`` in schema order; for fast writers."""
    return tuple((name, f.alias or name) for name, f in cls.model_fields.items())


def _present(*names: str) -> dict[str, Any]:
    """JSON Schema for "these fields are present (as text, not null)"."""
    return {"required": list(names), "properties": {name: {"type": "string"} for name in names}}


def one_of_required(first: str, second: str) -> dict[str, Any]:
    """JSON Schema for "exactly one of these fields is present" (an ``xs:choice``).

    Written as if/then/else rather than ``oneOf`` so that code generators make one class, not
    one per alternative; the ``properties`` beside each ``required`` keep ajv's strict mode
    content."""
    return {
        "if": _present(first),
        "then": {"not": _present(second)},
        "else": _present(second),
    }


def at_most_one_of(*names: str) -> dict[str, Any]:
    """JSON Schema for "at most one of these fields" (an optional ``xs:choice``)."""
    return {"not": _present(*names)}
