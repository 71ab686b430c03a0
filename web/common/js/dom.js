// Building the page from elements and text nodes only: user text (subjects, messages, names) is
// never parsed as markup.

/**
 * An element: `props` are attributes, except `class`, `text` (its text content) and `on<event>`
 * (listeners); null, undefined and false props are left out. Children are nodes or text.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") element.className = value;
    else if (name === "text") element.textContent = value;
    else if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

/** Appends children (nested arrays flattened, null and false skipped, the rest as text). */
export function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Replaces the content of `element` with `children`. */
export function replace(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}

/** Says `message` to screen readers through the page's polite live region. */
export function announce(message) {
  const region = document.getElementById("announcer");
  region.textContent = "";
  window.setTimeout(() => { region.textContent = message; }, 50);
}
