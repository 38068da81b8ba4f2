/* lossbook: the "Run in the browser" button (book/_ext/launch.py).
 *
 * JupyterLite needs the book served over http: a browser opening the book from disk
 * (file://) blocks what it loads. There the button says so, next to itself, instead
 * of opening a page that cannot start.
 */
(function () {
  if (location.protocol !== "file:") return;
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("a.lossbook-run");
    if (!button) return;
    event.preventDefault();
    var note = document.getElementById("lossbook-run-note");
    if (!note) {
      note = document.createElement("p");
      note.id = "lossbook-run-note";
      note.className = "lossbook-run-note";
      note.setAttribute("role", "alert");
      var article = document.querySelector("article.bd-article") || document.body;
      article.insertBefore(note, article.firstChild);
    }
    note.textContent = button.getAttribute("data-disk-note");
    note.scrollIntoView({block: "nearest"});
  });
})();
