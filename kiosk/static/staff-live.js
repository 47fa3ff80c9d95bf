/* The front desk's Today screen: its `#queue-live` part is polled by htmx (see live-poll.js);
 * the screen's actions are other htmx requests and do not count as polls. */
(function () {
  "use strict";
  var live = document.getElementById("queue-live");
  if (!live) { return; }
  window.lobbyLivePoll({
    pollMs: (Number(live.dataset.pollSeconds) || 2) * 1000,
    isPoll: function (event) { return event.detail.elt === live; }
  });
}());
