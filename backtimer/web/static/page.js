// backtimer serve: what the page says when its connection ends, and how it comes back.
//
// textual.js only marks the page closed (body.-closed). This script, loaded before it,
// watches the page's WebSocket and adds why, from the close code the server sent:
//   1000 -ended    the app closed (Quit)
//   1001 -stopped  `backtimer serve` stopped
//   4001 -taken    another page of this browser shows the app now
//   4002 -failed   the app ended with an error (the terminal of `serve` says why)
//   else -lost     the connection was lost: a phone's screen turned off, the network
// After a lost connection the app goes on without the page, so the page comes back to it
// by itself: once it is seen again and the server answers, it loads again. A page that is
// closed tells the server (POST left), which then ends its app soon.
(function () {
  "use strict";
  var REASONS = { 1000: "-ended", 1001: "-stopped", 4001: "-taken", 4002: "-failed" };
  var RETRY_MS = 2000;
  var Native = window.WebSocket;

  function Watched(url, protocols) {
    var socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
    socket.addEventListener("close", function (event) {
      closed(REASONS[event.code] || "-lost");
    });
    return socket;
  }
  Watched.prototype = Native.prototype;
  Watched.CONNECTING = Native.CONNECTING;
  Watched.OPEN = Native.OPEN;
  Watched.CLOSING = Native.CLOSING;
  Watched.CLOSED = Native.CLOSED;
  window.WebSocket = Watched;

  // Closed (or loaded again, which comes back at once): the server ends the app soon,
  // instead of keeping it for a page that will not return. Not sent when the page is only
  // hidden (a phone's screen turning off) or kept for the back button.
  window.addEventListener("pagehide", function (event) {
    if (!event.persisted && navigator.sendBeacon) {
      navigator.sendBeacon("left");
    }
  });

  function closed(reason) {
    document.body.classList.add(reason);
    if (reason === "-lost") {
      comeBack();
    }
  }

  function comeBack() {
    if (document.visibilityState !== "visible") {
      document.addEventListener("visibilitychange", comeBack, { once: true });
      return;
    }
    fetch(window.location.href, { method: "HEAD", cache: "no-store" }).then(
      function (response) {
        if (response.ok) {
          window.location.reload();
        } else {
          // the server answers but not to this page: restarted with another token
          document.body.classList.remove("-lost");
          document.body.classList.add("-stopped");
        }
      },
      function () {
        window.setTimeout(comeBack, RETRY_MS);
      }
    );
  }
})();
