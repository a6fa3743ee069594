/* mmlab slide player: shows one section.mmlab-slide at a time. Offline, no dependencies.
   Keys: right/left arrow, n/p: next/previous slide; space/PageDown and shift+space/PageUp scroll a
   long slide first, then turn it (what a presenter's clicker sends); Home/End: first/last; f: full
   screen; s: speaker notes. The slide number is kept in the address (#3), so a reload stays put. */
(function () {
  "use strict";
  var slides = Array.prototype.slice.call(document.querySelectorAll("section.mmlab-slide"));
  if (!slides.length) { return; }
  document.documentElement.classList.add("mmlab-js");
  var counter = document.getElementById("mmlab-counter");
  var current = -1;

  function fromHash() {
    var n = parseInt(String(window.location.hash).replace("#", ""), 10);
    return isNaN(n) ? 0 : n - 1;
  }

  function show(i) {
    i = Math.max(0, Math.min(slides.length - 1, i));
    if (i === current) { return; }
    if (current >= 0) { slides[current].classList.remove("mmlab-current"); }
    current = i;
    slides[i].classList.add("mmlab-current");
    slides[i].scrollTop = 0;
    if (counter) { counter.textContent = (i + 1) + " / " + slides.length; }
    var hash = "#" + (i + 1);
    if (window.location.hash !== hash) {
      try { window.history.replaceState(null, "", hash); } catch (e) { window.location.hash = hash; }
    }
  }

  function page(direction) {  // scroll a long slide by most of a screen, then turn the slide
    var s = slides[current];
    var room = direction > 0 ? s.scrollHeight - s.clientHeight - s.scrollTop : s.scrollTop;
    if (room > 2) { s.scrollTop += direction * Math.min(room, 0.85 * s.clientHeight); }
    else { show(current + direction); }
  }

  function fullscreen() {
    var doc = document;
    if (doc.fullscreenElement) { doc.exitFullscreen(); }
    else if (doc.documentElement.requestFullscreen) { doc.documentElement.requestFullscreen(); }
  }

  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    var k = e.key;
    if (k === "ArrowRight" || k === "n") { show(current + 1); }
    else if (k === "ArrowLeft" || k === "p") { show(current - 1); }
    else if (k === "PageDown" || (k === " " && !e.shiftKey)) { page(1); }
    else if (k === "PageUp" || (k === " " && e.shiftKey)) { page(-1); }
    else if (k === "ArrowDown") { slides[current].scrollTop += 60; }
    else if (k === "ArrowUp") { slides[current].scrollTop -= 60; }
    else if (k === "Home") { show(0); }
    else if (k === "End") { show(slides.length - 1); }
    else if (k === "f" || k === "F") { fullscreen(); }
    else if (k === "s" || k === "S") { document.body.classList.toggle("mmlab-show-notes"); }
    else { return; }
    e.preventDefault();
  });
  var prev = document.getElementById("mmlab-prev");
  var next = document.getElementById("mmlab-next");
  if (prev) { prev.addEventListener("click", function () { show(current - 1); }); }
  if (next) { next.addEventListener("click", function () { show(current + 1); }); }
  var touchX = null;
  document.addEventListener("touchstart", function (e) { touchX = e.touches[0].clientX; }, { passive: true });
  document.addEventListener("touchend", function (e) {
    if (touchX === null) { return; }
    var dx = e.changedTouches[0].clientX - touchX;
    touchX = null;
    if (Math.abs(dx) > 60) { show(current + (dx < 0 ? 1 : -1)); }
  }, { passive: true });
  window.addEventListener("hashchange", function () { show(fromHash()); });
  show(fromHash());
}());
