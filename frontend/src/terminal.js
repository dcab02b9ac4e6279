// Pocketlab terminal and runnable examples, for a signed-in learner whose server runs sandboxes.
//
// The page says what it offers (see README, "Terminal and Run"):
//   [data-terminal-url="/courses/{course}/terminal"]  on the lesson article (else <body>): a live terminal
//   figure.example[data-run-url]   Run: POST, NDJSON output   [data-paste]  Paste into terminal
//   figure.example[data-writes]    files Run replaces          [data-run-note]  what Run does
// Only with a terminal URL are there a Terminal button (in the site header) and Run/Paste buttons.
// Toggle and panel are created once, outside #main, and survive HTMX's boosted navigation (hx-preserve
// covers history restores), so one xterm and one WebSocket serve every lesson of a course.
// xterm.js is loaded on first use only: readers who never open the terminal never download it.
(function () {
  "use strict";

  // ---- Content-Security-Policy --------------------------------------------------------------------------
  // The policy is style-src 'self' 'nonce-N'. xterm.js creates <style> elements at runtime: stamp every
  // created <style> with the page's nonce. Installed at load, long before xterm.js runs.
  var nonceMeta = document.querySelector('meta[name="style-nonce"]');
  var NONCE = nonceMeta ? nonceMeta.getAttribute("content") : "";
  if (NONCE) {
    var createElement = document.createElement;
    document.createElement = function () {
      var el = createElement.apply(this, arguments);
      if (el.localName === "style") el.nonce = NONCE;
      return el;
    };
    // xterm's DOM renderer colours 24-bit (and contrast-corrected) text with setAttribute("style",
    // "color:#rrggbb;"), which the policy refuses as an inline style. Exactly such colour declarations go
    // through the CSSOM instead (which the policy does not govern); every other style attribute is still
    // handed to the browser, and refused, as before.
    var setAttribute = Element.prototype.setAttribute;
    var COLOUR = "\\s*(?:background-)?color:\\s*(?:#[0-9a-f]{3,8}|rgba?\\([0-9.,\\s%]+\\))\\s*;?";
    var ONLY_COLOURS = new RegExp("^(?:" + COLOUR + ")+\\s*$", "i");
    Element.prototype.setAttribute = function (name, value) {
      if (name === "style" && this.localName === "span" && ONLY_COLOURS.test(String(value))) {
        this.style.cssText = String(value);
        return;
      }
      return setAttribute.call(this, name, value);
    };
  }

  var STORE_KEY = "pocketlab.terminal.open";
  var MAX_FRAME = 16 * 1024; // keystroke frames stay far below the server's 64 KB message limit
  var TERMINAL_URL = /^\/courses\/[^/?#]+\/terminal$/;
  var RUN_URL = /^\/courses\/[^?#]+\/run$/;
  var encoder = new TextEncoder();
  var current = null; // the terminal of the current course: see setUp()
  var leaving = false; // the page is being unloaded: closed sockets are not reopened

  // ---- Loading xterm.js on first use --------------------------------------------------------------------
  var loadingXterm = null;

  function loadXterm() {
    if (window.Terminal && window.FitAddon) return Promise.resolve();
    if (!loadingXterm) {
      var base = "/assets/vendor/xterm/";
      loadingXterm = Promise.all([
        stylesheet(base + "xterm.css"),
        window.Terminal ? Promise.resolve() : script(base + "xterm.js"),
        window.FitAddon ? Promise.resolve() : script(base + "addon-fit.js"),
      ]).catch(function (error) {
        loadingXterm = null;
        throw error;
      });
    }
    return loadingXterm;
  }

  function script(src) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement("script");
      el.src = src;
      el.async = false; // run in insertion order
      el.onload = function () { resolve(); };
      el.onerror = function () { el.remove(); reject(new Error("could not load " + src)); };
      document.head.appendChild(el);
    });
  }

  function stylesheet(href) {
    if (document.querySelector('link[rel="stylesheet"][href="' + href + '"]')) return Promise.resolve();
    return new Promise(function (resolve, reject) {
      var el = document.createElement("link");
      el.rel = "stylesheet";
      el.href = href;
      el.onload = function () { resolve(); };
      el.onerror = function () { el.remove(); reject(new Error("could not load " + href)); };
      document.head.appendChild(el);
    });
  }

  // ---- The panel ----------------------------------------------------------------------------------------
  // The toggle sits in the site header, so a closed terminal covers nothing on the page; the panel it opens
  // is docked to the right on wide screens and a bottom drawer on narrow ones (app.css).
  var PANEL_HTML =
    '<div class="terminal-bar">' +
    '<h2 class="terminal-title" id="terminal-panel-title">Terminal</h2>' +
    '<span class="terminal-state" role="status"></span>' +
    '<button type="button" class="terminal-reset button-quiet">Reset sandbox</button>' +
    '<button type="button" class="terminal-hide button-quiet" aria-label="Hide the terminal">Hide</button>' +
    "</div>" +
    '<div class="terminal-body">' +
    '<div class="terminal terminal-host"></div>' +
    '<p class="terminal-hint"><kbd>Alt</kbd>+<kbd>Shift</kbd>+<kbd>T</kbd> moves between the lesson and the terminal</p>' +
    "</div>";

  function setUp(url) {
    var panel = document.createElement("section");
    panel.id = "terminal-panel";
    panel.className = "terminal-panel";
    panel.hidden = true;
    panel.setAttribute("role", "region");
    panel.setAttribute("aria-labelledby", "terminal-panel-title");
    panel.setAttribute("hx-preserve", "true"); // a history restore keeps this live element
    panel.innerHTML = PANEL_HTML;
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.id = "terminal-toggle";
    toggle.className = "terminal-toggle";
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", "terminal-panel");
    toggle.setAttribute("hx-preserve", "true");
    toggle.innerHTML = '<span class="terminal-dot" aria-hidden="true"></span>Terminal';
    var t = {
      url: url,
      panel: panel,
      toggle: toggle,
      state: panel.querySelector(".terminal-state"),
      host: panel.querySelector(".terminal-host"),
      open: false,
      starting: null,
      term: null,
      fit: null,
      observer: null,
      ws: null,
      ready: false,
      exited: false,
      clearScreen: false,
      attempt: 0,
      retry: 0,
      note: "",
      afterReady: "",
      pending: [],
      returnFocus: null,
    };
    toggle.addEventListener("click", function () { setOpen(t, !t.open, true); });
    panel.querySelector(".terminal-hide").addEventListener("click", function () {
      setOpen(t, false, false);
      t.toggle.focus();
    });
    panel.querySelector(".terminal-reset").addEventListener("click", function () { resetSandbox(t); });
    setState(t, "Not connected", "idle");
    attach(t);
    if (remembered()) setOpen(t, true, false);
    return t;
  }

  /** Puts toggle and panel into the page (again, if a history restore dropped them); removes stale copies. */
  function attach(t) {
    [t.panel, t.toggle].forEach(function (live) {
      document.querySelectorAll("#" + live.id).forEach(function (el) {
        if (el !== live) el.remove();
      });
    });
    if (!t.toggle.isConnected) {
      var brand = document.querySelector(".site-header .brand");
      if (brand) brand.after(t.toggle);
      else document.body.prepend(t.toggle);
    }
    if (!t.panel.isConnected) {
      var shell = document.querySelector("body > .shell");
      if (shell) shell.after(t.panel);
      else document.body.appendChild(t.panel);
      if (t.open) scheduleFit(t);
    }
    document.body.classList.toggle("terminal-open", t.open);
  }

  function tearDown(t) {
    if (current === t) current = null;
    clearTimeout(t.retry);
    var ws = t.ws;
    t.ws = null;
    if (ws) ws.close(1000, "left the course");
    if (t.observer) t.observer.disconnect();
    if (t.term) t.term.dispose();
    t.panel.remove();
    t.toggle.remove();
    document.body.classList.remove("terminal-open");
  }

  function setOpen(t, open, focus) {
    t.open = open;
    t.toggle.setAttribute("aria-expanded", String(open));
    t.panel.hidden = !open;
    document.body.classList.toggle("terminal-open", open);
    remember(open);
    if (!open) return Promise.resolve(false);
    return start(t).then(function () {
      fitNow(t);
      if (focus) t.term.focus();
      return true;
    }, function () {
      return false; // start() has said so in the panel
    });
  }

  function remembered() {
    try {
      return localStorage.getItem(STORE_KEY) === "open";
    } catch (e) {
      return false;
    }
  }

  function remember(open) {
    try {
      localStorage.setItem(STORE_KEY, open ? "open" : "closed");
    } catch (e) {
      // storage refused (private mode, quota): the panel just does not remember
    }
  }

  function setState(t, text, state) {
    if (t.state.textContent !== text) {
      t.state.textContent = text;
      t.state.title = text; // the bar may cut a long note short
      t.toggle.title = "Terminal: " + text;
    }
    t.panel.setAttribute("data-state", state);
    t.toggle.setAttribute("data-state", state);
  }

  // ---- xterm --------------------------------------------------------------------------------------------
  function start(t) {
    if (!t.starting) {
      setState(t, "Loading the terminal…", "connecting");
      t.starting = loadXterm().then(function () {
        if (current !== t) throw new Error("the terminal was closed");
        if (!t.term) createTerminal(t);
        connect(t);
      });
      t.starting.catch(function () {
        t.starting = null;
        if (current === t) setState(t, "The terminal could not load. Close and open it to try again.", "error");
      });
    }
    return t.starting;
  }

  function createTerminal(t) {
    var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var term = new window.Terminal({
      cursorBlink: !reducedMotion,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace',
      fontSize: 14,
      scrollback: 5000,
      theme: {
        background: "#0f1311",
        foreground: "#e7ece9",
        cursor: "#5fd3a0",
        cursorAccent: "#0f1311",
        selectionBackground: "#2f5e4a",
      },
    });
    var fit = new window.FitAddon.FitAddon();
    term.loadAddon(fit);
    term.open(t.host);
    t.term = term;
    t.fit = fit;
    fitNow(t);
    term.attachCustomKeyEventHandler(function (event) { return !isSwitchKey(event); });
    term.onData(function (data) { sendKeys(t, encoder.encode(data)); });
    term.onBinary(function (data) {
      var bytes = new Uint8Array(data.length);
      for (var i = 0; i < data.length; i++) bytes[i] = data.charCodeAt(i) & 255;
      sendKeys(t, bytes);
    });
    term.onResize(function () { sendResize(t); });
    if (window.ResizeObserver) {
      t.observer = new ResizeObserver(function () { scheduleFit(t); });
      t.observer.observe(t.host);
    } else {
      window.addEventListener("resize", function () { scheduleFit(t); });
    }
  }

  function scheduleFit(t) {
    if (t.fitting) return;
    t.fitting = true;
    setTimeout(function () {
      t.fitting = false;
      fitNow(t);
    }, 50);
  }

  function fitNow(t) {
    if (!t.term || !t.open || t.host.clientWidth === 0 || t.host.clientHeight === 0) return;
    var size = t.fit.proposeDimensions();
    if (!size || !isFinite(size.cols) || !isFinite(size.rows) || size.cols < 2 || size.rows < 1) return;
    if (size.cols !== t.term.cols || size.rows !== t.term.rows) t.term.resize(size.cols, size.rows);
  }

  // ---- The WebSocket ------------------------------------------------------------------------------------
  function connect(t) {
    clearTimeout(t.retry);
    t.retry = 0;
    if (t.ws || current !== t || leaving) return;
    var address = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + t.url +
        "?cols=" + t.term.cols + "&rows=" + t.term.rows;
    var ws;
    try {
      ws = new WebSocket(address);
    } catch (e) {
      reconnectLater(t, "Cannot connect.");
      return;
    }
    ws.binaryType = "arraybuffer";
    t.ws = ws;
    t.ready = false;
    t.exited = false;
    t.note = "";
    setState(t, t.attempt === 0 ? "Connecting…" : "Reconnecting…", "connecting");
    ws.onopen = function () {
      if (t.ws !== ws) return;
      // The server replays the shell's scrollback first: clear the screen for it, but only once the shell is
      // there (its first output, or "ready"), so a sandbox that cannot start leaves the old screen readable.
      t.clearScreen = true;
      setState(t, "Starting…", "connecting");
    };
    ws.onmessage = function (event) {
      if (t.ws !== ws) return;
      if (typeof event.data === "string") {
        status(t, event.data);
      } else {
        clearForReplay(t);
        t.term.write(new Uint8Array(event.data));
      }
    };
    ws.onclose = function (event) {
      if (t.ws !== ws) return;
      t.ws = null;
      t.ready = false;
      closed(t, event.code);
    };
    // onerror is always followed by onclose, which decides what happens next.
  }

  function clearForReplay(t) {
    if (!t.clearScreen) return;
    t.clearScreen = false;
    t.term.reset();
  }

  function status(t, text) {
    var message;
    try {
      message = JSON.parse(text);
    } catch (e) {
      return;
    }
    if (!message || message.type !== "status") return;
    var note = typeof message.note === "string" ? message.note : "";
    if (message.state === "starting") {
      setState(t, note || "Starting your sandbox…", "connecting");
    } else if (message.state === "ready") {
      clearForReplay(t);
      t.ready = true;
      t.attempt = 0;
      var told = note || t.afterReady; // a note from the server, or one saved for this moment (a reset)
      t.afterReady = "";
      setState(t, told ? "Connected · " + told : "Connected", "ready");
      sendResize(t); // the panel may have been resized while connecting
      flushPending(t);
    } else if (message.state === "exited") {
      t.ready = false;
      t.exited = true;
      setState(t, note || "The shell ended. Press any key to start a new one.", "exited");
    } else if (message.state === "error") {
      t.note = note;
      setState(t, note || "Sandbox unavailable", "error");
    }
  }

  function closed(t, code) {
    if (leaving || current !== t) return;
    if (code === 4001) { // signed out (here, elsewhere or by expiry): reconnecting would be refused anyway
      setState(t, t.note || "You were signed out. Sign in again to use the terminal.", "error");
      return;
    }
    if (code === 1012) { // the shell ended: a new connection gets a new shell right away
      t.attempt = 0;
      setState(t, "Starting a new shell…", "connecting");
      t.retry = setTimeout(function () { connect(t); }, 100);
      return;
    }
    var why = code === 1011 ? (t.note || "Sandbox unavailable.")
        : code === 1008 || code === 1009 ? "The server refused a message."
        : code === 1001 ? "The connection went quiet."
        : "Disconnected.";
    reconnectLater(t, why);
  }

  /** Exponential backoff from 0.5 s to 10 s, with jitter so that many tabs do not return in step. */
  function reconnectLater(t, why) {
    var base = Math.min(10000, 500 * Math.pow(2, t.attempt));
    var delay = Math.max(500, Math.min(10000, Math.round(base * (0.75 + Math.random() * 0.5))));
    t.attempt++;
    var seconds = delay < 1000 ? (delay / 1000).toFixed(1) : String(Math.round(delay / 1000));
    setState(t, why.replace(/\.?$/, ".") + " Reconnecting in " + seconds + " s…", t.note ? "error" : "waiting");
    t.retry = setTimeout(function () { connect(t); }, delay);
  }

  function reconnectNow(t) {
    if (t.ws) {
      var ws = t.ws;
      t.ws = null;
      ws.close(1000, "reconnecting");
    }
    connect(t);
  }

  function sendKeys(t, bytes) {
    var ws = t.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      if (!ws && t.retry) connect(t); // typing while waiting to reconnect: try now
      return;
    }
    for (var i = 0; i < bytes.length; i += MAX_FRAME) ws.send(bytes.subarray(i, Math.min(bytes.length, i + MAX_FRAME)));
  }

  function sendResize(t) {
    if (t.ws && t.ws.readyState === WebSocket.OPEN && t.term) {
      t.ws.send(JSON.stringify({ type: "resize", cols: t.term.cols, rows: t.term.rows }));
    }
  }

  function pasteIntoTerminal(text) {
    var t = current;
    if (!t || !text) return;
    var active = document.activeElement;
    if (active && !t.panel.contains(active)) t.returnFocus = active;
    setOpen(t, true, true).then(function (started) {
      if (!started) return;
      t.pending.push(text);
      if (t.ready) flushPending(t);
      else if (t.exited) reconnectNow(t); // a fresh shell, then the paste
      else if (!t.ws) connect(t);
    });
  }

  function flushPending(t) {
    var texts = t.pending;
    if (!texts.length) return;
    t.pending = [];
    texts.forEach(function (text) { t.term.paste(text); }); // goes out through onData, bracketed if the shell asks
    t.term.focus();
  }

  // ---- Keyboard: Alt+Shift+T moves between the lesson and the terminal -----------------------------------
  function isSwitchKey(event) {
    return event.type === "keydown" && event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey &&
        event.code === "KeyT";
  }

  document.addEventListener("keydown", function (event) {
    var t = current;
    if (!t || !isSwitchKey(event)) return;
    event.preventDefault();
    var active = document.activeElement;
    if (t.open && t.host.contains(active)) {
      var back = t.returnFocus && t.returnFocus.isConnected ? t.returnFocus
          : document.querySelector("#main h1") || document.getElementById("main");
      if (back) back.focus();
    } else {
      t.returnFocus = active && active !== document.body && !t.panel.contains(active) ? active : null;
      setOpen(t, true, true);
    }
  });

  // ---- Run and Paste buttons ----------------------------------------------------------------------------
  var runs = new Map(); // figure.example -> the run going on in it

  function exampleLabel(figure) {
    var label = figure.querySelector(".example-label");
    return label ? label.textContent.trim() : "this example";
  }

  function addExampleButtons(root) {
    root.querySelectorAll("figure.example[data-run-url], figure.example[data-paste]").forEach(function (figure) {
      var caption = figure.querySelector("figcaption");
      if (!caption || caption.querySelector(".run-button, .paste-button")) return;
      var actions = caption.querySelector(".example-actions");
      if (!actions) {
        actions = document.createElement("span");
        actions.className = "example-actions";
        caption.appendChild(actions);
      }
      caption.classList.add("has-run-actions");
      var label = exampleLabel(figure);
      var buttons = [];
      if (figure.getAttribute("data-paste")) {
        buttons.push(button("paste", "paste-button", "Paste into terminal", "Paste " + label + " into the terminal"));
      }
      if (RUN_URL.test(figure.getAttribute("data-run-url") || "")) {
        var run = button("run", "run-button", "Run", "Run " + label);
        var note = runNote(figure);
        if (note) run.setAttribute("aria-describedby", note.id);
        buttons.push(run);
      }
      buttons.forEach(function (b) { actions.prepend(b); }); // Run, Paste, then Copy
    });
  }

  /** What Run does and which files it replaces, under the example's code. */
  function runNote(figure) {
    var text = (figure.getAttribute("data-run-note") || "").trim();
    var writes = (figure.getAttribute("data-writes") || "").trim();
    if (!text && !writes) return null;
    var note = document.createElement("p");
    note.className = "run-note";
    note.id = (figure.id || "example") + "-run-note";
    if (text) note.append(text + " ");
    if (writes) {
      var files = document.createElement("span");
      files.className = "run-writes";
      files.textContent = "Run replaces " + writes + " in your sandbox.";
      note.append(files);
    }
    var code = figure.querySelector("pre");
    if (code) code.after(note);
    else figure.appendChild(note);
    return note;
  }

  function button(action, className, text, label) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.setAttribute("data-example-action", action);
    return b;
  }

  document.addEventListener("click", function (event) {
    var b = event.target.closest && event.target.closest("button[data-example-action]");
    var figure = b && b.closest("figure.example");
    if (!figure) return;
    if (b.getAttribute("data-example-action") === "paste") {
      pasteIntoTerminal(figure.getAttribute("data-paste"));
    } else {
      var run = runs.get(figure);
      if (run) run.controller.abort();
      else startRun(figure, b);
    }
  });

  /** "Reset my sandbox": after a confirmation, the workspace becomes the starter project again. */
  function resetSandbox(t) {
    var ok = window.confirm("Reset your sandbox for this course? Every file in your workspace is replaced by " +
      "the starter project, and running programs stop. This cannot be undone.");
    if (!ok) return;
    setState(t, "Resetting your sandbox…", "connecting");
    fetch(t.url.replace(/\/terminal$/, "/sandbox/reset"), {
      method: "POST",
      headers: { "X-CSRF-Token": csrfToken() },
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) throw new Error(body.error || "The sandbox could not be reset (HTTP " + response.status + ").");
        t.afterReady = body.note || "Your sandbox was reset to the starter project.";
        if (t.ws) t.ws.close(); // the old shell ended with the sandbox: reconnecting starts a fresh one
        setState(t, t.afterReady, "connecting");
      });
    }).catch(function (e) {
      setState(t, e.message, "error");
    });
  }

  function csrfToken() {
    try {
      var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      return headers["X-CSRF-Token"] || "";
    } catch (e) {
      return "";
    }
  }

  function outputBox(figure) {
    var box = figure.querySelector(".run-output");
    if (!box) {
      box = document.createElement("div");
      box.className = "run-output";
      var text = document.createElement("pre");
      text.className = "run-output-text";
      text.setAttribute("aria-live", "polite");
      text.setAttribute("aria-label", "Output of " + exampleLabel(figure));
      text.tabIndex = 0; // scrollable: reachable by keyboard
      var line = document.createElement("p");
      line.className = "run-status";
      line.setAttribute("role", "status");
      box.append(text, line);
      figure.appendChild(box);
    }
    return box;
  }

  function startRun(figure, b) {
    var url = figure.getAttribute("data-run-url") || "";
    if (!RUN_URL.test(url)) return;
    var box = outputBox(figure);
    var pre = box.querySelector(".run-output-text");
    pre.textContent = "";
    var run = {
      figure: figure,
      button: b,
      box: box,
      pre: pre,
      textNode: pre.appendChild(document.createTextNode("")),
      controller: new AbortController(),
      pending: "",
      carry: "",
      flushTimer: 0,
      finished: false,
    };
    runs.set(figure, run);
    figure.setAttribute("data-run-state", "running");
    b.textContent = "Cancel";
    b.setAttribute("aria-label", "Cancel the run of " + exampleLabel(figure));
    var writes = (figure.getAttribute("data-writes") || "").trim();
    runStatus(run, "running", "Running…" + (writes ? " (writes " + writes + ")" : ""));
    fetch(url, {
      method: "POST",
      headers: { "X-CSRF-Token": csrfToken() },
      credentials: "same-origin",
      signal: run.controller.signal,
    }).then(function (response) {
      if (!response.ok) return refusal(response).then(function (message) { finish(run, "fail", message); });
      return stream(response, run);
    }).catch(function () {
      if (run.controller.signal.aborted) finish(run, "stopped", "Cancelled");
      else finish(run, "fail", "The connection was lost before the run finished.");
    });
  }

  function stream(response, run) {
    if (!response.body) {
      return response.text().then(function (text) {
        text.split("\n").forEach(function (line) { ndjson(run, line); });
        if (!run.finished) finish(run, "fail", "The run ended without an exit status.");
      });
    }
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffered = "";
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) {
          buffered += decoder.decode();
          if (buffered.trim()) ndjson(run, buffered);
          if (!run.finished) finish(run, "fail", "The run ended without an exit status.");
          return;
        }
        buffered += decoder.decode(chunk.value, { stream: true });
        var newline;
        while ((newline = buffered.indexOf("\n")) >= 0) {
          ndjson(run, buffered.slice(0, newline));
          buffered = buffered.slice(newline + 1);
        }
        return pump();
      });
    }
    return pump();
  }

  function ndjson(run, line) {
    if (!line.trim() || run.finished) return;
    var message;
    try {
      message = JSON.parse(line);
    } catch (e) {
      return;
    }
    if (message && typeof message.out === "string") output(run, message.out);
    if (message && message.exit && typeof message.exit === "object") {
      var verdict = describeExit(message.exit);
      finish(run, verdict[0], verdict[1]);
    }
  }

  // Escape sequences (colours, cursor moves) mean nothing in a <pre>: drop them, keeping an unfinished one
  // at the end of a chunk until the next chunk completes it.
  var ESCAPES = /\x1b(?:\[[0-?]*[ -\/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;
  var UNFINISHED_ESCAPE = /\x1b(?:\[[0-?]*[ -\/]*|\][^\x07\x1b]*)?$/;

  function output(run, text) {
    text = run.carry + text;
    var tail = UNFINISHED_ESCAPE.exec(text);
    run.carry = tail ? tail[0] : "";
    if (tail) text = text.slice(0, tail.index);
    run.pending += text.replace(ESCAPES, "").replace(/\r\n/g, "\n");
    if (!run.flushTimer) run.flushTimer = setTimeout(function () { flushOutput(run); }, 30);
  }

  function flushOutput(run) {
    clearTimeout(run.flushTimer);
    run.flushTimer = 0;
    if (!run.pending) return;
    var pre = run.pre;
    var atBottom = pre.scrollHeight - pre.scrollTop - pre.clientHeight < 24;
    run.textNode.appendData(run.pending);
    run.pending = "";
    if (run.textNode.length > 2000000) run.textNode.deleteData(0, run.textNode.length - 1000000);
    if (atBottom) pre.scrollTop = pre.scrollHeight;
  }

  function seconds(ms) {
    return (ms / 1000).toFixed(2) + " s";
  }

  function describeExit(exit) {
    var took = typeof exit.ms === "number" ? " in " + seconds(exit.ms) : "";
    var message = typeof exit.message === "string" && exit.message ? " · " + exit.message : "";
    switch (exit.reason) {
      case "exited":
        return exit.code === 0 ? ["ok", "✓ exit 0" + took + message] : ["fail", "✗ exit " + exit.code + took + message];
      case "timeout":
        return ["stopped", "Stopped: took longer than the time limit" + took + message];
      case "killed":
        return ["stopped", "Stopped: the run was killed" + took + message];
      case "output-limit":
        return ["stopped", "Stopped: the run printed more than the output limit" + message];
      case "cancelled":
        return ["stopped", "Cancelled" + message];
      case "failed":
        return ["fail", "The run could not start" + (message || ".")];
      default:
        return ["fail", "Finished (" + String(exit.reason) + ")" + took + message];
    }
  }

  function refusal(response) {
    var status = response.status;
    var fallback = status === 401 ? "Sign in again to run examples."
        : status === 403 ? "You may not run this example (try reloading the page)."
        : status === 404 ? "This example cannot be run."
        : status === 409 ? "A run is already going."
        : status >= 500 ? "The server could not run this example. Try again in a moment."
        : "The run was refused (HTTP " + status + ").";
    return response.text().then(function (body) {
      var text = body;
      try {
        var json = JSON.parse(body);
        text = json && (json.error || json.message) || "";
      } catch (e) {
        // plain text
      }
      text = String(text || "").trim().split("\n")[0].slice(0, 300);
      return text && text.charAt(0) !== "<" ? text : fallback;
    }, function () { return fallback; });
  }

  function runStatus(run, result, text) {
    var line = run.box.querySelector(".run-status");
    line.textContent = text;
    run.box.setAttribute("data-result", result);
  }

  function finish(run, result, text) {
    if (run.finished) return;
    run.finished = true;
    if (run.carry) output(run, "");
    flushOutput(run);
    if (runs.get(run.figure) === run) runs.delete(run.figure);
    run.figure.removeAttribute("data-run-state");
    run.button.textContent = "Run";
    run.button.setAttribute("aria-label", "Run " + exampleLabel(run.figure));
    runStatus(run, result, text);
  }

  /** A run whose lesson left the page is cancelled: its output has nowhere to go. */
  function cancelOrphanRuns() {
    runs.forEach(function (run, figure) {
      if (!figure.isConnected) run.controller.abort();
    });
  }

  // ---- Binding to the page, HTMX navigation and history -------------------------------------------------
  // The lesson's own attribute wins; <body>'s is only set by a full page load, so after boosted navigation
  // into another course it is ignored rather than offering the wrong course's terminal.
  function pageTerminalUrl() {
    var inMain = document.querySelector("#main [data-terminal-url]");
    var url = (inMain || document.body).getAttribute("data-terminal-url");
    if (!url || !TERMINAL_URL.test(url)) return null;
    if (!inMain && /^\/courses\/[^/]+/.test(location.pathname) && !inCourse(url)) return null;
    return url;
  }

  function inCourse(terminalUrl) {
    var course = terminalUrl.slice(0, -"/terminal".length);
    return location.pathname === course || location.pathname.indexOf(course + "/") === 0;
  }

  function bind() {
    var url = pageTerminalUrl();
    if (current && url && url !== current.url) tearDown(current);
    else if (current && !url && !inCourse(current.url)) tearDown(current);
    if (!current && url) current = setUp(url);
    else if (current) attach(current);
    if (!current) { // a history restore may bring back copies of a terminal that is gone
      document.querySelectorAll("#terminal-panel, #terminal-toggle").forEach(function (el) { el.remove(); });
    }
    var main = document.getElementById("main") || document.body;
    if (url) addExampleButtons(main);
    cancelOrphanRuns();
    settleStaleRuns(main);
  }

  document.addEventListener("DOMContentLoaded", bind);
  document.addEventListener("htmx:afterSettle", bind);
  document.addEventListener("htmx:historyRestore", bind);

  // HTMX keeps a copy of the page (the whole <body>) for the back button. The live panel must not be in it:
  // its copy would be big, and xterm's CSSOM styles would come back as style attributes, which the policy
  // refuses. So while HTMX takes the copy, an empty placeholder stands in for the panel; a history restore
  // puts the live panel back in its place through hx-preserve.
  document.addEventListener("htmx:beforeHistorySave", function () {
    var t = current;
    if (!t || !t.panel.isConnected) return;
    var focused = t.panel.contains(document.activeElement) ? document.activeElement : null;
    var placeholder = t.panel.cloneNode(false);
    t.panel.replaceWith(placeholder);
    queueMicrotask(function () { // HTMX copies synchronously: by now the copy is taken
      if (placeholder.isConnected) placeholder.replaceWith(t.panel);
      else if (current === t) attach(t);
      if (focused && focused.isConnected) focused.focus({ preventScroll: true });
    });
  });

  /** A copy of the page from before a navigation may show a run that was cancelled when the page changed. */
  function settleStaleRuns(root) {
    root.querySelectorAll("figure.example[data-run-state]").forEach(function (figure) {
      if (runs.has(figure)) return;
      figure.removeAttribute("data-run-state");
      var run = figure.querySelector(".run-button");
      if (run) {
        run.textContent = "Run";
        run.setAttribute("aria-label", "Run " + exampleLabel(figure));
      }
      var box = figure.querySelector(".run-output");
      var line = box && box.querySelector(".run-status");
      if (line) line.textContent = "Cancelled: you left the page.";
      if (box) box.setAttribute("data-result", "stopped");
    });
  }

  window.addEventListener("pagehide", function () { leaving = true; });
  window.addEventListener("pageshow", function (event) {
    leaving = false;
    if (event.persisted && current && current.term && !current.ws) connect(current);
  });
  window.addEventListener("online", function () {
    if (current && current.term && !current.ws && current.retry) connect(current);
  });
})();
