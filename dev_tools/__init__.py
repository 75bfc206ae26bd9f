"""The developers' tools, one file per purpose; none of them is part of the site.

- bench/: `make bench`, what building and testing costs here (its README holds the method and the
  latest table).
- lighthouse.py: `make lighthouse`, Lighthouse's scores of the built site.
- pages_server.py: serves a built site as GitHub Pages does (gzip), for the browser tests and
  Lighthouse.
- site_stamp.py: `make build`, which builds only when a source changed.
- source_copy.py: a copy of the sources where builds are measured or compared without touching
  the developer's caches.
- suite_record.py: the record of a full `make test`, which the bench reports.
"""
