// Builds the page from data with textContent and attributes only: nothing from the API is ever
// parsed as HTML.

/** h("a", {href: "/x", class: "y"}, "text", child) */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

/** Replaces an element's content; like h, leaves out null, undefined and false, and flattens lists. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Says something to screen readers (a polite live region). */
export function announce(text) {
  const region = document.getElementById("announcer");
  region.textContent = "";
  setTimeout(() => (region.textContent = text), 50);
}

/** A link only when the address is http(s): an output could hold anything. */
export function safeLink(url, text) {
  try {
    const parsed = new URL(url, location.href);
    if (parsed.protocol === "http:" || parsed.protocol === "https:") return h("a", { href: parsed.href, rel: "noopener noreferrer" }, text ?? url);
  } catch {}
  return h("span", {}, text ?? String(url));
}

/** Asks for confirmation in a modal dialog (keyboard and screen reader friendly); resolves true or false. */
export function confirmDialog({ title, text, confirm, danger = false, extra }) {
  return new Promise((resolve) => {
    const titleId = `dialog-title-${Math.random().toString(36).slice(2)}`;
    const dialog = h(
      "dialog",
      { "aria-labelledby": titleId },
      h("form", { method: "dialog" }, h("h2", { id: titleId }, title), h("p", {}, text), extra, h("div", { class: "actions" }, h("button", { value: "yes", class: danger ? "danger" : undefined }, confirm), h("button", { value: "no", class: "secondary", autofocus: true }, "Cancel"))),
    );
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "yes");
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
