// parley's own small touches on top of htmx: put each validation message on its cell.
(function () {
  function markCells() {
    var box = document.getElementById("problems");
    if (!box) return;
    document.querySelectorAll(".cell-error").forEach(function (el) { el.textContent = ""; });
    document.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    box.querySelectorAll("li[data-cell]").forEach(function (li) {
      var id = li.getAttribute("data-cell");
      if (!id) return;
      var input = document.getElementById(id);
      var note = document.querySelector('.cell-error[data-for="' + id + '"]');
      if (input) input.setAttribute("aria-invalid", "true");
      if (note) note.textContent = note.textContent ? note.textContent + "; " + li.textContent : li.textContent;
    });
  }
  document.addEventListener("htmx:afterSwap", markCells);
  // Cancel: abort the request of every element of the form (the server drops the run's answer)
  window.parleyCancel = function (formId) {
    var form = document.getElementById(formId);
    if (!form) return;
    htmx.trigger(form, "htmx:abort");
    form.querySelectorAll("[hx-post]").forEach(function (el) { htmx.trigger(el, "htmx:abort"); });
  };
})();
