"""Request shapes by audience: `common` (base body, shared types, `parse_body`), `intake`, `actions`, `queries`.

Shape and closed sets only; business checks live in the services and `rules`.
"""
