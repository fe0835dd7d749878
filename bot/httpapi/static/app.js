// qualbot curator page. Plain JavaScript, no build step. Every text from
// the server is put into the page with textContent, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { version: null, staleBefore: "", token: sessionStorage.getItem("qualbot-token") || "" };

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

// api calls the JSON API and returns [status, body].
async function api(method, path, body, admin) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (admin && state.token) headers["Authorization"] = "Bearer " + state.token;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  return [res.status, data];
}

function errorText(status, data) {
  if (data && data.error) return data.error.message + "（" + data.error.code + "）";
  return "请求失败（HTTP " + status + "）";
}

function bubbles(box, parts) {
  box.replaceChildren();
  for (const p of parts || []) box.appendChild(el("div", p, "bubble"));
}

function categoryPath(id) {
  return "v1/categories/" + id.split("/").map(encodeURIComponent).join("/");
}

// ---- version, load time, source dates, reload ----

async function loadVersion() {
  const [status, v] = await api("GET", "v1/version");
  const box = $("status");
  if (status !== 200) { box.textContent = errorText(status, v); return; }
  state.version = v;
  state.staleBefore = v.sources.stale_before;
  const loaded = v.loaded_at ? new Date(v.loaded_at).toLocaleString("zh-CN", { hour12: false }) : "未知";
  box.replaceChildren();
  box.append(
    el("span", "版本 " + v.version.slice(0, 12)), " · ",
    el("span", "加载于 " + loaded), " · ",
    el("span", v.counts.categories + " 个类目，" + v.counts.licences + " 项资质，" + v.counts.topics + " 个流程"), " · ",
    el("span", "来源日期 " + (v.sources.oldest || "?") + " 至 " + (v.sources.newest || "?")),
  );
  const stale = v.sources.stale || [];
  $("stale").hidden = stale.length === 0;
  if (stale.length > 0) {
    $("stale-summary").textContent = "⚠ " + stale.length + " 个条目的来源早于 " + v.sources.stale_before + "，需要复核";
    const list = $("stale-list");
    list.replaceChildren();
    for (const s of stale) list.appendChild(el("li", s.id + "（" + (s.newest || "无日期") + "）"));
  }
}

async function reload() {
  const out = $("admin-result");
  out.textContent = "重新加载中…";
  let [status, r] = await api("POST", "v1/reload", undefined, true);
  if (status === 409 && r && r.error && r.error.code === "reload_confirm" &&
      window.confirm("新知识库会删除：" + r.error.problems.join("、") + "。确认删除并使用新知识库？")) {
    [status, r] = await api("POST", "v1/reload?confirm=1", undefined, true);
  }
  if (status !== 200) {
    out.textContent = errorText(status, r);
    if (r && r.error && r.error.problems) out.textContent += "：" + r.error.problems.join("；");
    return;
  }
  out.textContent = "已重新加载：版本 " + r.version.slice(0, 12) + "，" + r.counts.categories + " 个类目，用时 " + r.took_ms + " 毫秒。" + (r.changes || "");
  await Promise.all([loadVersion(), loadTree()]);
}

// ---- try a question ----

const kindNames = { answer: "回答", check: "资质对照", choices: "列出选项", decline: "婉拒", help: "帮助", thanks: "致谢" };
const hitKinds = { category: "类目", licence: "资质", topic: "流程" };

async function ask(question) {
  question = question.trim();
  if (!question) return;
  $("ask-input").value = question;
  const err = $("ask-error");
  err.hidden = true;
  const [status, ex] = await api("POST", "v1/ask", { question, top: 5 });
  if (status !== 200) {
    err.textContent = errorText(status, ex);
    err.hidden = false;
    $("answer").hidden = true;
    return;
  }
  const reply = $("reply");
  bubbles(reply, ex.messages);
  reply.prepend(el("div", question, "bubble me"));
  const why = $("why");
  why.replaceChildren();
  const fact = (k, v) => { why.append(el("dt", k), el("dd", v)); };
  fact("回复类型", (kindNames[ex.reply_kind] || ex.reply_kind) + "（" + ex.reply_kind + "）");
  fact("问题意图", ex.kind || "普通查询");
  if (ex.rule) fact("意图规则", ex.rule);
  fact("判断", ex.decision || "—");
  fact("分几条发送", ex.parts + "（第一条 " + ex.first_chars + " 字）");
  const hits = $("hits");
  hits.replaceChildren();
  ex.hits.forEach((h, i) => {
    const tr = el("tr");
    tr.appendChild(el("td", i + 1, "num"));
    tr.appendChild(el("td", hitKinds[h.kind] || h.kind));
    const td = el("td");
    if (h.kind === "category") {
      const b = el("button", h.title, "link");
      b.type = "button";
      b.addEventListener("click", () => openCategory(h.id));
      td.appendChild(b);
    } else {
      td.textContent = h.title;
    }
    tr.appendChild(td);
    tr.appendChild(el("td", h.score.toFixed(4), "num"));
    hits.appendChild(tr);
  });
  $("answer").hidden = false;
  if (state.token) loadUnanswered();
}

// ---- browse ----

let treeTimer = null;

async function loadTree() {
  const params = new URLSearchParams();
  if ($("f-individual").checked) params.set("individual", "true");
  if ($("f-live").checked) params.set("live", "true");
  const lic = $("f-licence").value.trim();
  if (lic) params.set("licence", lic);
  const [status, t] = await api("GET", "v1/tree?" + params.toString());
  const err = $("tree-error");
  const groups = $("groups");
  if (status !== 200) {
    err.textContent = errorText(status, t);
    err.hidden = false;
    groups.replaceChildren();
    $("tree-count").textContent = "";
    return;
  }
  err.hidden = true;
  $("tree-count").textContent = "共 " + t.count + " 个类目";
  groups.replaceChildren();
  for (const g of t.groups) {
    const d = el("details");
    d.dataset.group = g.name;
    const s = el("summary", g.name + " ");
    s.appendChild(el("span", "（" + g.categories.length + "）", "note"));
    d.appendChild(s);
    const ul = el("ul");
    for (const c of g.categories) {
      const li = el("li");
      const b = el("button", c.path.slice(1).join("-"), "link category-link");
      b.type = "button";
      b.dataset.id = c.id;
      b.addEventListener("click", () => openCategory(c.id));
      li.appendChild(b);
      if (c.individual) li.appendChild(el("span", "个人可选", "tag"));
      if (c.live_streaming) li.appendChild(el("span", "支持直播", "tag live"));
      ul.appendChild(li);
    }
    d.appendChild(ul);
    groups.appendChild(d);
  }
}

async function openCategory(id) {
  const [status, c] = await api("GET", categoryPath(id));
  const box = $("detail");
  box.hidden = false;
  for (const b of document.querySelectorAll(".category-link")) b.classList.toggle("current", b.dataset.id === id);
  if (status !== 200) {
    $("detail-title").textContent = id;
    $("detail-meta").textContent = errorText(status, c);
    $("detail-reply").replaceChildren();
    return;
  }
  $("detail-title").textContent = c.title;
  const meta = $("detail-meta");
  meta.replaceChildren();
  meta.append(el("span", "可申请主体：" + (c.subjects.join("、") || "—") + " · 来源日期 " + (c.source_date || "无")));
  if (!c.source_date || (state.staleBefore && c.source_date < state.staleBefore)) meta.appendChild(el("span", "来源过旧，需要复核", "tag stale"));
  bubbles($("detail-reply"), c.reply);
  box.scrollIntoView({ block: "nearest" });
}

// ---- unanswered questions ----

async function loadUnanswered() {
  const note = $("unanswered-note");
  const table = $("unanswered-table");
  if (!state.token) {
    note.textContent = "填写管理令牌后显示（问题是用户写的原话）。";
    table.hidden = true;
    return;
  }
  const [status, u] = await api("GET", "v1/unanswered", undefined, true);
  if (status !== 200) {
    note.textContent = errorText(status, u);
    table.hidden = true;
    return;
  }
  const list = $("unanswered-list");
  list.replaceChildren();
  for (const q of u.questions) {
    const tr = el("tr");
    tr.appendChild(el("td", q.question));
    tr.appendChild(el("td", q.count, "num"));
    const last = q.last && !q.last.startsWith("0001") ? new Date(q.last).toLocaleString("zh-CN", { hour12: false }) : "—";
    tr.appendChild(el("td", last));
    const td = el("td");
    const a = el("a", "试一试", "try-link");
    a.href = "#ask=" + encodeURIComponent(q.question);
    td.appendChild(a);
    tr.appendChild(td);
    list.appendChild(tr);
  }
  note.textContent = u.questions.length === 0 ? "暂无。" : "共 " + u.questions.length + " 个问题，按次数排序" + (u.from === "memory" ? "（本次启动以来）" : "") + "。";
  table.hidden = u.questions.length === 0;
}

// ---- wiring ----

function fromHash() {
  const m = location.hash.match(/^#ask=(.*)$/);
  if (m) {
    ask(decodeURIComponent(m[1]));
    $("try").scrollIntoView({ block: "nearest" });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("token-input").value = state.token;
  $("token-input").addEventListener("input", (e) => {
    state.token = e.target.value.trim();
    if (state.token) sessionStorage.setItem("qualbot-token", state.token);
    else sessionStorage.removeItem("qualbot-token");
  });
  $("token-input").addEventListener("change", loadUnanswered);
  $("admin").addEventListener("submit", (e) => e.preventDefault());
  $("reload-button").addEventListener("click", reload);
  $("ask-form").addEventListener("submit", (e) => { e.preventDefault(); ask($("ask-input").value); });
  $("filters").addEventListener("submit", (e) => e.preventDefault());
  for (const id of ["f-individual", "f-live"]) $(id).addEventListener("change", loadTree);
  $("f-licence").addEventListener("input", () => { clearTimeout(treeTimer); treeTimer = setTimeout(loadTree, 300); });
  window.addEventListener("hashchange", fromHash);
  Promise.all([loadVersion(), loadTree(), loadUnanswered()]).then(fromHash);
});
