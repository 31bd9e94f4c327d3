// Hand-drawn SVG trend chart: a line of values (or bucket averages) over time, with a min/max band for rollups.
"use strict";
(function () {
  const NS = "http://www.w3.org/2000/svg";
  const W = 560, H = 190, L = 52, R = 10, T = 10, B = 24;

  function el(name, attrs, text) {
    const node = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function niceTicks(lo, hi, count) {
    const span = hi - lo || Math.abs(hi) || 1;
    const step0 = span / count, mag = Math.pow(10, Math.floor(Math.log10(step0)));
    const step = [1, 2, 2.5, 5, 10].map(f => f * mag).find(s => s >= step0) || step0;
    const ticks = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(+v.toPrecision(12));
    return ticks;
  }

  function timeLabel(ms, span) {
    const d = new Date(ms);
    if (span > 2 * 86400000) return d.toLocaleDateString([], { month: "short", day: "numeric" }) + " " + d.toLocaleTimeString([], { hour: "2-digit" });
    if (span > 3 * 3600000) return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  /** Draws `series` ({points: [{t, v, min?, max?}], from, to}) into a fresh <svg> titled `title`. */
  function draw(title, series) {
    const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title, preserveAspectRatio: "none" });
    const pts = series.points.filter(p => Number.isFinite(p.v));
    const from = series.from, to = series.to, span = Math.max(1, to - from);
    let lo = Infinity, hi = -Infinity;
    for (const p of pts) { lo = Math.min(lo, p.min ?? p.v); hi = Math.max(hi, p.max ?? p.v); }
    if (!pts.length) { svg.appendChild(el("text", { x: W / 2, y: H / 2, "text-anchor": "middle" }, "no data in this range")); return svg; }
    if (lo === hi) { lo -= 1; hi += 1; }
    const pad = (hi - lo) * 0.08; lo -= pad; hi += pad;
    const x = t => L + (t - from) / span * (W - L - R);
    const y = v => T + (hi - v) / (hi - lo) * (H - T - B);
    for (const v of niceTicks(lo, hi, 4)) {
      svg.appendChild(el("line", { class: "gridline", x1: L, x2: W - R, y1: y(v), y2: y(v) }));
      svg.appendChild(el("text", { x: L - 4, y: y(v) + 4, "text-anchor": "end" }, Math.abs(v) >= 1000 ? v.toFixed(0) : +v.toPrecision(4)));
    }
    for (let i = 0; i <= 4; i++) {
      const t = from + span * i / 4;
      svg.appendChild(el("text", { x: Math.min(W - R - 20, Math.max(L + 20, x(t))), y: H - 6, "text-anchor": "middle" }, timeLabel(t, span)));
    }
    svg.appendChild(el("line", { class: "axis", x1: L, x2: L, y1: T, y2: H - B }));
    svg.appendChild(el("line", { class: "axis", x1: L, x2: W - R, y1: H - B, y2: H - B }));
    if (pts.some(p => p.min !== undefined)) {
      const upper = pts.map(p => `${x(p.t).toFixed(1)},${y(p.max ?? p.v).toFixed(1)}`);
      const lower = pts.slice().reverse().map(p => `${x(p.t).toFixed(1)},${y(p.min ?? p.v).toFixed(1)}`);
      svg.appendChild(el("polygon", { class: "band", points: upper.concat(lower).join(" ") }));
    }
    svg.appendChild(el("polyline", { class: "series", points: pts.map(p => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(" ") }));
    return svg;
  }

  window.TrendChart = { draw };
})();
