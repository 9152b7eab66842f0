// The sandbox demo page: a subscriber's phone, the agents' group and a manager's chat, all played
// through the sandbox's control API (/sandbox/api). Chats update live by long polling each chat on
// its version, so edits (cards changing in place) arrive like new messages. An agents' group that is
// a forum shows its topics as Telegram apps do (General first, then by latest message); opening one
// shows its messages, the General topic those outside any topic. Everything users or the bot wrote
// is put in the page as text nodes or attributes, never parsed as HTML.
"use strict";

const API = "/sandbox/api";
const POLL_WAIT_S = 25;
const RETRY_MS = 2000;
const MISSING_CHAT_RETRY_MS = 10000; // a private chat exists once its user wrote; sending here wakes it early
const STATS_EVERY_MS = 2000;
const TOAST_MS = 3000;
const FIRST_NEW_ID = 9001;
const VISITOR = { id: 2999, first_name: "Mallory", role: "not an agent" };
const GROUP_MANAGER = { id: 3999 }; // who writes when the managers' chat is a group, not a private chat
const SAMPLES = {
  pt: ["/start", "nenhum canal funciona, urgente!", "como pagar com pix?", "/status"],
  en: ["/start", "no channel works at all", "how do I pay with pix?", "/status"],
  es: ["/start", "ningún canal funciona", "¿cómo pago con pix?", "/status"],
};
const SAFE_LINK = /^(https?:|tg:|mailto:)/i;
const GENERAL_TOPIC_ID = 1;
const DEFAULT_TOPIC_COLOR = 0x6fb9f0; // Telegram's first topic icon colour

// ---------------------------------------------------------------------------------- helpers

/** An element with properties (`class`, `text`, `on<event>`, attributes) and children (nodes or text). */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** One control API call; a JSON answer, or an ApiError with the sandbox's `error` text. */
async function api(method, path, body, signal) {
  const init = { method, signal, headers: {} };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(API + path, init);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data.error || response.statusText);
  return data;
}

const fileUrls = new Map();

/** The download URL of a file (the Bot API file path), asked once per file_id. */
function fileUrl(fileId) {
  if (!fileUrls.has(fileId)) {
    fileUrls.set(fileId, api("GET", `/files/${encodeURIComponent(fileId)}`).then((file) => file.url));
  }
  return fileUrls.get(fileId);
}

function fullName(user) {
  return [user.first_name, user.last_name].filter(Boolean).join(" ");
}

function firstLine(message) {
  const text = message.text ?? message.caption ?? (message.photo ? "🖼 Photo" : "");
  return (text || (message.document ? `📄 ${message.document.file_name}` : "…")).split("\n")[0];
}

function clock(unixSeconds) {
  const time = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  return new Date(unixSeconds * 1000).toLocaleTimeString([], time);
}

// ------------------------------------------------------------------------ Telegram rendering

/** Plain text plus entities (UTF-16 offsets, as JS strings count) as DOM, the way Telegram shows it. */
function renderText(text, entities, onCommand) {
  const fragment = document.createDocumentFragment();
  const sorted = [...(entities || [])].sort((a, b) => a.offset - b.offset || b.length - a.length);
  appendRange(fragment, text, sorted, 0, text.length, onCommand);
  return fragment;
}

function appendRange(parent, text, entities, start, end, onCommand) {
  let position = start;
  let index = 0;
  while (index < entities.length) {
    const entity = entities[index];
    const entityEnd = Math.min(entity.offset + entity.length, end);
    let next = index + 1;
    while (next < entities.length && entities[next].offset < entityEnd) next++;
    if (entity.offset >= position) {
      if (entity.offset > position) parent.append(text.slice(position, entity.offset));
      const [outer, inner] = entityNode(entity, text.slice(entity.offset, entityEnd), onCommand);
      parent.append(outer);
      appendRange(inner, text, entities.slice(index + 1, next), entity.offset, entityEnd, onCommand);
      position = entityEnd;
    }
    index = next;
  }
  if (position < end) parent.append(text.slice(position, end));
}

function link(url) {
  if (!SAFE_LINK.test(url)) return el("span", { class: "unsafe-link", title: url });
  return el("a", { href: url, target: "_blank", rel: "noopener noreferrer" });
}

/** The element an entity becomes: [outer node, node its text goes in]. */
function entityNode(entity, content, onCommand) {
  const simple = {
    bold: "strong", italic: "em", underline: "u", strikethrough: "s",
    blockquote: "blockquote", expandable_blockquote: "blockquote",
  };
  let node;
  if (simple[entity.type]) {
    node = el(simple[entity.type]);
  } else if (entity.type === "code") {
    node = el("code");
  } else if (entity.type === "pre") {
    const code = el("code", { class: entity.language ? `language-${entity.language}` : null });
    return [el("pre", {}, code), code];
  } else if (entity.type === "spoiler") {
    node = el("span", {
      class: "spoiler", title: "Spoiler: click to show",
      onclick: (event) => event.currentTarget.classList.toggle("revealed"),
    });
  } else if (entity.type === "text_link") {
    node = link(entity.url);
  } else if (entity.type === "url") {
    node = link(/^[a-z][\w+.-]*:/i.test(content) ? content : `http://${content}`);
  } else if (entity.type === "email") {
    node = link(`mailto:${content}`);
  } else if (entity.type === "bot_command" && onCommand) {
    node = el("a", {
      class: "command", href: "#", title: "Send this command",
      onclick: (event) => { event.preventDefault(); onCommand(content); },
    });
  } else {
    node = el("span", { class: `entity-${entity.type}` });
  }
  return [node, node];
}

function photoNode(sizes) {
  const fitting = sizes.filter((size) => size.width <= 800);
  const shown = fitting.length ? fitting[fitting.length - 1] : sizes[0];
  const img = el("img", { class: "photo", alt: "Photo", width: shown.width, height: shown.height });
  const anchor = el("a", { class: "photo-link", target: "_blank", rel: "noopener" }, img);
  fileUrl(shown.file_id).then((url) => { img.src = url; }).catch(() => { img.alt = "Photo (unavailable)"; });
  fileUrl(sizes[sizes.length - 1].file_id).then((url) => { anchor.href = url; }).catch(() => {});
  return anchor;
}

function documentNode(file) {
  const kilobytes = Math.max(1, Math.round((file.file_size || 0) / 1024));
  const anchor = el("a", { class: "document", download: file.file_name || true, target: "_blank" },
    el("span", { class: "doc-icon", text: "📄" }),
    el("span", { text: `${file.file_name || "document"} · ${kilobytes} KB` }));
  fileUrl(file.file_id).then((url) => { anchor.href = url; }).catch(() => {});
  return anchor;
}

function serviceText(message) {
  if (message.pinned_message) return `📌 pinned “${firstLine(message.pinned_message)}”`;
  if (message.forum_topic_created) return `Topic “${message.forum_topic_created.name}” created`;
  if (message.forum_topic_edited) return "Topic edited";
  if (message.forum_topic_closed) return "Topic closed";
  if (message.forum_topic_reopened) return "Topic reopened";
  return null;
}

function inlineKeyboard(message, onPress) {
  const rows = message.reply_markup?.inline_keyboard || [];
  if (!rows.length) return null;
  return el("div", { class: "inline-keyboard" }, ...rows.map((row) => el("div", { class: "kb-row" },
    ...row.map((button) => {
      if (button.callback_data !== undefined) {
        return el("button", { type: "button", class: "kb-button", text: button.text,
          onclick: () => onPress(message, button) });
      }
      if (button.url && SAFE_LINK.test(button.url)) {
        return el("a", {
          class: "kb-button", href: button.url, target: "_blank", rel: "noopener", text: button.text,
        });
      }
      return el("button", { type: "button", class: "kb-button", disabled: true, text: button.text });
    }))));
}

/** One message as a bubble: sender, forward, quote, media, text, time, inline keyboard. */
function renderMessage(message, view) {
  const service = serviceText(message);
  if (service) return el("div", { class: "service", "data-id": message.message_id, text: service });
  const fromBot = Boolean(message.from?.is_bot);
  const mine = !fromBot && message.from?.id === view.me()?.id;
  const node = el("div", {
    class: `msg ${mine ? "out" : "in"}${fromBot ? " bot" : ""}`, "data-id": message.message_id,
  });
  if (view.showSenders && !mine && message.from) {
    node.append(el("div", { class: "sender", text: fullName(message.from) }));
  }
  const origin = message.forward_origin;
  if (origin) {
    const name = origin.sender_user ? fullName(origin.sender_user)
      : origin.sender_user_name || origin.chat?.title || "someone";
    node.append(el("div", { class: "forwarded", text: `Forwarded from ${name}` }));
  }
  const quoted = message.reply_to_message;
  // In a topic, Telegram makes every message a reply to the topic's creation; apps do not show it.
  if (quoted && quoted.message_id !== message.message_thread_id) {
    node.append(el("div", { class: "quote" },
      el("div", { class: "quote-from", text: quoted.from ? fullName(quoted.from) : "" }),
      el("div", { class: "quote-text", text: firstLine(quoted) })));
  }
  if (message.photo) node.append(photoNode(message.photo));
  if (message.document) node.append(documentNode(message.document));
  if (message.contact) {
    node.append(el("div", { class: "contact",
      text: `📱 ${fullName(message.contact)} · ${message.contact.phone_number}` }));
  }
  const text = message.text ?? message.caption;
  if (text) {
    const entities = message.text !== undefined ? message.entities : message.caption_entities;
    node.append(el("div", { class: "text" }, renderText(text, entities, view.onCommand)));
  }
  node.append(el("div", { class: "meta" },
    view.onReply ? el("button", { type: "button", class: "reply-button", text: "↩ Reply",
      onclick: () => view.onReply(message) }) : null,
    el("span", { text: clock(message.edit_date || message.date) + (message.edit_date ? " · edited" : "") })));
  const keyboard = inlineKeyboard(message, view.onPress);
  if (keyboard) node.append(keyboard);
  return node;
}

// ------------------------------------------------------------------------------- live chats

/**
 * One pane's chat: loads it, then long-polls changes since the last version and redraws in place.
 * Options: me() the Telegram user the pane acts as, emptyHint, showSenders, and the callbacks
 * onPress(message, button), onCommand(text), onReply(message) (offers "Reply"), onChange().
 */
class ChatView {
  constructor(pane, options) {
    this.pane = pane;
    this.list = pane.querySelector(".chat");
    this.toastBox = pane.querySelector(".toast");
    Object.assign(this, options);
    this.nodes = new Map();
    this.generation = 0;
    this.wake = null;
  }

  /** Show a chat, or one forum topic of it (`thread`; the General topic is GENERAL_TOPIC_ID). */
  open(chatId, thread = null) {
    this.stop();
    this.chatId = chatId;
    this.thread = thread;
    this.clear();
    this.loop(this.generation);
  }

  /** Stop following the chat (a forum's topic list is shown instead). */
  stop() {
    this.generation += 1;
    this.abort?.abort();
  }

  /** Something was sent here: stop waiting for a chat that did not exist yet. */
  kick() {
    this.wake?.();
  }

  async loop(generation) {
    let since = null;
    while (generation === this.generation) {
      this.abort = new AbortController();
      try {
        const query = new URLSearchParams();
        if (since !== null) {
          query.set("since", since);
          query.set("wait", POLL_WAIT_S);
        }
        if (this.thread !== null) query.set("thread", this.thread);
        const path = `/chats/${this.chatId}/messages${String(query) ? `?${query}` : ""}`;
        const page = await api("GET", path, undefined, this.abort.signal);
        if (generation !== this.generation) return;
        if (since !== null && page.version < since) {
          since = null; // the sandbox restarted: read the chat afresh
          continue;
        }
        if (since === null) this.clear();
        for (const id of page.deleted) this.remove(id);
        for (const message of page.messages) this.upsert(message);
        since = page.version;
        this.showEmpty(false);
        this.onChange?.();
      } catch (error) {
        if (generation !== this.generation) return;
        since = null;
        this.showEmpty(error.status === 404);
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, error.status === 404 ? MISSING_CHAT_RETRY_MS : RETRY_MS);
          this.wake = () => { clearTimeout(timer); resolve(); };
        });
      }
    }
  }

  clear() {
    this.nodes.clear();
    this.list.replaceChildren();
    this.showEmpty(false);
  }

  showEmpty(missing) {
    if (this.nodes.size) return;
    const hint = missing || !this.chatId ? this.emptyHint : "No messages yet.";
    this.list.replaceChildren(el("div", { class: "empty", text: hint }));
  }

  upsert(message) {
    const id = message.message_id;
    const atBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 80;
    const node = renderMessage(message, this);
    const old = this.nodes.get(id);
    if (!this.nodes.size) this.list.replaceChildren();
    if (old) {
      old.replaceWith(node);
    } else {
      const later = [...this.nodes.entries()].find(([other]) => other > id);
      this.list.insertBefore(node, later ? later[1] : null);
    }
    this.nodes.set(id, node);
    if (!old && atBottom) this.list.scrollTop = this.list.scrollHeight;
  }

  remove(id) {
    this.nodes.get(id)?.remove();
    this.nodes.delete(id);
  }

  toast(text, alert) {
    clearTimeout(this.toastTimer);
    this.toastBox.replaceChildren(el("span", { text }));
    this.toastBox.classList.toggle("alert", Boolean(alert));
    this.toastBox.hidden = false;
    if (alert) {
      const close = () => { this.toastBox.hidden = true; };
      this.toastBox.append(el("button", { type: "button", text: "OK", onclick: close }));
    } else {
      this.toastTimer = setTimeout(() => { this.toastBox.hidden = true; }, TOAST_MS);
    }
  }

  /** Press an inline button as the pane's user; show the bot's answer as Telegram's popup does. */
  async press(message, button) {
    try {
      const pressed = await api("POST", "/callbacks", {
        user: this.me(), chat_id: message.chat.id, message_id: message.message_id, data: button.callback_data,
      });
      const answer = await api("GET", `/callbacks/${pressed.callback_query_id}?wait=10`);
      if (answer.text) this.toast(answer.text, answer.show_alert);
    } catch (error) {
      this.toast(`Could not press: ${error.message}`, true);
    }
  }
}

// ------------------------------------------------------------------------------ forum topics

function topicColor(topic) {
  return `#${(topic.icon_color ?? DEFAULT_TOPIC_COLOR).toString(16).padStart(6, "0")}`;
}

/** A topic's icon as Telegram draws it: a bubble in the topic's colour with the name's first letter
 * (a digit when it has none); the General topic's is a "#". */
function fillTopicIcon(node, topic) {
  node.className = `topic-icon${topic.is_general ? " general" : ""}`;
  node.style.setProperty("--topic-color", topic.is_general ? "" : topicColor(topic));
  const initial = (topic.name.match(/\p{L}/u) || topic.name.match(/\p{N}/u) || [topic.name.trim()[0] || "?"])[0];
  node.textContent = topic.is_general ? "#" : initial.toUpperCase();
  return node;
}

/** A closed topic's padlock, drawn (not an emoji: it must show whatever fonts the machine has). */
function lockIcon() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", "topic-lock");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "Closed topic");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", "M4 7V5a4 4 0 0 1 8 0v2h.5A1.5 1.5 0 0 1 14 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 "
    + "2 13.5v-5A1.5 1.5 0 0 1 3.5 7H4zm2 0h4V5a2 2 0 1 0-4 0v2z");
  svg.append(path);
  return svg;
}

function lastMessageLine(message) {
  if (!message) return [el("span", { class: "topic-none", text: "No messages yet" })];
  const service = serviceText(message);
  if (service) return [service];
  const who = message.from?.is_bot ? "Bot" : fullName(message.from || { first_name: "?" });
  return [el("span", { class: "topic-sender", text: `${who}: ` }), firstLine(message)];
}

/** One row of the topic list: icon, name (🔒 when closed), time, latest message, unread count. */
function topicRow(topic, onOpen) {
  const last = topic.last_message;
  return el("button", {
    type: "button", role: "listitem", class: `topic-row${topic.is_closed ? " closed" : ""}`,
    "data-thread": topic.message_thread_id, onclick: () => onOpen(topic),
  },
  fillTopicIcon(el("span", { "aria-hidden": "true" }), topic),
  el("span", { class: "topic-main" },
    el("span", { class: "topic-line" },
      el("span", { class: "topic-name", text: topic.name }),
      topic.is_closed ? lockIcon() : null,
      el("span", { class: "topic-time", text: last ? clock(last.edit_date || last.date) : "" })),
    el("span", { class: "topic-line" },
      el("span", { class: "topic-last" }, ...lastMessageLine(last)),
      topic.unread_count ? el("span", { class: "unread", title: "Unread", text: String(topic.unread_count) }) : null)));
}

/** A forum's topic list, long-polled on the chat's version; `onUpdate(topics)` after each read. */
class TopicList {
  constructor(container, options) {
    this.container = container;
    Object.assign(this, options);
    this.generation = 0;
    this.topics = [];
  }

  open(chatId) {
    this.stop();
    this.chatId = chatId;
    this.loop(this.generation);
  }

  stop() {
    this.generation += 1;
    this.abort?.abort();
  }

  async loop(generation) {
    let since = null;
    while (generation === this.generation) {
      this.abort = new AbortController();
      try {
        const query = since === null ? "" : `?since=${since}&wait=${POLL_WAIT_S}`;
        const page = await api("GET", `/chats/${this.chatId}/topics${query}`, undefined, this.abort.signal);
        if (generation !== this.generation) return;
        since = page.version < (since ?? 0) ? null : page.version;
        this.topics = page.topics;
        this.container.replaceChildren(...page.topics.map((topic) => topicRow(topic, this.onOpen)));
        this.onUpdate?.(page.topics);
      } catch {
        if (generation !== this.generation) return;
        since = null;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }
}

// -------------------------------------------------------------------------------- the page

const state = {
  profile: null,
  chats: new Map(),
  personas: [],
  created: [],
  persona: null,
  agents: [],
  agent: null,
  manager: null,
  replyTo: null,
  demoMissing: "",
  forum: false,
  topic: null,
};

const $ = (selector) => document.querySelector(selector);

function notice(text) {
  const shown = text || state.demoMissing;
  $("#notice").textContent = shown;
  $("#notice").hidden = !shown;
}

async function refreshChats() {
  const { chats } = await api("GET", "/chats");
  state.chats = new Map(chats.map((chat) => [chat.id, chat]));
}

/** A phone number nobody in the directory has, for a subscriber created without a directory entry. */
function unknownPhone(userId) {
  return `+55119${String(70000000 + userId).slice(-8)}`;
}

function splitName(name) {
  const [first, ...rest] = name.trim().split(/\s+/);
  return { first_name: first || "Subscriber", last_name: rest.join(" ") || undefined };
}

function entryPersona(entry, id) {
  return { id, ...splitName(entry.name), language: entry.language, entry, phone: entry.phone || unknownPhone(id) };
}

/** Everyone the phone can be: directory subscribers, subscribers created here, other private chats. */
function buildPersonas() {
  const profile = state.profile;
  const taken = new Set([
    ...profile.subscribers.map((entry) => entry.telegram_id).filter(Boolean),
    ...profile.agents.map((agent) => agent.id), ...profile.managers.map((manager) => manager.chat_id), VISITOR.id,
  ]);
  let nextId = FIRST_NEW_ID;
  const nextFree = () => { while (taken.has(nextId)) nextId += 1; taken.add(nextId); return nextId; };
  const linked = profile.subscribers.filter((entry) => entry.telegram_id)
    .map((entry) => ({ ...entryPersona(entry, entry.telegram_id), group: "In the directory, on Telegram" }));
  const unlinked = profile.subscribers.filter((entry) => !entry.telegram_id)
    .map((entry) => ({ ...entryPersona(entry, nextFree()), group: "In the directory, not linked yet" }));
  const known = new Set([...linked, ...unlinked, ...state.created].map((persona) => persona.id));
  const others = [...state.chats.values()]
    .filter((chat) => chat.type === "private" && !known.has(chat.id) && !taken.has(chat.id))
    .map((chat) => ({ id: chat.id, first_name: chat.first_name, last_name: chat.last_name,
      language: profile.default_language, entry: null, phone: unknownPhone(chat.id), group: "Other chats" }));
  state.personas = [...linked, ...unlinked, ...state.created, ...others];
}

function personaLabel(persona) {
  const plan = persona.entry ? persona.entry.plan : "unlinked";
  return `${fullName(persona)} · ${plan}`;
}

function renderPersonaPicker() {
  const select = $("#persona");
  const groups = new Map();
  for (const persona of state.personas) {
    if (!groups.has(persona.group)) groups.set(persona.group, el("optgroup", { label: persona.group }));
    groups.get(persona.group).append(el("option", { value: persona.id, text: personaLabel(persona) }));
  }
  select.replaceChildren(...groups.values());
  if (state.persona) select.value = String(state.persona.id);
}

function choosePersona(id) {
  const persona = state.personas.find((candidate) => candidate.id === id) || state.personas[0];
  if (!persona) return;
  state.persona = persona;
  $("#persona").value = String(persona.id);
  $("#language").value = persona.language;
  const entry = persona.entry;
  let info = `Telegram user ${persona.id} · not in the directory: counts as basic`;
  if (entry) {
    const link = entry.telegram_id === persona.id ? "linked to Telegram" : "send /start, share the phone to link";
    const status = entry.status === "active" ? "" : ` · ${entry.status}`;
    info = `${entry.subscriber_id} · plan ${entry.plan} (${entry.tier})${status} · ${persona.phone} · ${link}`;
  }
  $("#persona-info").textContent = info;
  renderChips("#phone-chips", SAMPLES[persona.language] || SAMPLES.en, sendFromPhone);
  views.phone.open(persona.id);
  renderReplyKeyboard();
}

function personaUser() {
  const persona = state.persona;
  return {
    id: persona.id, first_name: persona.first_name, last_name: persona.last_name, language_code: persona.language,
  };
}

function renderChips(selector, texts, send) {
  $(selector).replaceChildren(...texts.map((text) =>
    el("button", { type: "button", class: "chip", text, onclick: () => send({ text }) })));
}

/** What "share my phone" sends: the persona's own number, with their user id as Telegram fills it in. */
function ownContact() {
  const persona = state.persona;
  return { phone_number: persona.phone, first_name: persona.first_name, user_id: persona.id };
}

/** The bot's reply keyboard in the phone's chat; a request_contact button shares the persona's phone. */
function renderReplyKeyboard() {
  const box = $("#phone-keyboard");
  const keyboard = state.persona && state.chats.get(state.persona.id)?.reply_keyboard;
  box.hidden = !keyboard;
  if (!keyboard) return box.replaceChildren();
  box.replaceChildren(...keyboard.keyboard.map((row) => el("div", { class: "kb-row" }, ...row.map((button) =>
    el("button", {
      type: "button", class: "kb-button", text: button.text,
      onclick: () => sendFromPhone(button.request_contact ? { contact: ownContact() } : { text: button.text }),
    })))));
}

async function send(view, body) {
  try {
    await api("POST", "/messages", body);
    view.kick();
  } catch (error) {
    view.toast(`Not sent: ${error.message}`, true);
  }
}

function sendFromPhone(content) {
  if (!state.persona) return;
  return send(views.phone, { user: personaUser(), ...content });
}

function agentsChat() {
  const chat = state.chats.get(state.profile.agents_chat_id);
  return { id: state.profile.agents_chat_id, type: chat?.type || "supergroup", title: chat?.title };
}

function agentUser() {
  return { id: state.agent.id, first_name: state.agent.first_name };
}

function sendFromGroup(content) {
  const body = { user: agentUser(), chat: agentsChat(), ...content };
  if (state.topic && !state.topic.is_general) body.message_thread_id = state.topic.message_thread_id;
  if (state.replyTo) body.reply_to_message_id = state.replyTo.message_id;
  setReplyTo(null);
  return send(views.group, body);
}

/** The manager as a user: a private chat's id is its user's id; in a managers' group, a stand-in. */
function managerUser() {
  const manager = state.manager;
  return { id: manager.chat_id > 0 ? manager.chat_id : GROUP_MANAGER.id, first_name: manager.first_name };
}

function sendFromManager(content) {
  if (!state.manager) return;
  const chatId = state.manager.chat_id;
  const chat = chatId > 0 ? undefined : { id: chatId, type: "supergroup" };
  return send(views.manager, { user: managerUser(), chat, ...content });
}

function setReplyTo(message) {
  state.replyTo = message;
  const bar = $("#group-replying");
  bar.hidden = !message;
  if (message) {
    const quoted = `Replying to ${fullName(message.from)}: ${firstLine(message)}`;
    bar.querySelector(".replying-text").textContent = quoted;
    $("#group-composer input[name=text]").focus();
  }
}

/** The group pane's parts: a forum shows its topic list until a topic is opened. */
function showGroupParts() {
  const listing = state.forum && !state.topic;
  $("#group-topics").hidden = !listing;
  $("#topic-bar").hidden = !state.topic;
  for (const part of ["#group-chat", "#group-chips", "#group-composer"]) $(part).hidden = listing;
  if (listing) setReplyTo(null);
}

/** Switch the group pane between a plain chat and a forum's topics as the group is or becomes a forum. */
function syncGroupMode() {
  const chatId = state.profile.agents_chat_id;
  const forum = Boolean(state.chats.get(chatId)?.is_forum);
  if (forum === state.forum && (forum || views.group.chatId === chatId)) return;
  state.forum = forum;
  state.topic = null;
  $("#group-hint").hidden = forum;
  $("#forum-hint").hidden = !forum;
  if (forum) {
    views.group.stop();
    views.topics.open(chatId);
  } else {
    views.topics.stop();
    views.group.open(chatId);
  }
  showGroupParts();
}

function renderTopicBar() {
  const topic = state.topic;
  if (!topic) return;
  const bar = $("#topic-bar");
  fillTopicIcon(bar.querySelector(".topic-icon"), topic);
  bar.querySelector(".topic-title").textContent = topic.name;
  bar.querySelector(".topic-sub").replaceChildren(...(topic.is_general ? ["Messages outside any topic"]
    : topic.is_closed ? [lockIcon(), "Closed topic"] : ["Topic"]));
  bar.classList.toggle("closed", Boolean(topic.is_closed));
}

function openTopic(topic) {
  state.topic = topic;
  setReplyTo(null);
  renderTopicBar();
  showGroupParts();
  views.group.open(state.profile.agents_chat_id, topic.message_thread_id);
}

function closeTopic() {
  state.topic = null;
  views.group.stop();
  showGroupParts();
}

/** The open topic was read up to its latest message: its unread count goes. */
function markTopicRead() {
  if (!state.topic) return;
  api("POST", `/chats/${state.profile.agents_chat_id}/topics/${state.topic.message_thread_id}/read`, {})
    .catch(() => {});
}

function agentLabel(agent) {
  const role = ["agent", "supervisor"].includes(agent.role) ? "" : ` (${agent.role})`;
  return `${agent.first_name}${role}`;
}

function renderAgentPicker() {
  const members = state.chats.get(state.profile.agents_chat_id)?.members || [];
  const listed = new Map(state.profile.agents.map((agent) => [agent.id, agent]));
  for (const { user } of members) {
    if (!listed.has(user.id)) listed.set(user.id, { ...user, role: "member, not an agent" });
  }
  listed.set(VISITOR.id, VISITOR);
  state.agents = [...listed.values()];
  $("#agent").replaceChildren(...state.agents.map((agent) =>
    el("option", { value: agent.id, text: agentLabel(agent) })));
  state.agent = state.agent || state.agents[0];
  $("#agent").value = String(state.agent.id);
}

/** Wire a composer: Enter sends the text; the 📎 picker sends a photo with the text as its caption. */
function wireComposer(selector, sendContent) {
  const form = $(selector);
  const input = form.querySelector("input[name=text]");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    sendContent({ text });
  });
  const picker = form.querySelector("input[type=file]");
  picker?.addEventListener("change", () => {
    const file = picker.files[0];
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => {
      const caption = input.value.trim();
      input.value = "";
      picker.value = "";
      const base64 = String(reader.result).split(",", 2)[1];
      sendContent({ photo: { data_base64: base64 }, caption: caption || undefined });
    };
    reader.readAsDataURL(file);
  });
}

async function refreshStats() {
  try {
    const [stats, limits, bot] = await Promise.all(["/stats", "/limits", "/bot"].map((path) => api("GET", path)));
    const calls = Object.values(stats.calls).reduce((sum, count) => sum + count, 0);
    $("#stat-calls").textContent = String(calls);
    $("#stat-429").textContent = String(stats.throttled_429);
    $("#stat-pending").textContent = String(bot.pending_update_count);
    $("#stats").title = Object.entries(stats.calls).map(([method, count]) => `${method}: ${count}`).join("\n");
    $("#limits").checked = limits.enabled;
    $("#limits-state").textContent = limits.enabled ? "on" : "off";
  } catch (error) {
    notice(`The sandbox does not answer (${error.message}). Is \`make run\` still running?`);
    return;
  }
  notice("");
}

const views = {};

async function start() {
  views.phone = new ChatView($("#phone-pane"), {
    me: () => state.persona && personaUser(), emptyHint: "Say hello, or tap /start below.",
    onPress: (message, button) => views.phone.press(message, button),
    onCommand: (command) => sendFromPhone({ text: command }),
    onChange: () => refreshChats().then(renderReplyKeyboard).catch(() => {}),
  });
  views.group = new ChatView($("#group-pane"), {
    me: () => state.agent && agentUser(), showSenders: true, emptyHint: "Cards appear here when a subscriber needs a person.",
    onPress: (message, button) => views.group.press(message, button),
    onReply: setReplyTo,
    onCommand: (command) => sendFromGroup({ text: command }),
    onChange: () => {
      markTopicRead();
      refreshChats().then(syncGroupMode).catch(() => {});
    },
  });
  views.topics = new TopicList($("#group-topics"), {
    onOpen: openTopic,
    onUpdate: (topics) => {
      const open = state.topic && topics.find((topic) => topic.message_thread_id === state.topic.message_thread_id);
      if (state.topic && !open) closeTopic(); // deleted while open
      else if (open) { state.topic = open; renderTopicBar(); }
      refreshChats().then(syncGroupMode).catch(() => {});
    },
  });
  views.manager = new ChatView($("#manager-pane"), {
    me: () => state.manager && managerUser(), emptyHint: "Send /report for the backlog now.",
    onPress: (message, button) => views.manager.press(message, button),
    onCommand: (command) => sendFromManager({ text: command }),
  });

  try {
    state.profile = await api("GET", "/demo");
  } catch {
    state.profile = { default_language: "pt", agents_chat_id: null, agents: [], managers: [], subscribers: [] };
    state.demoMissing = "No demo bot is registered with this sandbox: run `supportbot run` with no BOT_TOKEN.";
    notice("");
  }
  await refreshChats();

  buildPersonas();
  renderPersonaPicker();
  $("#persona").addEventListener("change", (event) => choosePersona(Number(event.target.value)));
  $("#language").addEventListener("change", (event) => {
    state.persona.language = event.target.value;
    renderChips("#phone-chips", SAMPLES[state.persona.language], sendFromPhone);
  });
  const entries = $("#persona-form select[name=entry]");
  entries.replaceChildren(el("option", { value: "", text: "Not in the directory (unlinked: counts as basic)" }),
    ...state.profile.subscribers.map((entry, index) =>
      el("option", { value: index, text: `${entry.subscriber_id} · ${entry.name} · ${entry.plan}` })));
  $("#new-persona").addEventListener("click", () => { $("#persona-form").hidden = false; });
  $("#persona-cancel").addEventListener("click", () => { $("#persona-form").hidden = true; });
  $("#persona-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const used = new Set([...state.personas.map((persona) => persona.id), ...state.chats.keys(), VISITOR.id]);
    let id = FIRST_NEW_ID + 500;
    while (used.has(id)) id += 1;
    const entry = form.get("entry") === "" ? null : state.profile.subscribers[Number(form.get("entry"))];
    const persona = { id, ...splitName(String(form.get("name"))), language: String(form.get("language")),
      entry, phone: entry?.phone || unknownPhone(id), group: "Created here" };
    state.created.push(persona);
    buildPersonas();
    renderPersonaPicker();
    choosePersona(id);
    event.target.reset();
    event.target.hidden = true;
  });
  wireComposer("#phone-composer", sendFromPhone);
  choosePersona(state.personas[0]?.id);

  if (state.profile.agents_chat_id !== null) {
    $("#group-title").textContent = state.chats.get(state.profile.agents_chat_id)?.title || "Agents' group";
    renderAgentPicker();
    $("#agent").addEventListener("change", (event) => {
      state.agent = state.agents.find((agent) => agent.id === Number(event.target.value));
    });
    $("#group-replying button").addEventListener("click", () => setReplyTo(null));
    renderChips("#group-chips", ["/queue", "/next", "/mine"], sendFromGroup);
    wireComposer("#group-composer", sendFromGroup);
    $("#topic-back").addEventListener("click", closeTopic);
    views.group.open(state.profile.agents_chat_id);
    syncGroupMode();
  } else {
    views.group.clear();
  }

  state.manager = state.profile.managers[0] || null;
  if (state.manager) {
    $("#manager-title").textContent = state.manager.first_name;
    renderChips("#manager-chips", ["/report"], sendFromManager);
    wireComposer("#manager-composer", sendFromManager);
    views.manager.open(state.manager.chat_id);
  } else {
    views.manager.clear();
  }

  $("#limits").addEventListener("change", async (event) => {
    await api("POST", "/limits", { enabled: event.target.checked });
    refreshStats();
  });
  refreshStats();
  setInterval(refreshStats, STATS_EVERY_MS);
}

start();
