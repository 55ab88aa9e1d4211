/* Accessible names for the controls that the admin's scripts draw.
 *
 * - The autocomplete (select2) draws a combobox named by the text of its current
 *   choice (aria-labelledby), so an empty one has no name, and marks that text a
 *   read-only textbox without a name. Here the combobox is named by the field's
 *   label (or the column's name that the server gave the hidden <select>) followed
 *   by the choice, and the text is plain text.
 * - The "filter" boxes of a two-list selection carry an icon with aria-label but no
 *   role, which ARIA does not allow: it becomes an image.
 * - An image without alt (the one-time-code QR code) gets the text around it.
 *
 * Runs on every admin page (templates/admin/base_site.html) and on what scripts add
 * later (inline rows, popups), through a MutationObserver.
 */
(function () {
  "use strict";

  let counter = 0;

  function fieldName(select) {
    const own = select.getAttribute("aria-label");
    if (own) return own;
    if (select.id) {
      const label = document.querySelector('label[for="' + CSS.escape(select.id) + '"]');
      if (label) return label.textContent.replace(/:\s*$/, "").trim();
    }
    return select.name || "";
  }

  function nameAutocomplete(container) {
    if (container.dataset.named) return;
    const select = container.previousElementSibling;
    if (!select || select.tagName !== "SELECT") return;
    container.dataset.named = "1";
    const name = fieldName(select);
    const nameNode = document.createElement("span");
    nameNode.id = "select-name-" + ++counter;
    nameNode.hidden = true;
    nameNode.textContent = name;
    container.appendChild(nameNode);
    const rendered = container.querySelector(".select2-selection__rendered");
    if (rendered) {
      rendered.removeAttribute("role");
      rendered.removeAttribute("aria-readonly");
    }
    const combobox = container.querySelector('.select2-selection[role="combobox"]');
    if (combobox) {
      const ids = [nameNode.id];
      if (rendered && rendered.id) ids.push(rendered.id);
      combobox.setAttribute("aria-labelledby", ids.join(" "));
    }
    const search = container.querySelector(".select2-search__field");
    if (search && !search.getAttribute("aria-label")) search.setAttribute("aria-label", name);
  }

  function fix(root) {
    if (!root.querySelectorAll) return;
    for (const container of root.querySelectorAll(".select2-container")) {
      nameAutocomplete(container);
    }
    for (const icon of root.querySelectorAll("span[aria-label]:not([role])")) {
      icon.setAttribute("role", "img");
    }
    for (const image of root.querySelectorAll("img:not([alt])")) {
      const text = (image.closest("p, div, td") || image).textContent.trim();
      image.setAttribute("alt", text || image.title || "");
    }
  }

  function start() {
    fix(document);
    new MutationObserver((changes) => {
      for (const change of changes) {
        for (const node of change.addedNodes) {
          if (node.nodeType !== 1) continue;
          if (node.matches(".select2-container")) nameAutocomplete(node);
          fix(node);
        }
      }
    }).observe(document.body, {childList: true, subtree: true});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  window.addEventListener("load", () => fix(document));
})();
