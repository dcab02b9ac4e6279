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

  // Flashcards: Space or Enter shows the answer, then 1–4 grade it (Again, Hard, Good, Easy). Without
  // JavaScript the answer is a plain <details> and the grades are the form's buttons.
  document.addEventListener("keydown", function (event) {
    var reveal = document.querySelector("main .flashcard-reveal");
    if (!reveal || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.repeat
        || typing(event)) return;
    var summary = reveal.querySelector("summary");
    if (!reveal.open && (event.key === " " || event.key === "Enter")) {
      if (event.target !== summary && event.target.closest("a, button, summary")) return; // keeps its own keys
      event.preventDefault();
      reveal.open = true;
    } else if (reveal.open && /^[1-4]$/.test(event.key) && !reveal.dataset.graded) {
      var button = reveal.querySelector("button[data-grade-key='" + event.key + "']");
      if (!button) return;
      event.preventDefault();
      reveal.dataset.graded = "true"; // one grade per card, however often the key is pressed
      button.click();
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

  // Live dashboards: an element with data-live-url subscribes to the server's events (EventSource) and
  // swaps each row it receives in place of the element with the same id. The note that comes with a row
  // goes to a polite live region, so screen readers hear what changed. Where rows may have been missed (the
  // server says "stale", or the stream itself reconnected), the element is read afresh from the page. A few
  // seconds after rows arrive, so are the totals and charts, which rows don't carry (only those: swapping the
  // matrix under an instructor's keyboard focus or scroll position every few seconds would lose it).
  var liveSources = [];
  var TOTALS_AFTER_MS = 5000;
  var TOTALS = [".dashboard-summary", ".charts", "table.matrix > tfoot"];
  function resync(element, said, only) {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-live-url]");
        if (!fresh || !document.body.contains(element)) return;
        if (only) {
          only.forEach(function (selector) {
            var old = element.querySelector(selector);
            var replacement = fresh.querySelector(selector);
            if (old && replacement) old.replaceWith(document.importNode(replacement, true));
          });
          return; // a routine refresh says nothing new
        }
        element.innerHTML = fresh.innerHTML;
        if (window.htmx) window.htmx.process(element);
        var note = document.getElementById("dashboard-live");
        if (note) note.textContent = said;
      })
      .catch(function () {
        // the next event or reconnect tries again
      });
  }
  function connectLive() {
    liveSources = liveSources.filter(function (entry) {
      if (document.body.contains(entry.element)) return true;
      entry.source.close(); // the dashboard was navigated away from
      return false;
    });
    document.querySelectorAll("[data-live-url]").forEach(function (element) {
      if (!window.EventSource || liveSources.some(function (e) { return e.element === element; })) return;
      var source = new EventSource(element.dataset.liveUrl);
      var totalsDue = null;
      source.addEventListener("row", function (event) {
        if (!totalsDue) {
          totalsDue = setTimeout(function () {
            totalsDue = null;
            resync(element, "", TOTALS);
          }, TOTALS_AFTER_MS);
        }
        var template = document.createElement("template");
        template.innerHTML = event.data;
        Array.prototype.forEach.call(template.content.querySelectorAll("[id]"), function (fresh) {
          var old = document.getElementById(fresh.id);
          if (!old) return;
          old.replaceWith(fresh);
          var note = document.getElementById("dashboard-live");
          if (note && fresh.dataset.liveNote) note.textContent = fresh.dataset.liveNote;
        });
      });
      source.addEventListener("signed-out", function (event) {
        source.close(); // reconnecting would be refused: the page says why instead
        var note = document.getElementById("dashboard-live");
        if (note) note.textContent = event.data;
      });
      source.addEventListener("stale", function () {
        resync(element, "Refreshed after a break in live updates.");
      });
      var connected = false;
      source.addEventListener("open", function () {
        if (connected) resync(element, "Live updates are back; refreshed.");
        connected = true;
      });
      liveSources.push({ element: element, source: source });
    });
  }
  document.addEventListener("DOMContentLoaded", connectLive);
  document.addEventListener("htmx:afterSettle", connectLive);
  document.addEventListener("htmx:historyRestore", connectLive);
})();
