"""Measuring the built site as readers get it: the server that compresses as GitHub Pages does,
and the Lighthouse run whose numbers the README reports."""
