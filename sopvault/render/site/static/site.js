/* sopvault export html: the tree on every page and the search box, from file:// with no
   server. Text from documents is only ever set with textContent, never as HTML. */
(function () {
  "use strict";
  var root = document.body.getAttribute("data-root") || ".";
  var article = document.getElementById("document");
  var current = article ? article.getAttribute("data-id") : null;

  function page(id) {
    return root + "/docs/" + encodeURIComponent(id) + ".html";
  }

  function item(node) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    var id = document.createElement("span");
    a.href = page(node.id);
    id.className = "id";
    id.textContent = node.id;
    a.appendChild(id);
    a.appendChild(document.createTextNode(" " + node.title));
    if (node.id === current) {
      a.className = "current";
      a.setAttribute("aria-current", "page");
    }
    li.appendChild(a);
    if (node.marked) {
      var mark = document.createElement("span");
      mark.className = "mark";
      mark.textContent = node.marked;
      li.appendChild(document.createTextNode(" "));
      li.appendChild(mark);
    }
    if (node.children && node.children.length) {
      li.appendChild(branch(node.children));
    }
    return li;
  }

  function branch(nodes) {
    var ul = document.createElement("ul");
    for (var i = 0; i < nodes.length; i++) {
      ul.appendChild(item(nodes[i]));
    }
    return ul;
  }

  var nav = document.getElementById("tree");
  if (nav && window.SOPVAULT_TREE && !nav.firstElementChild) {
    window.SOPVAULT_TREE.groups.forEach(function (group) {
      var section = document.createElement("section");
      var h2 = document.createElement("h2");
      section.className = "group";
      h2.textContent = group.label;
      section.appendChild(h2);
      section.appendChild(branch(group.nodes));
      nav.appendChild(section);
    });
    var here = nav.querySelector("a.current");
    if (here && here.scrollIntoView) {
      here.scrollIntoView({ block: "center" });
    }
  }

  var box = document.getElementById("search");
  var hits = document.getElementById("hits");
  if (!box || !hits) {
    return;
  }
  var loading = false;

  function load(then) {
    if (window.SOPVAULT_SEARCH) {
      then();
      return;
    }
    if (loading) {
      return;
    }
    loading = true;
    var script = document.createElement("script");
    script.src = root + "/search-index.js";
    script.onload = then;
    document.head.appendChild(script);
  }

  function search() {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    while (hits.firstChild) {
      hits.removeChild(hits.firstChild);
    }
    if (!words.length || !window.SOPVAULT_SEARCH) {
      hits.hidden = true;
      return;
    }
    var found = [];
    window.SOPVAULT_SEARCH.docs.forEach(function (doc) {
      var head = (doc.id + " " + doc.title).toLowerCase();
      var all = head + " " + doc.text;
      var every = function (where) {
        return words.every(function (w) { return where.indexOf(w) >= 0; });
      };
      if (every(all)) {
        found.push({ rank: every(head) ? 0 : 1, doc: doc });
      }
    });
    found.sort(function (a, b) {
      return a.rank - b.rank || (a.doc.id < b.doc.id ? -1 : 1);
    });
    found.slice(0, 50).forEach(function (hit) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      var id = document.createElement("span");
      a.href = page(hit.doc.id);
      id.className = "id";
      id.textContent = hit.doc.id;
      a.appendChild(id);
      a.appendChild(document.createTextNode(" " + hit.doc.title));
      li.appendChild(a);
      if (hit.doc.marked) {
        var mark = document.createElement("span");
        mark.className = "mark";
        mark.textContent = hit.doc.marked;
        li.appendChild(document.createTextNode(" "));
        li.appendChild(mark);
      }
      hits.appendChild(li);
    });
    if (!found.length) {
      var none = document.createElement("li");
      none.className = "none";
      none.textContent = "No document matches.";
      hits.appendChild(none);
    }
    hits.hidden = false;
  }

  box.addEventListener("input", function () { load(search); });
  box.form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = hits.querySelector("a");
    if (first) {
      window.location.href = first.href;
    }
  });
})();
