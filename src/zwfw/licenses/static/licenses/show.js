/* 亮证: count down the QR code's lifetime and fetch a fresh code before it expires. No library. */
(function () {
  "use strict";
  var box = document.getElementById("show-code");
  if (!box) { return; }
  var REFRESH_BEFORE = 30; // seconds before expiry
  var RETRY_AFTER = 5000; // ms after a failed refresh
  var refreshUrl = box.getAttribute("data-refresh-url");
  var deadline = Date.now() + Number(box.getAttribute("data-expires-in")) * 1000;
  var qr = document.getElementById("show-qr");
  var link = document.getElementById("show-url");
  var countdown = document.getElementById("show-countdown");
  var message = document.getElementById("show-message");
  var busy = false;
  var nextTry = 0;

  function secondsLeft() { return Math.max(0, Math.round((deadline - Date.now()) / 1000)); }

  function refresh() {
    busy = true;
    fetch(refreshUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) { throw new Error(body.message || "刷新失败"); }
          return body;
        });
      })
      .then(function (body) {
        qr.innerHTML = body.qr_svg; // this node's own SVG
        link.href = body.url;
        deadline = Date.now() + body.expires_in * 1000;
        message.textContent = "";
        countdown.textContent = String(secondsLeft());
      })
      .catch(function (error) {
        nextTry = Date.now() + RETRY_AFTER;
        message.textContent = "亮证码刷新失败：" + error.message + "，稍后自动重试。";
      })
      .then(function () { busy = false; });
  }

  function tick() {
    var left = secondsLeft();
    countdown.textContent = String(left);
    box.classList.toggle("lic-expired-code", left === 0);
    if (left === 0 && !message.textContent) { message.textContent = "亮证码已过期，正在刷新…"; }
    if (left <= REFRESH_BEFORE && !busy && Date.now() >= nextTry && document.visibilityState !== "hidden") {
      refresh();
    }
  }

  tick();
  window.setInterval(tick, 1000);
  document.addEventListener("visibilitychange", tick);
})();
