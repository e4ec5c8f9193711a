import { api } from "./api.js";
import { announce, confirmDialog, fill, h } from "./dom.js";
import { when } from "./format.js";

/** The signed-in person's API tokens: create one (shown once), revoke one. */
export async function tokensPage(main) {
  const list = h("tbody");
  const created = h("div", { role: "status", id: "token-created" });
  const name = h("input", { id: "token-name", name: "name", required: true, maxlength: 100 });
  const repositories = (await api("/api/v1/repositories")).items;
  const boxes = repositories.map((r, i) => ({ repository: r.repository, box: h("input", { type: "checkbox", id: `token-repo-${i}`, value: r.repository }) }));

  async function load() {
    const tokens = (await api("/api/v1/tokens")).items;
    fill(list, 
      ...(tokens.length
        ? tokens.map((t) =>
            h(
              "tr",
              {},
              h("td", { "data-label": "Name" }, t.name),
              h("td", { "data-label": "Repositories" }, t.repositories.join(", ")),
              h("td", { "data-label": "Created" }, when(t.createdAt)),
              h("td", { "data-label": "Last used" }, t.lastUsedAt ? when(t.lastUsedAt) : "never"),
              h("td", {}, h("button", { type: "button", class: "danger", onclick: async () => (await confirmDialog({ title: `Revoke ${t.name}?`, text: "Anything using it stops working at once.", confirm: "Revoke", danger: true })) && (await api(`/api/v1/tokens/${t.id}`, { method: "DELETE" }), announce("Token revoked"), load()) }, "Revoke")),
            ),
          )
        : [h("tr", {}, h("td", { colspan: 5 }, "You have no tokens."))]),
    );
  }

  async function create(event) {
    event.preventDefault();
    try {
      const token = await api("/api/v1/tokens", { method: "POST", body: { name: name.value.trim(), repositories: boxes.filter((b) => b.box.checked).map((b) => b.repository) } });
      fill(created, h("div", { class: "panel" }, h("p", {}, h("strong", {}, "Copy the token now: it is not shown again.")), h("pre", { class: "log" }, token.token)));
      name.value = "";
      await load();
    } catch (error) {
      fill(created, h("p", { class: "error" }, error.message));
    }
  }

  fill(main, 
    h("h1", {}, "API tokens"),
    h("p", {}, "A token lets automation use envbot's API as you, in the repositories you pick (see /api/v1/openapi.json). envbot keeps only its hash."),
    h(
      "form",
      { class: "form panel", onsubmit: create },
      h("div", { class: "field" }, h("label", { for: "token-name" }, "What it is for"), name),
      h("fieldset", {}, h("legend", {}, "Repositories"), boxes.map((b) => h("div", { class: "checkbox" }, b.box, h("label", { for: b.box.id }, b.repository)))),
      h("div", {}, h("button", { type: "submit" }, "Create token")),
    ),
    created,
    h("h2", {}, "Your tokens"),
    h("table", { class: "cards" }, h("caption", {}, "Tokens you created and have not revoked"), h("thead", {}, h("tr", {}, ["Name", "Repositories", "Created", "Last used", "Actions"].map((t) => h("th", { scope: "col" }, t)))), list),
  );
  await load();
}
