"""Inserting many new rows of one model at once, as cheaply as the database allows:

    insert_new(LedgerEntry, entries)

On PostgreSQL the ids are taken from the table's sequence in one query and the rows are sent
with ``COPY ... FROM STDIN``: no SQL text or parameter list per row, no ``RETURNING``. Elsewhere
(SQLite) it is ``bulk_create``. Either way every object gets its id and counts as saved; as with
``bulk_create``, ``save()`` is not called and no signals are sent. Regulated models still only
inside a service."""

from __future__ import annotations

from django.db import connections, models, router

from seedreg.regulated import RegulatedModel, _require_service

# Fields whose attribute value psycopg can take as it is: for values of the field's own type
# their get_db_prep_save is the identity on PostgreSQL, and their pre_save only reads the
# attribute. Skipping those two calls per field and row is most of the Python cost of a COPY.
# (Not DateTimeField: Django makes a naive value aware in TIME_ZONE first; not JSONField.)
_AS_IS = (models.IntegerField, models.CharField, models.TextField, models.DecimalField, models.BooleanField)


def _as_is(field) -> bool:
    if isinstance(field, models.ForeignKey):
        return _as_is(field.target_field)
    return isinstance(field, _AS_IS) or type(field) is models.DateField


def insert_new(model, objs, *, batch_size: int = 2000) -> None:
    if not objs:
        return
    if issubclass(model, RegulatedModel):
        _require_service(model, "insert_new()")
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        return
    opts = model._meta
    quote = connection.ops.quote_name
    fields = list(opts.concrete_fields)
    as_is = [(f.attname, None if _as_is(f) else f) for f in fields]
    sql = f"COPY {quote(opts.db_table)} ({', '.join(quote(f.column) for f in fields)}) FROM STDIN"
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [opts.db_table, opts.pk.column, len(objs)])
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
        with cursor.cursor.copy(sql) as copy:
            for obj in objs:
                values = obj.__dict__
                copy.write_row([values[attname] if field is None else
                                field.get_db_prep_save(field.pre_save(obj, True), connection)
                                for attname, field in as_is])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias


def insert_values(model, rows: list[dict], *, batch_size: int = 2000) -> list[int]:
    """``insert_new`` for rows given as {attname: value} dicts, no model object built: returns
    their new ids in order. A field a row leaves out takes its default, computed once per call
    (so a ``timezone.now`` default is the same instant for the whole call)."""
    if not rows:
        return []
    if issubclass(model, RegulatedModel):
        _require_service(model, "insert_values()")
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        objs = [model(**row) for row in rows]
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        return [obj.pk for obj in objs]
    opts = model._meta
    quote = connection.ops.quote_name
    fields = [f for f in opts.concrete_fields if f is not opts.pk]
    defaults = {f.attname: f.get_default() for f in fields}
    sql = (f"COPY {quote(opts.db_table)} ({quote(opts.pk.column)}, {', '.join(quote(f.column) for f in fields)}) "
           f"FROM STDIN")
    prepared = [(f.attname, defaults[f.attname], None if _as_is(f) else f) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [opts.db_table, opts.pk.column, len(rows)])
        ids = [pk for (pk,) in cursor.fetchall()]
        with cursor.cursor.copy(sql) as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row([pk, *(row.get(attname, default) if field is None else
                                      field.get_db_prep_save(row.get(attname, default), connection)
                                      for attname, default, field in prepared)])
    return ids
