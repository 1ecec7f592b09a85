// The practice page: several people at once, each pane one person in one chat.
"use strict";

const ALLOWED_TAGS = new Set(["B", "STRONG", "I", "EM", "U", "INS", "S", "STRIKE", "DEL",
  "CODE", "PRE", "A", "BLOCKQUOTE", "SPAN", "TG-SPOILER", "BR"]);

let world = { people: [], groups: [], bot: {} };

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  if (!response.ok) throw new Error(await response.text());
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

function serviceText(message) {
  const name = (message.from && message.from.first_name) || "";
  if (message.new_chat_members) {
    return message.new_chat_members.map((m) => m.is_bot
      ? `${name} heeft ${m.first_name} aan de groep toegevoegd`
      : `${m.first_name} is lid geworden van de groep`).join(", ");
  }
  if (message.left_chat_member) return `${message.left_chat_member.first_name} heeft de groep verlaten`;
  if (message.migrate_to_chat_id) return "Deze groep is nu een supergroep (verder in de nieuwe groep)";
  if (message.migrate_from_chat_id) return "Deze supergroep kwam voort uit een gewone groep";
  return null;
}

class Pane {
  constructor(root, personId, chatId) {
    this.root = root;
    this.personId = personId;
    this.chatId = chatId;
    this.version = -1;
    this.seenToasts = new Set();
    this.generation = 0;
    root.querySelector(".composer").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = root.querySelector("input[name=text]");
      const text = input.value.trim();
      if (!text) return;
      input.value = "";
      this.send(text);
    });
    root.querySelector(".voice").addEventListener("click", () =>
      api("/emu/api/voice", { user_id: this.personId, chat_id: this.chatId, duration: 4 })
        .catch((e) => this.toast(`Niet gelukt: ${e.message}`, true)));
    for (const button of root.querySelectorAll(".more button")) {
      button.addEventListener("click", () => this.groupAction(button.dataset.action));
    }
  }

  async send(text) {
    try {
      await api("/emu/api/send", { user_id: this.personId, chat_id: this.chatId, text });
    } catch (e) {
      this.toast(`Niet verstuurd: ${e.message}`, true);
    }
  }

  async groupAction(action) {
    const group = world.groups.find((g) => g.id === this.chatId);
    const chatId = group ? group.id : (world.groups[0] || {}).id;
    try {
      await api("/emu/api/group", { action, chat_id: chatId, user_id: this.personId });
    } catch (e) {
      this.toast(`Niet gelukt: ${e.message}`, true);
    }
  }

  toast(text, alert) {
    const box = this.root.querySelector(".toast");
    box.textContent = text;
    box.classList.toggle("alert", Boolean(alert));
    box.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => { box.hidden = true; }, alert ? 8000 : 4000);
  }

  renderPickers() {
    const people = this.root.querySelector(".people");
    people.replaceChildren(...world.people.map((p) => {
      const b = document.createElement("button");
      b.type = "button";
      b.setAttribute("aria-pressed", String(p.id === this.personId));
      b.dataset.person = p.name;
      b.innerHTML = `${p.name} <small></small>`;
      b.querySelector("small").textContent = p.role ? `(${p.role})` : "";
      b.addEventListener("click", () => this.select(p.id, p.id));
      return b;
    }));
    const chats = this.root.querySelector(".chats");
    const options = [{ id: this.personId, title: "Privé met Omkijkbot" }];
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
    this.renderPickers();
    this.root.querySelector(".messages").replaceChildren();
    this.root.querySelector(".reply-keyboard").replaceChildren();
    this.loop();
  }

  renderMessages(messages) {
    const list = this.root.querySelector(".messages");
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    const botId = world.bot.id;
    let keyboard = null;
    const items = messages.map((m) => {
      const li = document.createElement("li");
      const service = serviceText(m);
      if (service) {
        li.className = "service";
        li.textContent = service;
        return li;
      }
      const fromBot = m.from.id === botId;
      li.className = fromBot ? "from-bot" : (m.from.id === this.personId ? "from-me" : "from-other");
      li.dataset.messageId = m.message_id;
      const sender = document.createElement("span");
      sender.className = "sender";
      sender.textContent = fromBot ? world.bot.first_name : m.from.first_name;
      const bubble = document.createElement("div");
      bubble.className = "bubble";
      if (m._html) bubble.innerHTML = safeHtml(m._html);
      else if (m.text !== undefined) bubble.textContent = m.text;
      else if (m.voice) bubble.textContent = `🎤 Spraakbericht (${m.voice.duration} s)`;
      else if (m.photo) bubble.textContent = "🖼️ Afbeelding" + (m.caption ? `: ${m.caption}` : "");
      else if (m.document) bubble.textContent = `📄 ${m.document.file_name}` + (m.caption ? `: ${m.caption}` : "");
      else bubble.textContent = "…";
      li.append(sender, bubble);
      if (fromBot && m.reply_markup && m.reply_markup.inline_keyboard) {
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
              }).catch((e) => this.toast(`Niet gelukt: ${e.message}`, true)));
            }
            r.append(b);
          }
          kb.append(r);
        }
        li.append(kb);
      }
      if (fromBot && m._keyboard) keyboard = m._keyboard;
      return li;
    });
    if (!items.length) {
      const li = document.createElement("li");
      li.className = "empty";
      li.textContent = this.chatId === this.personId
        ? "Nog geen berichten. Typ /start of druk op Verstuur om te beginnen."
        : "Nog geen berichten in deze groep.";
      items.push(li);
    }
    list.replaceChildren(...items);
    if (atBottom || this.version <= 0) list.scrollTop = list.scrollHeight;
    this.renderReplyKeyboard(keyboard);
  }

  // A t.me/<bot>?start=<code> link opens the private chat and sends /start <code>.
  openLink(url) {
    const match = /^https:\/\/t\.me\/([^?]+)\?start=(.+)$/.exec(url);
    if (match && match[1] === world.bot.username) {
      this.select(this.personId, this.personId);
      this.send(`/start ${decodeURIComponent(match[2])}`);
    } else {
      this.toast(`Link: ${url}`);
    }
  }

  renderReplyKeyboard(keyboard) {
    const box = this.root.querySelector(".reply-keyboard");
    if (!keyboard || keyboard.remove_keyboard || !keyboard.keyboard || this.chatId !== this.personId) {
      box.replaceChildren();
      return;
    }
    box.replaceChildren(...keyboard.keyboard.map((row) => {
      const r = document.createElement("div");
      r.className = "row";
      for (const button of row) {
        const text = typeof button === "string" ? button : button.text;
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = text;
        if (button.request_contact) {
          b.addEventListener("click", () => api("/emu/api/contact", { user_id: this.personId })
            .catch((e) => this.toast(`Niet gelukt: ${e.message}`, true)));
        } else {
          b.addEventListener("click", () => this.send(text));
        }
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
          this.renderPickers();
          this.renderMessages(view.messages);
          for (const t of view.toasts) {
            if (!this.seenToasts.has(t.n)) {
              this.seenToasts.add(t.n);
              if (this.version >= 0 && t.url) this.openLink(t.url);
              else if (this.version >= 0) this.toast(t.text, t.alert);
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

async function refreshWorld() {
  world = await api("/emu/api/world");
}

async function main() {
  await refreshWorld();
  const container = document.getElementById("panes");
  const template = document.getElementById("pane-template");
  const starts = [world.people[0], world.people[2] || world.people[0]];
  starts.forEach((person, index) => {
    const node = template.content.firstElementChild.cloneNode(true);
    node.dataset.testid = `pane-${index + 1}`;
    container.append(node);
    const pane = new Pane(node, person.id, person.id);
    pane.select(person.id, person.id);
  });
}

main();
