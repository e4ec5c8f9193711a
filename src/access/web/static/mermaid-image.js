import { h } from "./dom.js";

// Mermaid source drawn as a picture, under the dashboard's CSP (style-src 'self': no inline
// styles; script-src 'self': no eval). Mermaid itself is loaded only when a page draws.

const MERMAID_SCRIPT = "/assets/vendor/mermaid.min.js";
/** A namespace no browser knows: a <style> made in it is never applied to the page. */
const INERT = "urn:envbot:inert";

let mermaidLoaded = null;
/** Drawings one at a time: each swaps DOM methods for the time it draws (see withoutInlineStyles). */
let drawing = Promise.resolve();
let drawn = 0;

/**
 * An <img> of the diagram, with `alt` as its text; rejects when Mermaid cannot be loaded or
 * cannot draw the source. The SVG is shown as a data: URL (img-src allows data:): as an image it
 * runs no script and loads nothing, and the page's CSP does not apply to the styles inside it.
 */
export function mermaidImage(source, alt) {
  const image = drawing.then(async () => {
    const mermaid = await loadMermaid();
    const { svg } = await withoutInlineStyles(() => mermaid.render(`mermaid-drawing-${++drawn}`, source));
    const img = h("img", { alt, src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(asXml(svg))}` });
    await img.decode();
    return img;
  });
  drawing = image.catch(() => undefined);
  return image;
}

function loadMermaid() {
  mermaidLoaded ??= new Promise((resolve, reject) => {
    const script = h("script", { src: MERMAID_SCRIPT });
    script.addEventListener("load", () => {
      window.mermaid.initialize({
        startOnLoad: false,
        // "strict" and "antiscript" end with a DOMPurify pass that parses the SVG's style
        // attributes and <style> again, and the CSP refuses each (a violation per attribute).
        // The picture is shown only as an <img>, where nothing in it can run or be clicked.
        securityLevel: "loose",
        // Labels as SVG text: no HTML inside the picture.
        htmlLabels: false,
        // At its natural size (the page scales it down to fit); addresses wrapped late.
        flowchart: { htmlLabels: false, useMaxWidth: false, wrappingWidth: 360 },
        suppressErrorRendering: true,
        theme: "neutral",
        // The dashboard's own font.
        fontFamily: getComputedStyle(document.documentElement).fontFamily,
      });
      resolve(window.mermaid);
    });
    script.addEventListener("error", () => {
      mermaidLoaded = null;
      script.remove();
      reject(new Error("the diagram library could not be loaded"));
    });
    document.head.append(script);
  });
  return mermaidLoaded;
}

/**
 * Runs `draw` with Mermaid's inline styles kept from the CSP, which would refuse each and report
 * it. Mermaid lays the drawing out in the page to measure its text, so its styles must apply
 * there, through CSSOM, which the CSP leaves to script: a style attribute is set as
 * element.style, and the rules of a <style> element are adopted as a constructed stylesheet
 * while the element itself is made in an unknown namespace (the page never processes it; it is
 * still written into the SVG, where the <img> applies it). Mermaid 11 fills its <style> through
 * innerHTML. Everything is put back when drawing ends.
 */
async function withoutInlineStyles(draw) {
  const { setAttribute } = Element.prototype;
  const { createElement } = Document.prototype;
  const adopted = [];
  Element.prototype.setAttribute = function (name, value) {
    if (String(name).toLowerCase() === "style" && this.style) this.style.cssText = String(value);
    else setAttribute.call(this, name, value);
  };
  Document.prototype.createElement = function (name, options) {
    if (String(name).toLowerCase() !== "style") return createElement.call(this, name, options);
    const style = this.createElementNS(INERT, "style");
    const sheet = new CSSStyleSheet();
    Object.defineProperty(style, "innerHTML", {
      get: () => style.textContent,
      set: (css) => {
        style.textContent = css;
        sheet.replaceSync(css);
      },
    });
    adopted.push(sheet);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    return style;
  };
  try {
    return await draw();
  } finally {
    Element.prototype.setAttribute = setAttribute;
    Document.prototype.createElement = createElement;
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((sheet) => !adopted.includes(sheet));
  }
}

/**
 * Mermaid's SVG is written for HTML: made well-formed XML for an image. A label's entity code
 * (#34; for a quote) becomes "&#34;" in SVG text, escaped once more when written out.
 */
function asXml(svg) {
  return svg.replace(/&amp;(#\d+;)/g, "&$1").replaceAll("&nbsp;", "&#160;");
}
