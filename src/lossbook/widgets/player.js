// The static slider player of lossbook.widgets (inlined into each slider's HTML).
//
// It draws nothing itself. Every frame was drawn in advance by matplotlib and is
// stored as a base picture and an overlay (see _frames.py). When a control moves,
// this script finds the frame for the controls' positions, paints its base and
// then its overlay into one <canvas> at the pictures' own size (so the two layers
// are merged before the browser scales anything: no ghosts), and updates what
// assistive technology reads: the controls' aria-valuetext, the canvas' label
// (its alt text) and a polite live region that says what the move changed and
// what it did: "confidence 0.55, loss 0.60", also after a -/+ button.
//
// The data sits next to this script, in <script type="application/json"
// class="lb-slider-data">:
//   bases, overlays  lossless WebP pictures as base64 strings
//   offsets          for each overlay, where its top left corner goes: [x, y]
//   baseOf           for each frame, the index of its base
//   strides          frame index = sum of position[k] * strides[k]
//   controls         per control: {labels: readout per position,
//                                  said: the control at each position in words}
//   results          per frame: the result in words ("loss 1.35")
//   alts             per frame: the alt text of the picture
//   joined           how a position and a result are said together:
//                    "{said}, {result}" (in Chinese with a Chinese comma)
(function () {
  "use strict";

  var root = document.currentScript && document.currentScript.closest(".lb-slider");
  if (!root) {
    return;
  }
  var data = JSON.parse(root.querySelector(".lb-slider-data").textContent);
  var canvas = root.querySelector("canvas.lb-slider-frame");
  var painter = canvas.getContext("2d");
  var status = root.querySelector(".lb-slider-status");
  var inputs = Array.prototype.slice.call(
    root.querySelectorAll("input[data-control], select[data-control]"));
  var pictures = {};
  var wanted = -1;

  function picture(base64) {
    // One decoded <img> per picture, made the first time it is needed.
    if (!pictures[base64]) {
      pictures[base64] = new Promise(function (resolve, reject) {
        var image = new Image();
        image.onload = function () { resolve(image); };
        image.onerror = reject;
        image.src = "data:image/webp;base64," + base64;
      });
    }
    return pictures[base64];
  }

  function currentFrame() {
    var frame = 0;
    inputs.forEach(function (input, k) {
      frame += Number(input.value) * data.strides[k];
    });
    return frame;
  }

  function said(k, frame) {
    // Control k at its position, with the frame's result: "confidence 0.55, loss 0.60".
    var words = data.controls[k].said[Number(inputs[k].value)];
    var result = data.results[frame];
    if (!result) {
      return words;
    }
    return data.joined.replace("{said}", function () { return words; })
      .replace("{result}", function () { return result; });
  }

  function describe(frame) {
    inputs.forEach(function (input, k) {
      if (input.type === "range") {
        input.setAttribute("aria-valuetext", said(k, frame));
      }
      var readout = root.querySelector('output[for="' + input.id + '"]');
      if (readout) {
        readout.textContent = data.controls[k].labels[Number(input.value)];
      }
    });
    canvas.setAttribute("aria-label", data.alts[frame]);
  }

  function paint(frame) {
    wanted = frame;
    var base = data.bases[data.baseOf[frame]];
    Promise.all([picture(base), picture(data.overlays[frame])]).then(function (layers) {
      if (wanted !== frame) {
        return;  // the reader has moved on; that frame is painted instead
      }
      painter.drawImage(layers[0], 0, 0);
      painter.drawImage(layers[1], data.offsets[frame][0], data.offsets[frame][1]);
      canvas.setAttribute("data-frame", String(frame));
    });
  }

  function show(moved) {
    // moved: the index of the control the reader moved (none when the page loads)
    var frame = currentFrame();
    describe(frame);
    if (moved !== undefined && status) {
      status.textContent = data.results[frame] ? said(moved, frame) : data.alts[frame];
    }
    paint(frame);
  }

  inputs.forEach(function (input, k) {
    input.addEventListener("input", function () { show(k); });
    input.addEventListener("change", function () { show(k); });
  });

  // The step buttons: the same move as one arrow key press, without dragging.
  root.querySelectorAll("button[data-step]").forEach(function (button) {
    button.addEventListener("click", function () {
      var k = Number(button.getAttribute("data-control"));
      var input = inputs[k];
      var next = Number(input.value) + Number(button.getAttribute("data-step"));
      var last = Number(input.max);
      input.value = String(Math.max(0, Math.min(last, next)));
      show(k);
    });
  });

  show();
})();
