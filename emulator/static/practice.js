// The practice page: several people at once, each pane one person in one chat.
"use strict";

const ALLOWED_TAGS = new Set(["B", "STRONG", "I", "EM", "U", "INS", "S", "STRIKE", "DEL",
  "CODE", "PRE", "A", "BLOCKQUOTE", "SPAN", "TG-SPOILER", "BR"]);

let world = { people: [], groups: [], bot: {} };

// -- texts ---------------------------------------------------------------------
// Every text here is a msgid (English), marked with _() or N_() so that
// `python -m core.i18n extract` finds it; practice mode serves the translations
// (GET /emu/api/texts). Each pane speaks its person's language; the page's own texts
// (the header) follow the person in the first pane.
let texts = {};
let pageLanguage = "nl";

function N_(msgid) { return msgid; }

function translate(language, msgid, params) {
  const table = texts[language] || {};
  let text = table[msgid] || msgid;
  if (params) {
    text = text.replace(/\{(\w+)\}/g, (whole, key) => (key in params ? String(params[key]) : whole));
  }
  return text;
}

function _(msgid, params) { return translate(pageLanguage, msgid, params); }

// Texts of the page's fixed parts, by the key in their data-t attribute.
const STATIC_TEXTS = {
  title: N_("Omkijkbot practice"),
  heading: N_("Omkijkbot practice"),
  intro: N_("Here you are a few neighbours at once. In each window, choose who you are and "
    + "which conversation, and try the bot's buttons. Nothing goes to Telegram: everything "
    + "stays on this computer."),
  who: N_("Who are you?"),
  where: N_("Which conversation?"),
  message: N_("Message"),
  type: N_("Type a message…"),
  send: N_("Send"),
  voice: N_("Send a voice message"),
  more: N_("More: the group and the bot"),
  add_bot: N_("Add the bot to the group"),
  remove_bot: N_("Remove the bot from the group"),
  migrate: N_("The group becomes a supergroup"),
  block: N_("I block the bot"),
  unblock: N_("I unblock the bot"),
  clock: N_("The bot's clock"),
  plus10: N_("+10 min"),
  plus60: N_("+1 hour"),
  to_next: N_("To the next event"),
  speed: N_("Speed"),
  commands: N_("Commands"),
  buttons: N_("Buttons"),
  ok: N_("OK"),
  try_this: N_("Try this"),
  next: N_("Next »"),
  back: N_("« Back"),
};

// Fill in the fixed texts of one part of the page in one language.
function applyTexts(root, language) {
  for (const node of root.querySelectorAll("[data-t]")) {
    node.textContent = translate(language, STATIC_TEXTS[node.dataset.t]);
  }
  for (const node of root.querySelectorAll("[data-t-placeholder]")) {
    node.placeholder = translate(language, STATIC_TEXTS[node.dataset.tPlaceholder]);
    node.setAttribute("aria-label", translate(language, STATIC_TEXTS.message));
  }
  for (const node of root.querySelectorAll("[data-t-title]")) {
    const text = translate(language, STATIC_TEXTS[node.dataset.tTitle]);
    node.title = text;
    node.setAttribute("aria-label", text);
  }
}

function personLanguage(personId) {
  const person = world.people.find((p) => p.id === personId);
  return (person && person.page_language) || "nl";
}

function applyPageTexts() {
  const first = panes[0];
  pageLanguage = first ? personLanguage(first.personId) : "nl";
  document.documentElement.lang = pageLanguage;
  document.title = _(STATIC_TEXTS.title);
  applyTexts(document.querySelector("header"), pageLanguage);
  if (demo.language && demo.language !== pageLanguage) loadDemo().then(renderDemo);
}

const panes = [];

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  if (!response.ok) {
    const error = new Error(`${response.status}: ${await response.text()}`);
    error.status = response.status;
    throw error;
  }
  return response.json();
}

// Bot messages may carry Telegram's HTML subset: keep only those tags, never scripts.
function safeHtml(html) {
  const doc = new DOMParser().parseFromString(`<div>${html}</div>`, "text/html");
  const clean = (node) => {
    for (const child of [...node.childNodes]) {
      if (child.nodeType === Node.ELEMENT_NODE) {
        if (!ALLOWED_TAGS.has(child.tagName)) {
          child.replaceWith(document.createTextNode(child.textContent));
          continue;
        }
        for (const attr of [...child.attributes]) {
          const okHref = attr.name === "href" && /^(https?:|tg:)/.test(attr.value);
          if (!okHref) child.removeAttribute(attr.name);
        }
        clean(child);
      }
    }
  };
  const root = doc.body.firstChild;
  clean(root);
  return root.innerHTML;
}

function serviceText(pane, message) {
  const name = (message.from && message.from.first_name) || "";
  if (message.new_chat_members) {
    return message.new_chat_members.map((m) => (m.is_bot
      ? pane._("{name} added {bot} to the group", { name, bot: m.first_name })
      : pane._("{name} joined the group", { name: m.first_name }))).join(", ");
  }
  if (message.left_chat_member) {
    return pane._("{name} left the group", { name: message.left_chat_member.first_name });
  }
  if (message.migrate_to_chat_id) return pane._("This group is now a supergroup (it goes on in the new group)");
  if (message.migrate_from_chat_id) return pane._("This supergroup grew out of an ordinary group");
  return null;
}

const fileUrl = (fileId) => `/emu/api/file/${encodeURIComponent(fileId)}`;

// The start payload of a link to this bot (t.me/<bot>?start=…, tg://resolve?domain=<bot>
// &start=…): "" without one; null for a link elsewhere.
function deepLinkPayload(url) {
  let parsed;
  try {
    parsed = new URL(url, window.location.href);
  } catch (e) {
    return null;
  }
  let bot = null;
  if (/^https?:$/.test(parsed.protocol) && /^(t|telegram)\.me$/.test(parsed.hostname)) {
    bot = parsed.pathname.replace(/^\/+|\/+$/g, "");
  } else if (parsed.protocol === "tg:") {
    bot = parsed.searchParams.get("domain");
  }
  if (!bot || !world.bot.username || bot.toLowerCase() !== world.bot.username.toLowerCase()) {
    return null;
  }
  return parsed.searchParams.get("start") || "";
}

const URL_PATTERN = /(?:https?:\/\/|tg:\/\/)[^\s<>"]+[^\s<>".,:;!?)\]'»”]/g;

// Plain addresses in a message become links, as Telegram shows them.
function linkify(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const found = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.parentElement.closest("a") && node.textContent.match(URL_PATTERN)) found.push(node);
  }
  for (const node of found) {
    const text = node.textContent;
    const parts = document.createDocumentFragment();
    let last = 0;
    for (const match of text.matchAll(URL_PATTERN)) {
      parts.append(text.slice(last, match.index));
      const link = document.createElement("a");
      link.href = match[0];
      link.textContent = match[0];
      parts.append(link);
      last = match.index + match[0].length;
    }
    parts.append(text.slice(last));
    node.replaceWith(parts);
  }
}

function card(icon, title, ...lines) {
  const box = document.createElement("div");
  box.className = "card";
  const head = document.createElement("span");
  head.className = "card-title";
  head.textContent = `${icon} ${title}`;
  box.append(head);
  for (const line of lines.filter(Boolean)) {
    const row = document.createElement("span");
    row.textContent = line;
    box.append(row);
  }
  return box;
}

class Pane {
  constructor(root, personId, chatId) {
    this.root = root;
    this.personId = personId;
    this.chatId = chatId;
    this.version = -1;
    this.seenToasts = new Set();
    this.generation = 0;
    this.rendered = new Map();
    root.querySelector(".composer").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = root.querySelector("input[name=text]");
      const text = input.value.trim();
      if (!text) return;
      input.value = "";
      this.showMenu(null);
      this.send(text);
    });
    root.querySelector(".voice").addEventListener("click", () =>
      api("/emu/api/voice", { user_id: this.personId, chat_id: this.chatId, duration: 4 })
        .catch((e) => this.failed(e)));
    for (const button of root.querySelectorAll(".more button")) {
      button.addEventListener("click", () => this.groupAction(button.dataset.action));
    }
    // Telegram's "/" menu: the bot's commands for this chat, also while typing "/…".
    this.commands = [];
    const input = root.querySelector("input[name=text]");
    root.querySelector(".menu-button").addEventListener("click", () =>
      this.showMenu(root.querySelector(".command-menu").hidden ? "" : null));
    input.addEventListener("input", () => {
      const typed = input.value;
      this.showMenu(/^\/\w*$/.test(typed) ? typed.slice(1) : null);
    });
    root.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.showMenu(null);
    });
    // A reply keyboard can be folded away and back, as in Telegram.
    this.keyboard = { id: null, hidden: false };
    root.querySelector(".keyboard-toggle").addEventListener("click", () => {
      this.keyboard.hidden = !this.keyboard.hidden;
      this.renderReplyKeyboard(this.keyboard.markup, this.keyboard.id);
    });
  }

  async loadCommands() {
    const language = this.language();
    const key = `${this.chatId}:${this.personId}:${language}`;
    if (this.commandsKey === key) return;
    this.commandsKey = key;
    try {
      const found = await api(`/emu/api/commands?chat=${this.chatId}&user=${this.personId}&lang=${language}`);
      if (this.commandsKey === key) this.commands = found.commands;
    } catch (e) {
      this.commands = [];
    }
  }

  // Open the menu with the commands starting with ``prefix``; null closes it.
  showMenu(prefix) {
    const menu = this.root.querySelector(".command-menu");
    const button = this.root.querySelector(".menu-button");
    const shown = prefix === null ? [] : this.commands.filter((c) => c.command.startsWith(prefix));
    menu.hidden = !shown.length;
    button.setAttribute("aria-expanded", String(!menu.hidden));
    menu.setAttribute("aria-label", this._("Commands"));
    menu.replaceChildren(...shown.map((c) => {
      const item = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.setAttribute("role", "menuitem");
      b.dataset.command = c.command;
      const name = document.createElement("b");
      name.textContent = `/${c.command}`;
      const about = document.createElement("span");
      about.textContent = c.description;
      b.append(name, about);
      b.addEventListener("click", () => {
        this.root.querySelector("input[name=text]").value = "";
        this.showMenu(null);
        this.send(`/${c.command}`);
      });
      item.append(b);
      return item;
    }));
  }

  _(msgid, params) { return translate(this.language(), msgid, params); }

  language() { return personLanguage(this.personId); }

  // Something the page asked did not work: say so kindly; the details go to the console.
  failed(error) {
    console.warn(error);
    this.toast(this._("That did not work. Please try again."));
  }

  async send(text) {
    try {
      await api("/emu/api/send", { user_id: this.personId, chat_id: this.chatId, text });
    } catch (e) {
      this.failed(e);
    }
  }

  async groupAction(action) {
    const group = world.groups.find((g) => g.id === this.chatId);
    const chatId = group ? group.id : (world.groups[0] || {}).id;
    try {
      await api("/emu/api/group", { action, chat_id: chatId, user_id: this.personId });
    } catch (e) {
      this.failed(e);
    }
  }

  // A small note over the chat that goes by itself: Telegram's toast.
  toast(text) {
    const box = this.root.querySelector(".toast");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => { box.hidden = true; }, 4000);
  }

  // An answer with show_alert: a dialog that waits for OK, as in Telegram.
  alert(text) {
    const dialog = document.querySelector(".alert-dialog");
    applyTexts(dialog, this.language());
    dialog.querySelector(".alert-text").textContent = text;
    if (!dialog.open) dialog.showModal();
  }

  renderPickers() {
    applyTexts(this.root, this.language());
    const people = this.root.querySelector(".people");
    people.replaceChildren(...world.people.map((p) => {
      const b = document.createElement("button");
      b.type = "button";
      b.setAttribute("aria-pressed", String(p.id === this.personId));
      b.dataset.person = p.name;
      b.innerHTML = `${p.name} <small></small>`;
      b.querySelector("small").textContent = p.role ? `(${this._(p.role)})` : "";
      b.addEventListener("click", () => this.select(p.id, p.id));
      return b;
    }));
    const chats = this.root.querySelector(".chats");
    const options = [{ id: this.personId, title: this._("Private with {bot}", { bot: world.bot.first_name }) }];
    for (const g of world.groups) {
      if (g.members.includes(this.personId) && !g.migrated_to) options.push({ id: g.id, title: g.title });
    }
    chats.replaceChildren(...options.map((o) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = o.title;
      b.dataset.chat = String(o.id);
      b.setAttribute("aria-pressed", String(o.id === this.chatId));
      b.addEventListener("click", () => this.select(this.personId, o.id));
      return b;
    }));
  }

  select(personId, chatId) {
    this.personId = personId;
    this.chatId = chatId;
    this.version = -1;
    this.generation += 1;
    this.rendered = new Map();
    this.keyboard = { id: null, hidden: false };
    this.renderPickers();
    this.root.querySelector(".messages").replaceChildren();
    this.renderReplyKeyboard(null, null);
    this.showMenu(null);
    this.loadCommands();
    this.loop();
  }

  renderMessages(messages) {
    const list = this.root.querySelector(".messages");
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    let keyboard = null;
    let keyboardId = null;
    const rendered = new Map();
    const items = messages.map((m) => {
      // A message that did not change keeps its element: a playing voice note plays on.
      const signature = this.language() + JSON.stringify(m);
      const known = this.rendered.get(m.message_id);
      const li = known && known.signature === signature ? known.li : this.renderMessage(m);
      rendered.set(m.message_id, { signature, li });
      if (m.from && m.from.id === world.bot.id && m._keyboard) {
        keyboard = m._keyboard;
        keyboardId = m.message_id;
      }
      return li;
    });
    this.rendered = rendered;
    if (!items.length) {
      const li = document.createElement("li");
      li.className = "empty";
      li.textContent = this.chatId === this.personId
        ? this._("No messages yet. Type /start and press Send to begin.")
        : this._("No messages in this group yet.");
      items.push(li);
    }
    list.replaceChildren(...items);
    if (atBottom || this.version <= 0) list.scrollTop = list.scrollHeight;
    this.renderReplyKeyboard(keyboard, keyboardId);
    highlightDemo();
  }

  renderMessage(m) {
    const li = document.createElement("li");
    const service = serviceText(this, m);
    if (service) {
      li.className = "service";
      li.textContent = service;
      return li;
    }
    const fromBot = m.from.id === world.bot.id;
    li.className = fromBot ? "from-bot" : (m.from.id === this.personId ? "from-me" : "from-other");
    li.dataset.messageId = m.message_id;
    const sender = document.createElement("span");
    sender.className = "sender";
    sender.textContent = fromBot ? world.bot.first_name : m.from.first_name;
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    this.renderContent(m, bubble);
    li.append(sender, bubble);
    const deepLinks = [...bubble.querySelectorAll("a[data-start]")];
    if (deepLinks.length) li.append(this.passOn(deepLinks[0].dataset.start));
    if (fromBot && m.reply_markup && m.reply_markup.inline_keyboard) {
      li.append(this.inlineKeyboard(m));
    }
    return li;
  }

  // Pictures show, documents open, voice notes play, a contact or place is a card; then
  // the text or caption, with its links made to work as in Telegram.
  renderContent(m, bubble) {
    if (m.photo && m.photo.length) {
      const largest = m.photo[m.photo.length - 1];
      const link = document.createElement("a");
      link.href = fileUrl(largest.file_id);
      link.target = "_blank";
      link.rel = "noopener";
      const img = document.createElement("img");
      img.className = "photo";
      img.src = link.href;
      img.alt = m.caption || this._("Picture");
      link.append(img);
      bubble.append(link);
    } else if (m.document) {
      const link = document.createElement("a");
      link.className = "document";
      link.href = fileUrl(m.document.file_id);
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = `📄 ${m.document.file_name || this._("Document")}`;
      bubble.append(link);
    } else if (m.voice) {
      const label = document.createElement("span");
      label.className = "card-title";
      label.textContent = "🎤 " + this._("Voice message ({n} s)", { n: m.voice.duration });
      const audio = document.createElement("audio");
      audio.controls = true;
      audio.preload = "none";
      audio.src = fileUrl(m.voice.file_id);
      bubble.append(label, audio);
    } else if (m.contact) {
      bubble.append(card("📇", this._("Contact"),
        [m.contact.first_name, m.contact.last_name].filter(Boolean).join(" "), m.contact.phone_number));
    } else if (m.location) {
      bubble.append(card("📍", this._("Location"),
        `${m.location.latitude.toFixed(5)}, ${m.location.longitude.toFixed(5)}`));
    }
    const words = document.createElement("div");
    words.className = "words";
    if (m._html) words.innerHTML = safeHtml(m._html);
    else words.textContent = m.text !== undefined ? m.text : (m.caption || "");
    if (words.textContent) bubble.append(words);
    if (!bubble.childNodes.length) bubble.textContent = "…";
    linkify(words);
    for (const link of bubble.querySelectorAll(".words a[href]")) {
      const payload = deepLinkPayload(link.href);
      if (payload !== null) {
        link.dataset.start = payload;
        link.addEventListener("click", (event) => {
          event.preventDefault();
          this.openLink(link.href);
        });
      } else {
        link.target = "_blank";
        link.rel = "noopener noreferrer";
      }
    }
  }

  // A link to the bot, passed on to someone else: as if they got it and tapped it.
  passOn(payload) {
    const select = document.createElement("select");
    select.className = "pass-on";
    select.setAttribute("aria-label", this._("Pass this link on to…"));
    select.append(new Option(this._("Pass this link on to…"), ""));
    for (const person of world.people) {
      if (person.id !== this.personId) select.append(new Option(person.name, String(person.id)));
    }
    select.addEventListener("change", () => {
      const personId = Number(select.value);
      if (!personId) return;
      this.select(personId, personId);
      this.send(payload ? `/start ${payload}` : "/start");
    });
    return select;
  }

  inlineKeyboard(m) {
    const kb = document.createElement("div");
    kb.className = "inline-keyboard";
    for (const row of m.reply_markup.inline_keyboard) {
      const r = document.createElement("div");
      r.className = "row";
      for (const button of row) {
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = button.text;
        if (button.url) {
          b.addEventListener("click", () => this.openLink(button.url));
        } else {
          b.addEventListener("click", () => api("/emu/api/press", {
            user_id: this.personId, chat_id: this.chatId,
            message_id: m.message_id, data: button.callback_data,
          }).catch((e) => this.failed(e)));
        }
        r.append(b);
      }
      kb.append(r);
    }
    return kb;
  }

  // A link to this bot (t.me/<bot>?start=<code>) opens this person's private chat with
  // the bot and sends /start <code>, as Telegram does; any other link opens a new tab.
  openLink(url) {
    const payload = deepLinkPayload(url);
    if (payload === null) {
      window.open(url, "_blank", "noopener");
      return;
    }
    this.select(this.personId, this.personId);
    this.send(payload ? `/start ${payload}` : "/start");
  }

  // The newest reply keyboard in the chat, under the input, as Telegram shows it.
  renderReplyKeyboard(markup, messageId) {
    const box = this.root.querySelector(".reply-keyboard");
    const toggle = this.root.querySelector(".keyboard-toggle");
    const input = this.root.querySelector("input[name=text]");
    const usable = markup && !markup.remove_keyboard && markup.keyboard;
    if (messageId !== this.keyboard.id) this.keyboard = { id: messageId, hidden: false };
    this.keyboard.markup = markup;
    toggle.hidden = !usable;
    toggle.setAttribute("aria-expanded", String(usable && !this.keyboard.hidden));
    input.placeholder = (usable && markup.input_field_placeholder)
      || translate(this.language(), STATIC_TEXTS.type);
    if (!usable || this.keyboard.hidden) {
      box.replaceChildren();
      return;
    }
    box.replaceChildren(...markup.keyboard.map((row) => {
      const r = document.createElement("div");
      r.className = "row";
      for (const button of row) {
        const text = typeof button === "string" ? button : button.text;
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = text;
        b.addEventListener("click", () => {
          if (markup.one_time_keyboard) {
            this.keyboard.hidden = true;
            this.renderReplyKeyboard(markup, messageId);
          }
          if (button.request_contact) {
            api("/emu/api/contact", { user_id: this.personId }).catch((e) => this.failed(e));
          } else {
            this.send(text);
          }
        });
        r.append(b);
      }
      return r;
    }));
  }

  async loop() {
    const generation = this.generation;
    while (generation === this.generation) {
      try {
        const view = await api(`/emu/api/chat?chat=${this.chatId}&viewer=${this.personId}&since=${this.version}`);
        if (generation !== this.generation) return;
        if (view.version !== this.version) {
          await refreshWorld();
          if (this === panes[0]) applyPageTexts();
          this.renderPickers();
          this.loadCommands();
          this.renderMessages(view.messages);
          for (const t of view.toasts) {
            if (!this.seenToasts.has(t.n)) {
              this.seenToasts.add(t.n);
              if (this.version >= 0 && t.url) this.openLink(t.url);
              else if (this.version >= 0) {
                if (t.alert) this.alert(t.text);
                else this.toast(t.text);
              }
            }
          }
          this.version = view.version;
        }
      } catch (e) {
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    }
  }
}

// -- the bot's clock: see it, move it forward, change its speed --------------------

const clockBar = () => document.querySelector("[data-testid=clock]");

function renderClock(view) {
  const bar = clockBar();
  bar.hidden = false;
  bar.querySelector(".now").textContent = view.label;
  bar.querySelector(".next").textContent = view.next
    ? _("Next event: {when}", { when: view.next })
    : _("Nothing planned yet");
  bar.querySelector("[data-move=next]").disabled = !view.next;
  const select = bar.querySelector("select");
  const options = view.speeds.map((s) => `${s.scale}:${s.label}`).join("|");
  if (select.dataset.options !== options && document.activeElement !== select) {
    select.dataset.options = options;
    select.replaceChildren(...view.speeds.map((s) => new Option(s.label, String(s.scale))));
  }
  if (document.activeElement !== select) select.value = String(view.scale);
}

async function moveClock(change) {
  try {
    renderClock(await api(`/emu/api/clock?lang=${pageLanguage}`, change));
  } catch (e) {
    if (panes[0]) panes[0].failed(e);
  }
}

async function clockLoop() {
  const bar = clockBar();
  for (const button of bar.querySelectorAll("[data-move]")) {
    const move = button.dataset.move;
    button.addEventListener("click", () => moveClock(move === "next"
      ? { action: "next" } : { action: "advance", minutes: Number(move) }));
  }
  bar.querySelector("select").addEventListener("change", (event) =>
    moveClock({ action: "speed", scale: Number(event.target.value) }));
  for (;;) {
    try {
      renderClock(await api(`/emu/api/clock?lang=${pageLanguage}`));
    } catch (e) {
      // Practice mode without a clock to show (the bare emulator): no bar.
      if (e.status === 404) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

// -- the guided demo ("Probeer dit"): each step shows what to tap next ---------------

const demo = { journeys: [], end: "", journey: -1, step: -1, target: null, language: null };
const demoBox = () => document.querySelector("[data-testid=demo]");

async function loadDemo() {
  try {
    const found = await api(`/emu/api/demo?lang=${pageLanguage}`);
    demo.journeys = found.journeys;
    demo.end = found.end;
    demo.language = pageLanguage;
  } catch (e) {
    demo.journeys = []; // the bare emulator has no demo
  }
}

function currentStep() {
  const journey = demo.journeys[demo.journey];
  return journey ? journey.steps[demo.step] : null;
}

function renderDemo() {
  const box = demoBox();
  box.hidden = !demo.journeys.length;
  if (box.hidden) return;
  applyTexts(box, pageLanguage);
  box.querySelector(".journeys").replaceChildren(...demo.journeys.map((journey, index) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = `${index + 1}. ${journey.title}`;
    b.setAttribute("aria-pressed", String(index === demo.journey));
    b.addEventListener("click", () => goStep(index, 0));
    return b;
  }));
  const step = currentStep();
  const finished = demo.journey >= demo.journeys.length;
  const count = box.querySelector(".step-count");
  count.textContent = step ? _("Step {n} of {total}: {journey}", {
    n: demo.step + 1,
    total: demo.journeys[demo.journey].steps.length,
    journey: demo.journeys[demo.journey].title,
  }) : "";
  const text = box.querySelector(".step-text");
  text.textContent = step ? step.text
    : (finished ? demo.end : _("Choose a journey, or press Next to begin at the start."));
  text.dataset.kind = !step ? "none" : step.action ? "action" : step.send ? "send"
    : step.open ? "open" : step.tap ? "tap" : "look";
  box.querySelector(".back").disabled = demo.journey < 0;
  box.querySelector(".next").disabled = finished;
  const doIt = box.querySelector(".do");
  doIt.hidden = !(step && step.action);
  doIt.disabled = false;
  doIt.textContent = step && step.action ? step.action_label : "";
}

async function goStep(journey, step) {
  demo.journey = journey;
  demo.step = step;
  await loadDemo(); // the labels in each person's language as it is now
  renderDemo();
  const current = currentStep();
  demo.target = null;
  if (current) showStep(current);
  highlightDemo();
}

function nextStep() {
  let journey = demo.journey;
  let step = demo.step + 1;
  if (journey < 0) {
    journey = 0;
    step = 0;
  } else if (step >= demo.journeys[journey].steps.length) {
    journey += 1;
    step = 0;
  }
  goStep(journey, step);
}

function previousStep() {
  let journey = Math.min(demo.journey, demo.journeys.length);
  let step = demo.step - 1;
  if (journey === demo.journeys.length || step < 0) {
    journey -= 1;
    step = journey >= 0 ? demo.journeys[journey].steps.length - 1 : -1;
  }
  goStep(journey, step);
}

// Put the step's person and chat in its window, and point at what to tap.
function showStep(step) {
  const pane = panes[step.pane - 1] || panes[0];
  if (pane.personId !== step.person || pane.chatId !== step.chat) pane.select(step.person, step.chat);
  if (step.send) pane.root.querySelector("input[name=text]").value = step.send;
  demo.target = { pane, step, scrolled: false };
}

function demoTarget() {
  if (!demo.target) return null;
  const { pane, step } = demo.target;
  if (step.action) return demoBox().querySelector(".do");
  if (step.send) return pane.root.querySelector("[data-testid=send]");
  if (step.open) return [...pane.root.querySelectorAll(".from-bot a.document")].pop() || null;
  if (step.tap) {
    return [...pane.root.querySelectorAll(".inline-keyboard button, .reply-keyboard button")]
      .filter((b) => b.textContent === step.tap).pop() || null;
  }
  return null;
}

// Called after every render: the button to tap may only just have arrived.
function highlightDemo() {
  const target = demoTarget();
  for (const old of document.querySelectorAll(".demo-target")) {
    if (old !== target) old.classList.remove("demo-target");
  }
  if (!target) return;
  target.classList.add("demo-target");
  if (!demo.target.scrolled) {
    demo.target.scrolled = true;
    target.scrollIntoView({ block: "nearest" });
  }
}

async function demoAction(button) {
  const step = currentStep();
  if (!step || !step.action) return;
  button.disabled = true;
  try {
    await api("/emu/api/demo", { action: step.action });
    button.classList.remove("demo-target");
    demo.target = null;
  } catch (e) {
    button.disabled = false;
    (panes[step.pane - 1] || panes[0]).failed(e);
  }
}

async function startDemo() {
  const box = demoBox();
  box.querySelector(".next").addEventListener("click", nextStep);
  box.querySelector(".back").addEventListener("click", previousStep);
  const doIt = box.querySelector(".do");
  doIt.addEventListener("click", () => demoAction(doIt));
  await loadDemo();
  renderDemo();
}

async function refreshWorld() {
  world = await api("/emu/api/world");
}

async function main() {
  texts = (await api("/emu/api/texts")).texts;
  await refreshWorld();
  const container = document.getElementById("panes");
  const template = document.getElementById("pane-template");
  const starts = [world.people[0], world.people[2] || world.people[0]];
  starts.forEach((person, index) => {
    const node = template.content.firstElementChild.cloneNode(true);
    node.dataset.testid = `pane-${index + 1}`;
    container.append(node);
    const pane = new Pane(node, person.id, person.id);
    panes.push(pane);
    pane.select(person.id, person.id);
  });
  applyPageTexts();
  clockLoop();
  startDemo();
}

main();
