import { loadSession, signOut } from "./api.js";
import { fill, h } from "./dom.js";
import { environmentPage } from "./page-environment.js";
import { costPage } from "./page-cost.js";
import { environmentsPage } from "./page-environments.js";
import { requestPage } from "./page-request.js";
import { runPage } from "./page-run.js";
import { tokensPage } from "./page-tokens.js";

// The dashboard: one page shell, routed here; every page reads the API with the visitor's session.

const main = document.getElementById("main");
let session = null;
let leaving = new AbortController();

const routes = [
  [/^\/$/, () => (document.title = "Environments · envbot", environmentsPage(main, { signal: leaving.signal })), "environments"],
  [/^\/new$/, () => (document.title = "Request an environment · envbot", requestPage(main, { session })), "new"],
  [/^\/tokens$/, () => (document.title = "API tokens · envbot", tokensPage(main)), "tokens"],
  [/^\/cost$/, () => (document.title = "Cost · envbot", costPage(main)), "cost"],
  [/^\/runs\/(\d+)$/, (id) => (document.title = `Run #${id} · envbot`, runPage(main, { signal: leaving.signal }, id)), null],
  [/^\/environments\/([^/]+\/[^/]+)\/([^/]+)$/, (repository, name) => (document.title = `${name} · envbot`, environmentPage(main, { signal: leaving.signal }, repository, name)), "environments"],
];

async function show() {
  leaving.abort();
  leaving = new AbortController();
  const path = location.pathname;
  for (const [pattern, render, nav] of routes) {
    const match = pattern.exec(path);
    if (!match) continue;
    for (const link of document.querySelectorAll("[data-nav]")) {
      if (link.dataset.nav === nav) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    try {
      await render(...match.slice(1).map(decodeURIComponent));
    } catch (error) {
      fill(main, h("h1", {}, error.status === 404 ? "Not found" : "Something went wrong"), h("p", { class: "error" }, error.message));
    }
    return;
  }
  fill(main, h("h1", {}, "Not found"), h("p", {}, h("a", { href: "/" }, "Back to the environments")));
}

function signInPage() {
  document.title = "Sign in · envbot";
  const returnTo = `${location.pathname}${location.search}`;
  fill(main, 
    h("h1", {}, "Sign in"),
    h("p", {}, "envbot shows the environments of the repositories you can read on GitHub."),
    h("p", {}, h("a", { class: "button", href: `/auth/login?returnTo=${encodeURIComponent(returnTo)}`, id: "sign-in" }, "Sign in with GitHub")),
  );
}

// Links inside the dashboard change the page without reloading it.
document.addEventListener("click", (event) => {
  const link = event.target.closest?.("a[href]");
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || link.target) return;
  const url = new URL(link.href);
  if (url.origin !== location.origin || url.pathname.startsWith("/auth/") || url.pathname.startsWith("/api/")) return;
  event.preventDefault();
  history.pushState(null, "", url.pathname + url.search);
  void show().then(() => main.focus());
});
window.addEventListener("popstate", () => void show());

session = await loadSession().catch(() => null);
const who = document.getElementById("who");
if (!session) {
  signInPage();
} else {
  fill(who, 
    h("span", {}, `Signed in as ${session.login}`),
    h("button", { type: "button", id: "sign-out", onclick: async () => (await signOut(), location.assign("/")) }, "Sign out"),
  );
  await show();
}
