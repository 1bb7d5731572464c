// The search page runs the search another page's search box sent it (search.html?q=...)
// in Pagefind's component UI, which reads no query of its own. Only text is handed over.
(() => {
  const term = new URLSearchParams(window.location.search).get("q");
  const ui = window.PagefindComponents;
  if (!term || !ui) return;
  ui.getInstanceManager().getInstance("default").triggerSearch(term);
})();
