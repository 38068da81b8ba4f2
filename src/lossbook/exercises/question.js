/* lossbook: a predict question answered in the page, with no kernel.
 *
 * The page holds no answer: only, for each answer worth a reply (the right ones,
 * the classic mistakes), the SHA-256 of the normalised answer and the reply
 * encrypted with a key made from that same answer. Typing it is the only way to
 * read the reply. See lossbook/exercises/_page.py, which writes the data.
 */
(function () {
  "use strict";
  if (window.lossbookQuestion) return;

  var K = [];
  (function () {  // SHA-256 round constants: cube roots of the first 64 primes
    var n = 2, found = 0;
    while (found < 64) {
      var prime = true;
      for (var d = 2; d * d <= n; d++) if (n % d === 0) { prime = false; break; }
      if (prime) { K[found++] = (Math.pow(n, 1 / 3) % 1) * 4294967296 | 0; }
      n++;
    }
  })();

  function sha256(bytes) {
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var length = bytes.length, total = ((length + 9 + 63) >> 6) << 6;
    var data = new Uint8Array(total);
    data.set(bytes);
    data[length] = 0x80;
    var bits = length * 8;
    for (var i = 0; i < 4; i++) data[total - 1 - i] = (bits / Math.pow(2, 8 * i)) & 255;
    var w = new Int32Array(64);
    for (var block = 0; block < total; block += 64) {
      for (i = 0; i < 16; i++) {
        var o = block + 4 * i;
        w[i] = (data[o] << 24) | (data[o + 1] << 16) | (data[o + 2] << 8) | data[o + 3];
      }
      for (i = 16; i < 64; i++) {
        var a15 = w[i - 15], a2 = w[i - 2];
        var s0 = ((a15 >>> 7) | (a15 << 25)) ^ ((a15 >>> 18) | (a15 << 14)) ^ (a15 >>> 3);
        var s1 = ((a2 >>> 17) | (a2 << 15)) ^ ((a2 >>> 19) | (a2 << 13)) ^ (a2 >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      var v = h.slice();
      for (i = 0; i < 64; i++) {
        var e = v[4], a = v[0];
        var t1 = (v[7] + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7)))
          + ((e & v[5]) ^ (~e & v[6])) + K[i] + w[i]) | 0;
        var t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10)))
          + ((a & v[1]) ^ (a & v[2]) ^ (v[1] & v[2]))) | 0;
        v = [(t1 + t2) | 0, a, v[1], v[2], (v[3] + t1) | 0, v[4], v[5], v[6]];
      }
      for (i = 0; i < 8; i++) h[i] = (h[i] + v[i]) | 0;
    }
    var out = new Uint8Array(32);
    for (i = 0; i < 32; i++) out[i] = (h[i >> 2] >>> (24 - 8 * (i & 3))) & 255;
    return out;
  }

  var utf8 = new TextEncoder();
  function digest(parts) { return sha256(utf8.encode(parts.join("\u001f"))); }
  function hex(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) s += (bytes[i] + 256).toString(16).slice(1);
    return s;
  }

  /* The reply for a normalised answer, or null when the page knows nothing about it. */
  function reply(spec, answer) {
    var sealed = spec.replies[hex(digest([spec.salt, "id", answer])).slice(0, 24)];
    if (!sealed) return null;
    var bytes = Uint8Array.from(atob(sealed), function (c) { return c.charCodeAt(0); });
    for (var start = 0; start < bytes.length; start += 32) {
      var key = digest([spec.salt, "key", answer, String(start / 32)]);
      for (var i = start; i < Math.min(start + 32, bytes.length); i++) bytes[i] ^= key[i - start];
    }
    return JSON.parse(new TextDecoder().decode(bytes));
  }

  /* What the reader gave, normalised as _page.py does; null if nothing usable. */
  function normalised(spec, root) {
    if (spec.mode === "choice") {
      var picked = root.querySelector("input[type=radio]:checked");
      return picked ? picked.value.trim().toLowerCase() : null;
    }
    var text = root.querySelector("input[type=text]").value.trim();
    if (spec.mode === "text") return text ? text.replace(/\s+/g, " ").toLowerCase() : null;
    var number = Number(text.replace(/\u2212/g, "-").replace(/^([-+]?\d*),(\d+)$/, "$1.$2"));
    if (!text || !isFinite(number)) return null;
    return String(Math.round(number * Math.pow(10, spec.decimals)) + 0);  // + 0 turns -0 into 0
  }

  function setUp(root) {
    if (!root || root.dataset.ready) return;
    root.dataset.ready = "1";
    var spec = JSON.parse(root.dataset.spec);
    var feedback = root.querySelector(".lossbook-question-feedback");
    var hintButton = root.querySelector(".lossbook-question-hint-button");
    var hint = root.querySelector(".lossbook-question-hint");
    root.querySelector(".lossbook-question-form").hidden = false;
    root.querySelector(".lossbook-question-kernel").hidden = true;

    function check() {
      var answer = normalised(spec, root);
      root.classList.remove("lossbook-right", "lossbook-wrong");
      if (answer === null) {
        feedback.textContent = spec.words.empty;
        return;
      }
      var found = reply(spec, answer);
      var right = !!(found && found.ok);
      root.classList.add(right ? "lossbook-right" : "lossbook-wrong");
      feedback.textContent = (right ? spec.words.right : spec.words.wrong)
        + (found && found.m ? " " + found.m : right ? "" : " " + spec.words.again);
    }
    root.querySelector(".lossbook-question-check").addEventListener("click", check);
    root.querySelectorAll("input").forEach(function (input) {
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); check(); }
      });
    });
    hintButton.addEventListener("click", function () {
      var show = hint.hidden;
      hint.hidden = !show;
      hintButton.setAttribute("aria-expanded", String(show));
      hintButton.textContent = show ? spec.words.hideHint : spec.words.showHint;
    });
  }

  window.lossbookQuestion = setUp;
})();
