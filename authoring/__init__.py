"""Tools for a lesson's author: `new_lesson` makes a lesson from `lesson_template.ipynb`, a short
lesson that keeps every convention of CONTRIBUTING.md, and adds it to mkdocs.yml's nav."""
