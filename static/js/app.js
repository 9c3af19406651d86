// Tenantry's only script. It is loaded from the portal itself (the CSP
// allows no inline script) and the pages work without it.
(function () {
  "use strict";
  // Ask before a destructive action. A form that should ask carries
  // <input type="hidden" name="_confirm" value="Suspend Acme?">
  // (components.Confirm); on OK the script adds _confirmed=1, which the
  // server takes as the answer. Without this script the server asks on a
  // page of its own before it does anything.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.querySelector) {
      return;
    }
    var ask = form.querySelector('input[name="_confirm"]');
    if (!ask || form.querySelector('input[name="_confirmed"]:not([data-by-script])')) {
      return; // nothing to ask, or the server's confirmation page was answered
    }
    // an answer given before (a page restored by the back button) is
    // asked again
    Array.prototype.forEach.call(form.querySelectorAll('input[name="_confirmed"][data-by-script]'), function (el) {
      el.remove();
    });
    if (!window.confirm(ask.value)) {
      ev.preventDefault();
      return;
    }
    var yes = document.createElement("input");
    yes.type = "hidden";
    yes.name = "_confirmed";
    yes.value = "1";
    yes.setAttribute("data-by-script", "");
    form.appendChild(yes);
  });

  // Brand colours, computed as internal/tenantry/branding.go does: WCAG 2
  // relative luminance and contrast, black or white text on a colour,
  // and a colour darkened until it reads as text on the page.
  function hexColor(s) {
    s = (s || "").trim().toLowerCase();
    return /^#[0-9a-f]{6}$/.test(s) ? s : "";
  }
  function channels(c) {
    return [parseInt(c.substr(1, 2), 16), parseInt(c.substr(3, 2), 16), parseInt(c.substr(5, 2), 16)];
  }
  function toHex(v) {
    return "#" + v.map(function (x) { return (x < 16 ? "0" : "") + x.toString(16); }).join("");
  }
  function luminance(c) {
    var l = channels(c).map(function (v) {
      v = v / 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
  }
  function contrast(a, b) {
    var x = luminance(a), y = luminance(b);
    return x > y ? (x + 0.05) / (y + 0.05) : (y + 0.05) / (x + 0.05);
  }
  function textOn(bg) {
    return contrast(bg, "#000000") > contrast(bg, "#ffffff") ? "#000000" : "#ffffff";
  }
  function inkOn(fg, bg) {
    var v = channels(fg);
    for (var i = 0; i <= 20; i++) {
      var k = 1 - i / 20;
      var d = toHex(v.map(function (x) { return Math.round(x * k); }));
      if (contrast(d, bg) >= 4.5) {
        return d;
      }
    }
    return "#000000";
  }

  // The branding form: colour pickers beside the #rrggbb fields, and a
  // preview that follows the inputs as they change. Without this script
  // the pickers stay hidden and the preview shows the saved branding.
  function brandingForm(form) {
    var preview = form.querySelector("[data-brand-preview]");
    if (!preview) {
      return;
    }
    var field = function (name) { return form.elements.namedItem(name); };
    var pv = function (name) { return preview.querySelector('[data-pv="' + name + '"]'); };

    // a colour being typed ("#ff") keeps the last good one in the
    // preview; an empty field means the default
    var last = {
      primary_color: hexColor(preview.getAttribute("data-saved-primary")),
      accent_color: hexColor(preview.getAttribute("data-saved-accent"))
    };
    function colorOf(name) {
      var v = field(name).value.trim();
      if (v === "") {
        last[name] = "";
      } else if (hexColor(v)) {
        last[name] = hexColor(v);
      }
      return last[name];
    }

    function update() {
      var primary = colorOf("primary_color");
      var accent = colorOf("accent_color");
      if (!primary) {
        primary = preview.getAttribute("data-default-primary");
        if (!accent) {
          accent = preview.getAttribute("data-default-accent");
        }
      }
      accent = accent || primary;
      var st = preview.style; // CSSOM, which the CSP allows
      st.setProperty("--brand", primary);
      st.setProperty("--brand-text", textOn(primary));
      st.setProperty("--brand-ink", inkOn(primary, preview.getAttribute("data-page-background")));
      st.setProperty("--accent", accent);
      st.setProperty("--accent-text", textOn(accent));
      var name = field("display_name").value.trim();
      pv("name").textContent = name || preview.getAttribute("data-fallback-name");
      pv("footer").textContent = field("footer_text").value.trim();
    }

    Array.prototype.forEach.call(form.querySelectorAll("input[data-color-for]"), function (picker) {
      var text = field(picker.getAttribute("data-color-for"));
      picker.hidden = false;
      picker.addEventListener("input", function () {
        text.value = picker.value;
        text.removeAttribute("aria-invalid");
        update();
      });
      text.addEventListener("input", function () {
        picker.value = hexColor(text.value) || picker.getAttribute("data-fallback");
      });
    });

    var logo = field("logo");
    if (logo && logo.files && window.FileReader) {
      logo.addEventListener("change", function () {
        var file = logo.files[0];
        if (!file || !/^image\/(png|jpeg|webp)$/.test(file.type)) {
          return;
        }
        var reader = new FileReader();
        reader.onload = function () {
          pv("logo").src = reader.result; // a data: URL, which the CSP allows for images
          pv("logo").hidden = false;
        };
        reader.readAsDataURL(file);
      });
    }

    form.addEventListener("input", update);
    update();
  }

  // The navigation's <details>: app.css shows it on wide screens even when
  // closed; opening it there too keeps what assistive technology is told
  // (expanded) in step with what is seen, and serves browsers without
  // ::details-content. Phones keep it closed until the user opens it.
  function navMenu(menu) {
    var wide = window.matchMedia && window.matchMedia("(min-width: 761px)");
    if (wide && wide.matches) {
      menu.open = true;
    }
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-branding-form]"), brandingForm);
    Array.prototype.forEach.call(document.querySelectorAll("details[data-nav-menu]"), navMenu);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
