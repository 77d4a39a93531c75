/* Maps: Leaflet (static/vendor/leaflet, from npm) loads only when a map scrolls into view.
   Without JavaScript, or without a tile server, the page shows its addresses instead. */
(() => {
  "use strict";
  let leaflet;

  function loadLeaflet(el) {
    if (window.L) return Promise.resolve(window.L);
    if (!leaflet) {
      leaflet = new Promise((resolve, reject) => {
        const css = document.createElement("link");
        css.rel = "stylesheet";
        css.href = el.dataset.leafletCss;
        document.head.appendChild(css);
        const script = document.createElement("script");
        script.src = el.dataset.leafletJs;
        script.onload = () => resolve(window.L);
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return leaflet;
  }

  function popup(point) {
    const box = document.createElement("div");
    const name = point.url ? document.createElement("a") : document.createElement("strong");
    if (point.url) name.href = point.url;
    name.textContent = point.name;
    name.dir = "auto";
    box.appendChild(name);
    return box;
  }

  function draw(el) {
    if (el.dataset.drawn) return;
    el.dataset.drawn = "1";
    const points = JSON.parse(el.dataset.points || "[]").filter((p) => p.lat != null && p.lon != null);
    if (!points.length) return;
    loadLeaflet(el).then((L) => {
      const map = L.map(el.querySelector(".map-canvas"), { scrollWheelZoom: false });
      map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);
      const corners = [];
      for (const point of points) {
        // The label is the result's number: digits only, so it can go in as HTML.
        const label = String(point.label || "").replace(/[^0-9]/g, "");
        const icon = L.divIcon({ className: "map-pin", html: label, iconSize: [26, 26] });
        const marker = L.marker([point.lat, point.lon], { icon, title: point.name, alt: point.name });
        marker.bindPopup(popup(point)).addTo(map);
        corners.push([point.lat, point.lon]);
      }
      if (corners.length === 1) map.setView(corners[0], Number(el.dataset.zoom || 14));
      else map.fitBounds(corners, { padding: [24, 24], maxZoom: 14 });
      el.classList.add("is-live");
    }).catch(() => {
      delete el.dataset.drawn; // no Leaflet: the addresses stay
    });
  }

  function init(root) {
    const maps = (root || document).querySelectorAll("[data-map]");
    if (!maps.length) return;
    if (!("IntersectionObserver" in window)) {
      maps.forEach(draw);
      return;
    }
    const seen = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          seen.unobserve(entry.target);
          draw(entry.target);
        }
      }
    }, { rootMargin: "200px" });
    maps.forEach((el) => seen.observe(el));
  }

  window.vettedMaps = init;
  init(document);
})();
