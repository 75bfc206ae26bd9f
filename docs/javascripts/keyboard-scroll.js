// Material puts every table in a box that scrolls sideways (.md-typeset__scrollwrap) but leaves
// the box out of the tab order: a box that scrolls must be reachable from the keyboard (WCAG
// 2.1.1; axe-core's scrollable-region-focusable). Runs on every page load, after Material has
// wrapped the tables (document$ replays the page to subscribers that come later, like this one).
document$.subscribe(function () {
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
    box.tabIndex = 0;
  });
});
