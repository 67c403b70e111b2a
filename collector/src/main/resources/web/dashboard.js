// The edge-collector dashboard: polls /api/status, /api/sensors and /api/series and draws with
// uPlot (served from the jar). Every value from the server is set with textContent, never as
// markup, so a sensor id such as <img src=x onerror=alert(1)> is shown, not run.
"use strict";
(function () {
  const REFRESH_MS = 3000;
  const LONG_RANGE_REFRESH_MS = 30000;
  const $ = (id) => document.getElementById(id);
  const tiles = new Map();          // key -> {el, parts, plot, sensor, metric}
  let selected = null;              // {sensor, metric}
  let rangeSeconds = 3600;
  let chart = null;
  let chartKey = "";
  let chartLoadedAt = 0;
  let chartRange = [0, 1];          // x range of the chart: the asked range, not the data's extent
  let sparkRange = [0, 1];          // the last hour, for every sparkline

  const keyOf = (sensor, metric) => sensor + "\u0000" + metric;

  async function getJson(path) {
    const r = await fetch(path, { cache: "no-store", credentials: "same-origin" });
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    return { ok: r.ok, status: r.status, body };
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function formatValue(v) {
    if (v === null || v === undefined) return "–";
    return String(Number(Number(v).toPrecision(6)));
  }

  function formatAge(s) {
    if (s < 60) return s + " s ago";
    if (s < 3600) return Math.floor(s / 60) + " min ago";
    if (s < 86400) return Math.floor(s / 3600) + " h ago";
    return Math.floor(s / 86400) + " d ago";
  }

  function formatRate(v) {
    return v === null || v === undefined ? "–" : String(v);
  }

  function formatBytes(b) {
    if (b === null || b === undefined) return "–";
    const units = ["B", "kB", "MB", "GB", "TB"];
    let i = 0;
    while (b >= 1024 && i < units.length - 1) { b /= 1024; i++; }
    return b.toFixed(i === 0 ? 0 : 1) + " " + units[i];
  }

  function setPill(id, text, ok) {
    const p = $(id);
    p.textContent = text;
    p.className = "pill " + (ok ? "ok" : "bad");
  }

  function replaceList(ul, items) {
    ul.replaceChildren(...items.map((t) => el("li", null, t)));
  }

  // ---- pipeline ----
  function showStatus(s) {
    setPill("broker-state", "broker " + s.broker, s.broker === "subscribed");
    const dbOk = s.database === "ready" && !s.database_error;
    setPill("database-state", "database " + (dbOk ? "ready" : "unavailable"), dbOk);
    $("received-rate").textContent = formatRate(s.received_per_s);
    $("acked-rate").textContent = formatRate(s.acked_per_s);
    $("loaded-rate").textContent = formatRate(s.loaded_per_s);
    $("backlog").textContent = String(s.backlog_messages);
    $("backlog-bytes").textContent = formatBytes(s.backlog_bytes);
    $("disk-free").textContent = formatBytes(s.raw_dir_free_bytes);
    $("raw-dir").textContent = s.raw_dir + (s.raw_dir_total_bytes ? " (of " + formatBytes(s.raw_dir_total_bytes) + ")" : "");
    if (s.rejections_last_hour === null) {
      replaceList($("rejections"), ["unknown while the database is unavailable (" + s.rejected_total + " since start)"]);
    } else if (s.rejections_last_hour.length === 0) {
      replaceList($("rejections"), ["none"]);
    } else {
      replaceList($("rejections"), s.rejections_last_hour.map((r) => r.count + " × " + r.reason));
    }
    showDatabase(dbOk, s.database_error || "");
    if (s.alerts) refreshAlerts(); else $("alerts").hidden = true;
  }

  function showDatabase(ok, cause) {
    $("db-banner").hidden = ok;
    $("db-cause").textContent = cause;
  }

  // ---- alerts (served at /alerts once alerting is part of the collector) ----
  function describeAlert(a) {
    if (a === null || typeof a !== "object") return String(a);
    const parts = [];
    for (const k of ["rule", "name", "sensor_id", "metric", "state", "value", "since", "fired_at", "cleared_at", "ts"]) {
      if (a[k] !== undefined && a[k] !== null) parts.push(k + "=" + a[k]);
    }
    return parts.length ? parts.join("  ") : JSON.stringify(a);
  }

  async function refreshAlerts() {
    const r = await getJson("/alerts");
    if (!r.ok || r.body === null) { $("alerts").hidden = true; return; }
    const b = r.body;
    const active = Array.isArray(b) ? b : (b.active || b.firing || []);
    const recent = Array.isArray(b) ? [] : (b.recent || b.events || []);
    replaceList($("alerts-now"), active.length ? active.map(describeAlert) : ["nothing fires"]);
    replaceList($("alerts-recent"), recent.length ? recent.map(describeAlert) : ["no recent events"]);
    $("alerts").hidden = false;
  }

  // ---- tiles ----
  function makeTile(t) {
    const tile = el("div", "tile");
    const parts = {
      id: el("div", "id", t.sensor_id),
      metric: el("div", "metric", t.metric),
      valueLine: el("div"),
      value: el("span", "value"),
      unit: el("span", "unit"),
      meta: el("div", "meta"),
      quality: el("span", "quality"),
      age: el("span", "age"),
      mark: el("span", "mark"),
      spark: el("div", "spark"),
    };
    parts.valueLine.append(parts.value, parts.unit);
    parts.meta.append(parts.quality, parts.age, parts.mark);
    tile.append(parts.id, parts.metric, parts.valueLine, parts.meta, parts.spark);
    tile.title = t.description || "";
    const entry = { el: tile, parts, plot: null, sensor: t.sensor_id, metric: t.metric };
    tile.addEventListener("click", () => select(t.sensor_id, t.metric));
    return entry;
  }

  function sparkline(entry, t) {
    const data = [t.sparkline.t, t.sparkline.v];
    if (entry.plot === null) {
      entry.plot = new uPlot({
        width: 200, height: 40, legend: { show: false }, cursor: { show: false },
        scales: { x: { time: true, range: () => sparkRange } },
        axes: [{ show: false }, { show: false }],
        series: [{}, { stroke: "#2f6fde", width: 1.5, points: { show: t.sparkline.t.length < 3, size: 3 } }],
      }, data, entry.parts.spark);
    } else {
      entry.plot.setData(data);
    }
  }

  function showSensors(list, now) {
    const nowSec = Math.floor(Date.parse(now) / 1000);
    sparkRange = [nowSec - 3600, nowSec];
    const seen = new Set();
    const container = $("tiles");
    list.forEach((t, i) => {
      const key = keyOf(t.sensor_id, t.metric);
      seen.add(key);
      let entry = tiles.get(key);
      if (!entry) { entry = makeTile(t); tiles.set(key, entry); }
      if (container.children[i] !== entry.el) container.insertBefore(entry.el, container.children[i] || null);
      const p = entry.parts;
      p.value.textContent = formatValue(t.value);
      p.unit.textContent = t.unit || "";
      p.quality.textContent = t.quality;
      p.age.textContent = formatAge(t.age_seconds);
      const stale = t.quality === "stale";
      p.mark.textContent = t.silent ? "silent" : (stale ? "stale" : "");
      entry.el.className = "tile" + (t.silent ? " silent" : "") + (stale ? " stale" : "")
        + (t.quality !== "valid" ? " q-bad" : "")
        + (selected && selected.sensor === t.sensor_id && selected.metric === t.metric ? " selected" : "");
      sparkline(entry, t);
    });
    for (const [key, entry] of tiles) {
      if (!seen.has(key)) { if (entry.plot) entry.plot.destroy(); entry.el.remove(); tiles.delete(key); }
    }
    $("sensor-count").textContent = "(" + list.length + ")";
    fillSelect(list);
    if (!selected && list.length) select(list[0].sensor_id, list[0].metric);
  }

  function fillSelect(list) {
    const sel = $("series-select");
    const wanted = list.map((t) => keyOf(t.sensor_id, t.metric));
    const have = Array.from(sel.options).map((o) => o.value);
    if (wanted.join("\u0001") === have.join("\u0001")) return;
    sel.replaceChildren(...list.map((t) => {
      const o = el("option", null, t.sensor_id + " · " + t.metric);
      o.value = keyOf(t.sensor_id, t.metric);
      return o;
    }));
    if (selected) sel.value = keyOf(selected.sensor, selected.metric);
  }

  function select(sensor, metric) {
    selected = { sensor, metric };
    $("series-select").value = keyOf(sensor, metric);
    for (const e of tiles.values()) e.el.classList.toggle("selected", e.sensor === sensor && e.metric === metric);
    loadChart(true);
  }

  // ---- chart ----
  async function loadChart(force) {
    if (!selected) return;
    const key = keyOf(selected.sensor, selected.metric) + "|" + rangeSeconds;
    const every = rangeSeconds > 3600 ? LONG_RANGE_REFRESH_MS : REFRESH_MS;
    if (!force && key === chartKey && Date.now() - chartLoadedAt < every) return;
    const to = Math.floor(Date.now() / 1000);
    const q = new URLSearchParams({ sensor_id: selected.sensor, metric: selected.metric, from: String(to - rangeSeconds), to: String(to) });
    const r = await getJson("/api/series?" + q.toString());
    if (!r.ok) { $("chart-note").textContent = r.body && r.body.error ? r.body.error : "no data"; return; }
    chartLoadedAt = Date.now();
    chartRange = [to - rangeSeconds, to];
    const s = r.body;
    $("chart-note").textContent = s.t.length + " points, " + (s.resolution === "1h" ? "hourly" : "1-minute")
      + " avg with min/max band" + (s.capped ? " (range capped)" : "");
    const data = [s.t, s.avg, s.min, s.max];
    if (chart === null || key.split("|")[0] !== chartKey.split("|")[0]) {
      if (chart) chart.destroy();
      chart = new uPlot({
        width: Math.max(300, $("chart").clientWidth), height: 300,
        scales: { x: { time: true, range: () => chartRange } },
        series: [
          {},
          { label: selected.sensor + " · " + selected.metric, stroke: "#2f6fde", width: 2 },
          { label: "min", stroke: "rgba(47,111,222,0.35)", width: 1 },
          { label: "max", stroke: "rgba(47,111,222,0.35)", width: 1 },
        ],
        bands: [{ series: [3, 2], fill: "rgba(47,111,222,0.12)" }],
      }, data, $("chart"));
    } else {
      chart.setData(data);
    }
    chartKey = key;
  }

  // ---- loop ----
  async function refresh() {
    try {
      const [status, sensors] = await Promise.all([getJson("/api/status"), getJson("/api/sensors")]);
      if (status.ok) showStatus(status.body);
      if (sensors.ok) {
        showSensors(sensors.body.sensors, sensors.body.now);
        await loadChart(false);
      } else if (sensors.status === 503) {
        showDatabase(false, sensors.body && sensors.body.error ? sensors.body.error : "");
      }
      $("updated").textContent = "updated " + new Date().toLocaleTimeString();
    } catch (e) {
      $("updated").textContent = "collector not answering (" + e.message + ")";
    } finally {
      setTimeout(refresh, REFRESH_MS);
    }
  }

  function start() {
    $("series-select").addEventListener("change", (ev) => {
      const [sensor, metric] = ev.target.value.split("\u0000");
      select(sensor, metric);
    });
    document.querySelectorAll(".ranges button").forEach((b) => b.addEventListener("click", () => {
      document.querySelectorAll(".ranges button").forEach((o) => o.classList.toggle("active", o === b));
      rangeSeconds = Number(b.dataset.range);
      loadChart(true);
    }));
    window.addEventListener("resize", () => { if (chart) chart.setSize({ width: $("chart").clientWidth, height: 300 }); });
    refresh();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
