"""Queries every signed-in request runs, built and compiled once per process.

The member with their standing (aposbook/backends.py) and the reader's own comments on
an article (forum/discussion.py) are the same SQL on every request but for one or two
ids; Django's ORM builds and compiles a query from scratch each time, which cost more
than running it (~2.5 ms and ~3 ms of a member's ~7 ms page, against well under a
millisecond in the database). A `Prepared` query is built once with a stand-in value
for each id, compiled per database alias it runs on (the read replica's router still
chooses the alias per request), and then run with the request's ids in the stand-ins'
places: the same SQL, the same parameters, the rows converted (dates, booleans) and
turned into model instances exactly as the ORM's own iterables do.

What stays safe: the SQL is the ORM's own, parameters are still bound by the driver
(never pasted in), and a query is compiled again whenever `forget()` is called (the
permission ids some of them hold change after migrate or flush).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler

# Stand-ins for the ids: negative, so no real row has them, and each used only here.
_STAND_IN_BASE = -7_340_000_000


@dataclass
class _Compiled:
    sql: str
    params: list[Any]
    slots: dict[str, list[int]]  # argument name -> positions of its stand-in in params
    compiler: SQLCompiler


class Prepared:
    """`build(**ids)` -> QuerySet, compiled once per database alias; `rows(**ids)` runs it
    (values_list querysets), `instances(**ids)` for model querysets."""

    def __init__(self, model: type[Model], build: Callable[..., QuerySet], *names: str) -> None:
        self.model = model
        self.build = build
        self.names = names
        self._compiled: dict[str, _Compiled] = {}

    def forget(self) -> None:
        self._compiled.clear()

    def _compile(self, alias: str) -> _Compiled:
        stand_ins = {name: _STAND_IN_BASE - i for i, name in enumerate(self.names)}
        queryset = self.build(**stand_ins).using(alias)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = {
            name: [i for i, value in enumerate(params) if value == stand_in]
            for name, stand_in in stand_ins.items()
        }
        if not all(slots.values()):  # an id the query does not use: a bug here
            raise ValueError(f"a stand-in is missing from the compiled query: {slots}")
        return _Compiled(sql, list(params), slots, compiler)

    def _run(self, ids: dict[str, int]) -> tuple[_Compiled, str, list]:
        alias = router.db_for_read(self.model)
        compiled = self._compiled.get(alias)
        if compiled is None:
            compiled = self._compiled[alias] = self._compile(alias)
        params = list(compiled.params)
        for name, positions in compiled.slots.items():
            for position in positions:
                params[position] = ids[name]
        with connections[alias].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return compiled, alias, rows

    def rows(self, **ids: int) -> Iterator[tuple]:
        compiled, _, rows = self._run(ids)
        return (tuple(row) for row in compiled.compiler.results_iter(results=[rows]))

    def instances(self, **ids: int) -> list[Model]:
        compiled, alias, rows = self._run(ids)
        compiler = compiled.compiler
        select, klass_info = compiler.select, compiler.klass_info
        if klass_info is None or klass_info["model"] is not self.model:
            raise ValueError("Prepared.instances needs a queryset of its own model")
        if klass_info.get("related_klass_infos"):  # select_related: not handled here
            raise ValueError("Prepared.instances does not follow select_related")
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        out = []
        for row in compiler.results_iter(results=[rows]):
            obj = self.model.from_db(alias, init_list, row[start:end])
            for attribute, position in compiler.annotation_col_map.items():
                setattr(obj, attribute, row[position])
            out.append(obj)
        return out
