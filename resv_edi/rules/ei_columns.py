"""The columns of a block of fixed-width EI records, read once per distinct text.

A block's text holds whole records at the record stride. The fields the block check needs
are sliced for all records at once (one ``itemgetter`` of slices per stretch of neighbouring
fields), and their texts go through the reader's converter
(:func:`~resv_edi.vektis.reader.column_values`: digits, dates and D/C screened as a whole
column, else :func:`~resv_edi.vektis.reader.parse_column`) once per distinct text: codes, dates and
parties have a few distinct texts in a block of thousands, so a stretch of such fields is
sliced, compared and converted once per distinct stretch and cut into its fields there.
Fields whose texts are (nearly) all different (references, amounts, free text) are sliced on
their own and converted as they are, without looking for repeats; which fields those are, a
:class:`Spread` learns from the blocks it has seen. Either way the values are the same; only
the cost differs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from operator import itemgetter
from typing import Any

from resv_edi.vektis.layout import FieldSpec, RecordLayout
from resv_edi.vektis.reader import column_values, parse_column

#: every this many blocks, the fields taken as all different are looked at for repeats again
PROBE_EVERY = 16
#: a block of fewer records teaches a :class:`Spread` nothing (too few to tell)
LEARN_FROM = 64


class Spread:
    """Which fields hold (nearly) all different texts (:attr:`wide`, field ids) and which
    hold many (:attr:`alone`, the wide ones too: sliced on their own, not in a stretch whose
    distinct texts they would multiply), learnt from the blocks read; the wide fields are
    looked at again every :data:`PROBE_EVERY` blocks."""

    def __init__(self) -> None:
        self.wide: frozenset[str] = frozenset()
        self.alone: frozenset[str] = frozenset()
        self.blocks = 0

    def learn(self, field_id: str, distinct: int, count: int) -> None:
        """Field ``field_id`` has ``distinct`` different texts in ``count`` records."""
        if count < LEARN_FROM:
            return
        if (distinct * 2 > count) != (field_id in self.wide):
            self.wide ^= {field_id}
        if (distinct * 16 > count) != (field_id in self.alone):
            self.alone ^= {field_id}


class Texts:
    """A text per record (a field's or a stretch's) and the distinct texts in first-seen
    order; :meth:`spread` gives a value per record from a value per distinct text."""

    __slots__ = ("_take", "distinct", "raws")

    def __init__(self, raws: Sequence[str]) -> None:
        self.raws = raws
        first = raws[0] if raws else None
        if first is not None and raws[-1] == first and raws.count(first) == len(raws):
            self.distinct = [first]  # one text (a field left blank): compared, not hashed
        else:
            self.distinct = list(dict.fromkeys(raws))
        self._take: Callable[[Sequence[Any]], Any] | None = None

    def spread(self, made: Sequence[Any], shared: bool) -> list[Any]:
        """``made`` (a value per distinct text) one per record; ``shared``: the texts hold
        more than one field, so the records' distinct numbers are found once for all."""
        if len(self.distinct) == 1:
            return [made[0]] * len(self.raws)
        if not shared:
            return list(map(dict(zip(self.distinct, made, strict=True)).__getitem__, self.raws))
        take = self._take
        if take is None:
            numbers = dict(zip(self.distinct, range(len(self.distinct)), strict=True))
            codes = list(map(numbers.__getitem__, self.raws))
            if not codes:
                return []
            take = self._take = itemgetter(*codes) if len(codes) > 1 else _one_of(codes[0])
        return list(take(made))


@dataclass(slots=True)
class Column:
    """One field's values in a block's records: ``values`` (what the reader reads of the
    field) per distinct text of ``texts`` (the field's own texts, or a stretch's holding it
    when not ``own``), or per record when ``texts`` is ``None`` (taken as they are)."""

    texts: Texts | None
    values: Sequence[Any]
    own: bool = True

    def per_record(self, values: Sequence[Any] | None = None) -> list[Any]:
        """``values`` (made of :attr:`values`, in its order; default: :attr:`values`) one per
        record."""
        made = self.values if values is None else values
        texts = self.texts
        if texts is None:
            return made if isinstance(made, list) else list(made)
        if self.own and made == texts.distinct:
            return list(texts.raws)
        return texts.spread(made, not self.own)


def read_columns(
    rl: RecordLayout,
    text: str,
    count: int,
    rows: list[int] | None,
    keys: frozenset[str],
    spread: Spread,
    typed: bool = False,
    skip: Sequence[int] | None = None,
) -> dict[str, Column] | None:
    """The :class:`Column` (by field key) of every field of ``rl`` that is checked or in
    ``keys``, over records ``rows`` (all ``count`` when ``None``) of the block ``text``
    (``count`` records at the stride); ``None`` when any value has a problem. ``typed``: the
    caller knows every one of those records to start with ``rl``'s type, so its record-type
    field (not in ``keys``), read once from the type itself, is not sliced. ``skip``: the
    records not in ``rows`` (sorted), when the caller has them: the text is cut around them
    once, rather than every field's texts picked."""
    stride = len(text) // count
    if rows is not None and skip is not None and len(rows) + len(skip) == count:
        bounds = [-1, *skip, count]
        text = "".join([text[(a + 1) * stride : b * stride] for a, b in pairwise(bounds)])
        count, rows = len(rows), None
    elif rows is not None and len(rows) * 4 < count:  # a few records: those alone
        text = "".join([text[j * stride : (j + 1) * stride] for j in rows])
        count, rows = len(rows), None
    n = count if rows is None else len(rows)
    size = 1 << max(count - 1, 0).bit_length()
    pick = None if rows is None else itemgetter(*rows) if len(rows) > 1 else _one_of(rows[0])
    spread.blocks += 1
    probe = spread.blocks % PROBE_EVERY == 0
    wide = spread.wide
    columns: dict[str, Column] = {}
    for piece, getter in _pieces(rl, keys, spread.alone, stride, size, typed):
        raws: Sequence[str] = getter(text)
        raws = pick(raws) if pick is not None else raws[:count] if count < size else raws
        if len(piece) > 1:  # a stretch of fields, each cut from its distinct texts
            texts = Texts(raws)
            for f, at in piece:
                cut = slice(at, at + f.length)
                cuts = [stretch[cut] for stretch in texts.distinct]
                distinct = list(dict.fromkeys(cuts))
                spread.learn(f.id, len(distinct), n)
                values = column_values(f, distinct)
                if values is None:
                    return None
                if len(distinct) != len(cuts):
                    values = list(map(dict(zip(distinct, values, strict=True)).__getitem__, cuts))
                columns[f.key] = Column(texts, values, own=False)
            continue
        f = piece[0][0]
        if f.id in wide and not probe:
            column = Column(None, raws)
            values = column_values(f, raws)
        else:
            column = Column(Texts(raws), raws)
            distinct = column.texts.distinct  # type: ignore[union-attr]
            spread.learn(f.id, len(distinct), n)
            values = column_values(f, distinct)
        if values is None:
            return None
        column.values = values
        columns[f.key] = column
    return columns


#: fields sliced as one (each with its offset in the stretch) and the stretch's getter
_Pieces = tuple[tuple[tuple[tuple[FieldSpec, int], ...], Callable[[str], tuple[str, ...]]], ...]
_made: dict[tuple[Any, ...], tuple[RecordLayout, _Pieces]] = {}


def _pieces(
    rl: RecordLayout,
    keys: frozenset[str],
    alone: frozenset[str],
    stride: int,
    size: int,
    typed: bool = False,
) -> _Pieces:
    """The needed fields of ``rl`` (checked or in ``keys``; with ``typed``, not its
    record-type field when :func:`_type_field_clean`) in stretches of neighbours not in
    ``alone``, with the getter of each stretch's texts in ``size`` records at ``stride`` (a
    record beyond the text gives empty texts); made once."""
    key = (id(rl), keys, alone, stride, size, typed)
    made = _made.get(key)
    if made is not None and made[0] is rl:
        return made[1]
    stretches: list[list[FieldSpec]] = []
    for f in rl.fields:
        if not (f.checked or f.key in keys):
            continue
        if typed and f.key not in keys and _type_field_clean(rl, f):
            continue
        last = stretches[-1][-1] if stretches else None
        if (
            last is not None
            and f.id not in alone
            and last.id not in alone
            and last.start + last.length == f.start
        ):
            stretches[-1].append(f)
        else:
            stretches.append([f])
    pieces = []
    for stretch in stretches:
        at = stretch[0].start - 1
        end = at + sum(f.length for f in stretch)
        span = size * stride
        slices = list(map(slice, range(at, at + span, stride), range(end, end + span, stride)))
        getter = itemgetter(*slices) if size > 1 else _one_of(slices[0])
        pieces.append((tuple((f, f.start - 1 - at) for f in stretch), getter))
    if len(_made) > 64:
        _made.clear()
    _made[key] = (rl, tuple(pieces))
    return _made[key][1]


def _type_field_clean(rl: RecordLayout, f: FieldSpec) -> bool:
    """``f`` is ``rl``'s record-type field (the record's first characters) and the
    reader's converter finds no problem in the type itself: in records known to be of that
    type, the field needs no look."""
    return f.start == 1 and f.length == len(rl.type) and parse_column(f, [rl.type]) is not None


def _one_of(where: Any) -> Callable[[Any], tuple[Any, ...]]:
    return lambda seq: (seq[where],)
