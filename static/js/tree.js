/* The structure chart as a collapsible tree: progressive enhancement.
 *
 * Without this script the chart is a nested list with everything shown. With it,
 * every body that has bodies under it gets a disclosure button (aria-expanded,
 * aria-controls) before its name, and the chart gets "collapse all" / "expand all"
 * buttons. The buttons are real <button>s: Tab reaches them, Enter and Space toggle
 * them, and screen readers announce "expanded" / "collapsed". The texts come from
 * data attributes on the chart's root list, so they are translated by Django.
 */
(function () {
  "use strict";

  function toggleFor(item) {
    return item.querySelector(":scope > .tree__node > .tree__toggle");
  }

  function setExpanded(button, expanded) {
    button.setAttribute("aria-expanded", expanded ? "true" : "false");
    var list = document.getElementById(button.getAttribute("aria-controls"));
    if (list) {
      list.hidden = !expanded;
    }
  }

  function enhance(root, index) {
    var labels = root.dataset;
    var buttons = [];
    var items = root.querySelectorAll(".tree__item");
    items.forEach(function (item, n) {
      var children = item.querySelector(":scope > ul");
      var node = item.querySelector(":scope > .tree__node");
      var name = node && node.querySelector(".tree__name");
      if (!children || !node || !name) {
        return;
      }
      children.id = children.id || "tree-" + index + "-" + n;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "tree__toggle";
      button.setAttribute("aria-controls", children.id);
      var icon = document.createElement("span");
      icon.className = "tree__toggle-icon";
      icon.setAttribute("aria-hidden", "true");
      var text = document.createElement("span");
      text.className = "visually-hidden";
      text.textContent = (labels.toggleLabel || "") + " " + name.textContent.trim();
      button.append(icon, text);
      node.insertBefore(button, node.firstChild);
      setExpanded(button, true);
      button.addEventListener("click", function () {
        setExpanded(button, button.getAttribute("aria-expanded") !== "true");
      });
      buttons.push(button);
    });
    if (!buttons.length) {
      return;
    }
    var bar = document.createElement("div");
    bar.className = "tree__controls";
    [
      [labels.expandAll, true],
      [labels.collapseAll, false],
    ].forEach(function (pair) {
      var all = document.createElement("button");
      all.type = "button";
      all.className = "tree__all";
      all.textContent = pair[0];
      all.addEventListener("click", function () {
        buttons.forEach(function (button) {
          setExpanded(button, pair[1]);
        });
      });
      bar.append(all);
    });
    root.parentNode.insertBefore(bar, root);
    root.classList.add("tree--enhanced");
  }

  document.querySelectorAll("ul.tree__roots[data-toggle-label]").forEach(enhance);

  // Collapsing a body moves focus nowhere; Escape on a link inside a list closes
  // that list and puts focus back on its button, as in a tree.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.closest) {
      return;
    }
    var item = event.target.closest(".tree--enhanced .tree__children");
    var owner = item && item.closest(".tree__item");
    var button = owner && toggleFor(owner);
    if (button) {
      setExpanded(button, false);
      button.focus();
    }
  });
})();
