import { h } from "./dom.js";

/**
 * Form fields for a template's variables, made from their JSON Schema: the type picks the
 * control, enum a select, default fills it, description is its hint, required marks it. What
 * the browser cannot check (patterns, combinations) the server's validator does, and its
 * answers are shown at the fields.
 */
export function variableFields(schema, idPrefix) {
  const properties = schema?.properties ?? {};
  const required = new Set(schema?.required ?? []);
  const fields = Object.entries(properties).map(([name, property]) => variableField(name, property, required.has(name), `${idPrefix}-${name}`));
  return {
    elements: fields.map((f) => f.element),
    /** The variables as the request sends them: optional fields left empty are left out. */
    values() {
      const values = {};
      for (const field of fields) {
        const value = field.value();
        if (value !== undefined) values[field.name] = value;
      }
      return values;
    },
    /** Shows the server's problem at the variable it names; false when no field has that name. */
    showProblem(name, message) {
      const field = fields.find((f) => f.name === name);
      if (!field) return false;
      field.showProblem(message);
      return true;
    },
    clearProblems() {
      for (const field of fields) field.showProblem("");
    },
  };
}

function variableField(name, property, required, id) {
  const type = Array.isArray(property.type) ? property.type.find((t) => t !== "null") : property.type;
  const hintId = `${id}-hint`;
  const problemId = `${id}-problem`;
  const described = [property.description ? hintId : null, problemId].filter(Boolean).join(" ");
  let control;
  let read;
  if (Array.isArray(property.enum)) {
    control = h("select", { id, name, required, "aria-describedby": described }, required ? null : h("option", { value: "" }, "(default)"), property.enum.map((option) => h("option", { value: JSON.stringify(option), selected: option === property.default }, String(option))));
    read = () => (control.value === "" ? undefined : JSON.parse(control.value));
  } else if (type === "boolean") {
    control = h("input", { id, name, type: "checkbox", checked: property.default === true, "aria-describedby": described });
    read = () => control.checked;
  } else if (type === "integer" || type === "number") {
    control = h("input", { id, name, type: "number", required, min: property.minimum, max: property.maximum, step: type === "integer" ? 1 : "any", value: property.default, "aria-describedby": described });
    read = () => (control.value === "" ? undefined : Number(control.value));
  } else if (type === "string") {
    const long = (property.maxLength ?? 0) > 200;
    control = h(long ? "textarea" : "input", { id, name, required, maxlength: property.maxLength, minlength: property.minLength, rows: long ? 4 : undefined, "aria-describedby": described });
    if (property.default !== undefined) control.value = property.default;
    read = () => (control.value === "" ? undefined : control.value);
  } else {
    // Objects and arrays: JSON, checked by the server.
    control = h("textarea", { id, name, required, rows: 3, "aria-describedby": described });
    if (property.default !== undefined) control.value = JSON.stringify(property.default);
    read = () => {
      if (control.value.trim() === "") return undefined;
      try {
        return JSON.parse(control.value);
      } catch {
        return control.value;
      }
    };
  }
  const problem = h("p", { class: "problem", id: problemId });
  const element = h(
    "div",
    { class: "field" },
    type === "boolean" ? h("div", { class: "checkbox" }, control, h("label", { for: id }, name)) : [h("label", { for: id }, name, required ? " (required)" : ""), control],
    property.description ? h("p", { class: "hint", id: hintId }, property.description) : null,
    problem,
  );
  return {
    name,
    element,
    value: read,
    showProblem(message) {
      problem.textContent = message;
      if (message) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
    },
  };
}
