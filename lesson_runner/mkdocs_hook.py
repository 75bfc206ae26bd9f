"""MkDocs hook: put the executed lessons on the site.

- on_files: executes the lessons that are not cached yet (see lesson_runner) and adds each
  executed copy as the page `lessons/NN-slug.ipynb`; mkdocs-jupyter then renders it without
  running it again. A lesson with a problem stops the build with a sentence per problem.
- on_page_content: wraps cells tagged `solution` in a collapsed <details>, and drops the
  script tags nbconvert's template points at CDNs (MathJax, Mermaid): the lessons use neither,
  and the site must work offline.
  It also puts a download button for the lesson's notebook at the top of the page.
- on_post_page: copies the lesson's source notebook (no outputs) next to the page, where that
  button points.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import lesson_runner  # noqa: E402

LESSON_PREFIX = "lessons/"


def _is_lesson(page) -> bool:
    return page.file.src_uri.startswith(LESSON_PREFIX) and page.file.src_uri.endswith(".ipynb")


@event_priority(100)  # before mkdocs-jupyter turns .ipynb files into pages
def on_files(files, config):
    executed = lesson_runner.execute_lessons()
    problems = [problem for lesson in executed for problem in lesson.problems]
    if problems:
        raise PluginError(
            "These lessons did not run as they promise:\n" + "\n".join(f"  - {problem}" for problem in problems)
        )
    for lesson in executed:
        key_folder = lesson_runner.cached_notebook_path(lesson.path).parent.parent
        files.append(
            File(
                LESSON_PREFIX + lesson.path.name,
                src_dir=str(key_folder),
                dest_dir=config["site_dir"],
                use_directory_urls=config["use_directory_urls"],
            )
        )
    return files


def on_page_content(html, page, config, files):
    if not _is_lesson(page):
        return html
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        external = script.get("src") is not None or "https://" in script.get_text()
        if external or script.get("type") == "text/x-mathjax-config":
            script.decompose()
    for cell in soup.select(".celltag_solution"):
        if cell.find_parent(class_="celltag_solution"):
            continue  # nbconvert nests the tag class; wrap the outermost element once
        details = soup.new_tag("details", attrs={"class": "success solution"})
        summary = soup.new_tag("summary")
        summary.string = "Solution"
        cell.wrap(details)
        details.insert(0, summary)
    name = Path(page.file.src_uri).name
    download = BeautifulSoup(
        f'<p class="lesson-download"><a class="md-button" href="{name}" download>'
        f"Download this lesson as a notebook ({name})</a></p>",
        "html.parser",
    )
    title = soup.find("h1")
    if title:
        title.insert_after(download)  # right under the title, where a reader looks for it
    else:
        soup.insert(0, download)
    return str(soup)


def on_post_page(output, page, config):
    if _is_lesson(page):
        source = lesson_runner.LESSONS_DIR / Path(page.file.src_uri).name
        page_folder = Path(page.file.abs_dest_path).parent
        page_folder.mkdir(parents=True, exist_ok=True)  # the page itself is written after this event
        shutil.copyfile(source, page_folder / source.name)
    return output
