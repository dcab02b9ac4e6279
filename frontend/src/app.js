// Pocketlab page behaviour. Everything here is an enhancement: without JavaScript every page reads and
// navigates through plain links and forms.
(function () {
  "use strict";

  function highlight(root) {
    if (!window.hljs) return;
    root.querySelectorAll("pre code[class*='language-']").forEach(function (block) {
      if (!block.dataset.highlighted) window.hljs.highlightElement(block);
    });
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    // Fallback for plain-http hosts other than localhost.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var ok = document.execCommand("copy");
    area.remove();
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function addCopyButtons(root) {
    root.querySelectorAll("figure.example").forEach(function (figure) {
      if (figure.querySelector(".copy-button")) return;
      var caption = figure.querySelector("figcaption");
      var actions = caption.querySelector(".example-actions");
      if (!actions) {
        actions = document.createElement("span");
        actions.className = "example-actions";
        caption.appendChild(actions);
      }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy " + caption.querySelector(".example-label").textContent);
      button.addEventListener("click", function () {
        copyText(figure.querySelector("pre code").textContent).then(
          function () { flash(button, "Copied"); },
          function () { flash(button, "Press Ctrl+C"); });
      });
      actions.appendChild(button);
    });
  }

  function flash(button, text) {
    var old = button.textContent;
    button.textContent = text;
    setTimeout(function () { button.textContent = old; }, 1500);
  }

  function enhance(root) {
    highlight(root);
    addCopyButtons(root);
  }

  function typing(event) {
    var t = event.target;
    return t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.closest(".terminal");
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || typing(event)) return;
    var link = null;
    if (event.key === "ArrowLeft") link = document.querySelector("main a[rel='prev']");
    if (event.key === "ArrowRight") link = document.querySelector("main a[rel='next']");
    if (link) {
      event.preventDefault();
      link.click();
    } else if (event.key === "/") {
      var search = document.getElementById("site-search") || document.getElementById("search-q");
      if (search) {
        event.preventDefault();
        search.focus();
        search.select();
      }
    }
  });

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  // After a boosted navigation: enhance the new lesson and move focus to its heading for screen readers.
  document.addEventListener("htmx:afterSettle", function (event) {
    var main = document.getElementById("main");
    if (event.target !== main) return;
    enhance(main);
    var heading = main.querySelector("h1");
    if (heading) heading.focus({ preventScroll: true });
  });
  document.addEventListener("htmx:historyRestore", function () { enhance(document); });
})();
