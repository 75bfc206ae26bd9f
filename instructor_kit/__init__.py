"""Slides and an instructor guide, made from the very same lessons.

- lesson_facts: what a lesson says about itself (title, timing, objectives, key points,
  exercises, misconceptions, the live-coding steps), read from the notebook, never typed twice.
- slides: a reveal.js deck per lesson from its executed notebook (nbconvert's SlidesExporter with
  the template in reveal_deck/, reveal.js from node_modules/, nothing from another origin).
- guide: the instructor guide's pages, as Markdown, from the lesson facts.
- mkdocs_hook: puts decks, reveal.js and guide pages on the site at build time, and keeps
  speaker notes and slide-only cells off the reader's page.
- slides_pdf: `make slides-pdf`, every deck printed to PDF by Chromium (reveal.js's print view).
"""
