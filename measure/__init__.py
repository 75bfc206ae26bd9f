"""Measuring the built site as readers get it: the server that compresses as GitHub Pages does,
and the Lighthouse run whose numbers bench/README.md reports; and a copy of the sources where
builds are measured or compared without touching the developer's caches."""
