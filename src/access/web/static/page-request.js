import { api } from "./api.js";
import { announce, fill, h, safeLink } from "./dom.js";
import { variableFields } from "./schema-form.js";

/**
 * Request a new environment: repository, template, the template's variables (a form made from
 * their JSON Schema), name, owner and lifetime. The server validates it as it would a pull
 * request, then opens the pull request that adds the definition.
 */
export async function requestPage(main, { session }) {
  const repositories = (await api("/api/v1/repositories")).items.filter((r) => ["admin", "maintain", "write"].includes(r.permission));
  if (repositories.length === 0) {
    fill(main, h("h1", {}, "Request an environment"), h("p", {}, "You cannot request environments: you have write permission on none of the repositories envbot keeps environments for."));
    return;
  }
  const repository = h("select", { id: "request-repository", name: "repository" }, repositories.map((r) => h("option", { value: r.repository }, r.repository)));
  const template = h("select", { id: "request-template", name: "template", required: true });
  const templateHint = h("p", { class: "hint", id: "request-template-hint" });
  const variables = h("fieldset", { id: "request-variables" }, h("legend", {}, "Variables"));
  const top = {
    name: field("name", "Name", h("input", { id: "request-name", name: "name", required: true, pattern: "[a-z][a-z0-9\\-]{0,38}[a-z0-9]", maxlength: 40 }), "2 to 40 lowercase letters, digits and '-', starting with a letter."),
    owner: field("owner", "Owner", h("input", { id: "request-owner", name: "owner", value: `@${session.login}` }), "A GitHub user (@user) or team (@org/team): gets expiry warnings and drift issues."),
    ttl: field("ttl", "Lifetime (ttl)", h("input", { id: "request-ttl", name: "ttl", value: "72h", pattern: "[1-9][0-9]{0,5}[mhd]" }), "Like 8h, 72h or 7d, counted from the first apply. Empty: as long as the repository allows."),
    description: field("description", "Description", h("input", { id: "request-description", name: "description", maxlength: 1024 })),
  };
  const problems = h("div", { id: "request-problems", role: "alert" });
  const result = h("div", { id: "request-result", role: "status" });
  let form = null;
  let templates = [];

  async function loadTemplates() {
    templates = (await api(`/api/v1/repositories/${repository.value}/templates`)).items;
    fill(template, ...templates.map((t) => h("option", { value: t.name }, t.name)));
    showTemplate();
  }
  function showTemplate() {
    const chosen = templates.find((t) => t.name === template.value);
    templateHint.textContent = chosen?.description ?? "";
    form = variableFields(chosen?.variables, "variable");
    fill(variables, h("legend", {}, "Variables"), ...(form.elements.length ? form.elements : [h("p", { class: "muted" }, "This template takes no variables.")]));
  }
  repository.addEventListener("change", loadTemplates);
  template.addEventListener("change", showTemplate);

  async function submit(event) {
    event.preventDefault();
    fill(problems);
    fill(result);
    form.clearProblems();
    for (const f of Object.values(top)) f.showProblem("");
    const body = { name: top.name.control.value.trim(), template: template.value, variables: form.values() };
    for (const key of ["owner", "ttl", "description"]) if (top[key].control.value.trim()) body[key] = top[key].control.value.trim();
    try {
      const created = await api(`/api/v1/repositories/${repository.value}/environments`, { method: "POST", body });
      fill(result, h("div", { class: "panel" }, h("p", {}, "Requested. Review and merge ", safeLink(created.pullRequest.url, `pull request #${created.pullRequest.number}`), ` to create ${body.name}.`), h("pre", { class: "log" }, created.definition)));
      announce(`Pull request ${created.pullRequest.number} opened`);
    } catch (error) {
      const unplaced = [];
      for (const problem of error.problem?.errors ?? [{ field: "body", message: error.message }]) {
        const variable = /^body\.variables\.([^.[]+)/.exec(problem.field)?.[1];
        const topField = /^body\.(name|owner|ttl|description|expiresAt)$/.exec(problem.field)?.[1];
        if (variable && form.showProblem(variable, problem.message)) continue;
        if (topField && top[topField]) top[topField].showProblem(problem.message);
        else unplaced.push(`${problem.field === "body" ? "" : `${problem.field.replace(/^body\./, "")}: `}${problem.message}`);
      }
      fill(problems, h("p", { class: "error" }, "The request was not accepted. Fix what is marked and send it again."), unplaced.length ? h("ul", { class: "error" }, unplaced.map((p) => h("li", {}, p))) : null);
      announce("The request was not accepted");
    }
  }

  fill(main, 
    h("h1", {}, "Request an environment"),
    h(
      "form",
      { class: "form", id: "request-form", onsubmit: submit, novalidate: false },
      h("div", { class: "field" }, h("label", { for: "request-repository" }, "Repository"), repository),
      h("div", { class: "field" }, h("label", { for: "request-template" }, "Template"), template, templateHint),
      top.name.element,
      variables,
      top.owner.element,
      top.ttl.element,
      top.description.element,
      problems,
      h("div", {}, h("button", { type: "submit" }, "Open the pull request")),
    ),
    result,
  );
  await loadTemplates();
}

function field(name, label, control, hint) {
  const id = control.id;
  const problem = h("p", { class: "problem", id: `${id}-problem` });
  control.setAttribute("aria-describedby", [hint ? `${id}-hint` : null, `${id}-problem`].filter(Boolean).join(" "));
  return {
    control,
    element: h("div", { class: "field" }, h("label", { for: id }, label), control, hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null, problem),
    showProblem(message) {
      problem.textContent = message;
      if (message) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
    },
  };
}
