/* The two tool pages: read the fields, ask shapes.js, show the answer.
 *
 * Everything the reader typed reaches the page as text nodes only (textContent, never innerHTML),
 * so nothing pasted is ever interpreted as markup.
 */
import { decodeError, SUPPORTED_MESSAGES } from "./error-decoder.js";
import { calculate } from "./shapes.js";
import { needsPython, parsePythonShape, pythonLoaded, runInPython, tooDeep } from "./calculator-python.js";

const UPDATE_DELAY_MS = 150; // one update per pause in typing, not one per key
const LONGEST_SOURCE = 120;

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

/** Parts from shapes.js: strings, {code}, {strong}, {link, href}. */
function renderParts(parts) {
  const fragment = document.createDocumentFragment();
  for (const part of parts) {
    if (typeof part === "string") fragment.append(document.createTextNode(part));
    else if ("code" in part) fragment.append(element("code", {}, part.code));
    else if ("strong" in part) fragment.append(element("strong", {}, part.strong));
    else if ("link" in part) fragment.append(element("a", { href: part.href }, part.link));
  }
  return fragment;
}

function renderBlocks(blocks) {
  const fragment = document.createDocumentFragment();
  for (const block of blocks) {
    if (block.p) fragment.append(element("p", {}, renderParts(block.p)));
    else if (block.list) fragment.append(element("ul", {}, ...block.list.map((item) => element("li", {}, renderParts(item)))));
    else if (block.fix) fragment.append(element("p", { class: "shape-tool__fix" }, element("code", {}, block.fix)));
  }
  return fragment;
}

/** Each answer is numbered, so that a test (or a curious reader) can tell a new one from the last. */
function countUpdate(output) {
  output.dataset.updates = String(Number(output.dataset.updates || "0") + 1);
}

/** The output answers once per pause in typing. Until then it is marked aria-busy: a screen reader
 * waits for the answer to the text as typed instead of reading one to half of it, and so can a test. */
function whenTyped(fields, output, update) {
  let timer = null;
  const later = () => {
    clearTimeout(timer);
    output.setAttribute("aria-busy", "true");
    timer = setTimeout(() => {
      let answered;
      try {
        answered = update();
      } finally {
        // Never left busy, whatever update() met; an answer that takes longer (the calculator's
        // Python) keeps the output busy until it comes.
        if (!(answered instanceof Promise)) output.removeAttribute("aria-busy");
      }
      if (answered instanceof Promise) {
        answered
          .then((latest) => latest && output.removeAttribute("aria-busy"))
          .catch(() => output.removeAttribute("aria-busy"));
      }
    }, UPDATE_DELAY_MS);
  };
  for (const field of fields) field.addEventListener("input", later);
  const answered = update();
  if (answered instanceof Promise) answered.then((latest) => latest && output.removeAttribute("aria-busy"));
}

const shorten = (source) => (source.length > LONGEST_SOURCE ? `${source.slice(0, LONGEST_SOURCE - 1)}…` : source);
const shapeText = (shape) => `[${shape.map((size) => (size === null ? "N" : String(size))).join(", ")}]`;

// --- The error decoder --------------------------------------------------------------------------

function setUpDecoder(field, output) {
  const update = () => {
    try {
      const result = decodeError(field.value);
      const title = element("p", { class: "shape-tool__title" }, element("strong", {}, result.title));
      const blocks = result.kind === "empty"
        ? [...result.blocks, { p: ["It knows these messages:"] }, { list: SUPPORTED_MESSAGES }]
        : result.blocks;
      output.replaceChildren(title, renderBlocks(blocks));
      output.dataset.kind = result.kind;
    } catch (error) {
      // No stale answer on screen: the previous one is replaced by what went wrong.
      output.replaceChildren(element("p", { class: "shape-tool__title" }, element("strong", {}, "The decoder could not read this paste")),
        element("p", {}, `Something in it stopped the decoder (${String(error).slice(0, 200)}). Nothing here is an answer: paste the last line of the traceback alone.`));
      output.dataset.kind = "internal-error";
    }
    countUpdate(output);
  };
  whenTyped([field], output, update);
  const example = document.getElementById("decoder-example");
  if (example) {
    example.hidden = false;
    example.addEventListener("click", () => {
      field.value = example.dataset.example;
      update();
      field.focus();
    });
  }
}

// --- The shape calculator -----------------------------------------------------------------------

function calculatorSummary(result) {
  const blocks = [];
  const { flatten, suggestion, error } = result;
  if (flatten) {
    const named = flatten.dims.length === 3 ? " (channels × height × width)" : flatten.dims.length === 2 ? " (channels × length)" : "";
    blocks.push({ p: ["Flattened size: ", { strong: String(flatten.size) }, ` = ${flatten.dims.join(" × ")}${named}`, flatten.at === null ? " of the last feature map." : "."] });
  }
  if (suggestion) {
    blocks.push({ p: ["The line to paste:"] }, { fix: suggestion.code });
    if (suggestion.linearSource && flatten && flatten.unflattened) {
      blocks.push({ p: ["Put ", { code: "nn.Flatten()" }, " right before ", { code: shorten(suggestion.linearSource) }, ` (line ${suggestion.linearLine}): without it the Linear layer gets a 4-D tensor and multiplies only its last dimension.`] });
    } else if (suggestion.linearSource && suggestion.lazy) {
      blocks.push({ p: [{ code: shorten(suggestion.linearSource) }, ` (line ${suggestion.linearLine}) will count ${flatten.size} features by itself on the first batch.`] });
    } else if (suggestion.linearSource && suggestion.matches) {
      blocks.push({ p: ["Your ", { code: shorten(suggestion.linearSource) }, ` (line ${suggestion.linearLine}) already takes ${flatten.size} features.`] });
    } else if (suggestion.linearSource) {
      blocks.push({ p: ["It replaces ", { code: shorten(suggestion.linearSource) }, ` on line ${suggestion.linearLine}.`] });
    } else {
      blocks.push({ p: ["Replace ", { code: "<out>" }, " with the number of outputs you want (10 for ten classes)."] });
    }
  }
  if (error) {
    const place = error.line ? [`line ${error.line}, `, { code: shorten(error.source) }, error.via ? ` (as ${error.via})` : ""] : ["your paste"];
    if (error.stage === "syntax") {
      blocks.push({ p: [{ strong: "This is not valid Python: " }, ...place, ", with:"] }, { p: [{ code: `${error.type}: ${error.message}` }] });
    } else if (error.stage === "read") {
      blocks.push({ p: ["The calculator stops at ", ...place, `: ${error.message}.`] });
    } else {
      blocks.push(
        { p: [{ strong: error.stage === "build" ? "torch refuses to build " : "torch stops at " }, ...place, ", with:"] },
        { p: [{ code: `${error.type}: ${error.message}` }] },
      );
      if (error.hint.length) blocks.push({ p: error.hint });
    }
  } else if (result.output) {
    blocks.push({ p: ["Output of the last layer: ", { code: shapeText(result.output) }, "."] });
  }
  return blocks;
}

function calculatorTable(result) {
  const caption = element("caption", {}, "Output shape after each layer");
  const head = element("thead", {}, element("tr", {}, element("th", { scope: "col" }, "Line"), element("th", { scope: "col" }, "Layer"), element("th", { scope: "col" }, "Output shape")));
  const body = element("tbody");
  body.append(element("tr", {}, element("td", {}, ""), element("td", {}, "input"), element("td", {}, element("code", {}, shapeText(result.input)))));
  for (const row of result.rows) {
    const layer = element("td", {}, element("code", {}, shorten(row.source)));
    if (row.via) layer.append(` (${row.via}, forward line ${row.callLine})`);
    body.append(element("tr", {}, element("td", {}, String(row.line)), layer, element("td", {}, element("code", {}, shapeText(row.shape)))));
  }
  if (result.error && result.error.stage !== "build" && result.error.line) {
    const layer = element("td", {}, element("code", {}, shorten(result.error.source)));
    body.append(element("tr", { class: "shape-tool__stop" }, element("td", {}, String(result.error.line)), layer, element("td", {}, "stops here")));
  }
  return element("table", { class: "shape-tool__table" }, caption, head, body);
}

/** Do shapes.js (instant, N for the batch) and Python (batch of 2 when none is given) say the same? */
function agree(fromReader, fromPython, batchGiven) {
  const sameShape = (a, b) => Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((size, i) => size === b[i] || (size === null && i === 0 && !batchGiven));
  if (fromReader.inputError || fromReader.empty) return false;
  const [mine, theirs] = [fromReader.error, fromPython.error];
  if (!mine && !theirs) return sameShape(fromReader.output, fromPython.output);
  // The same refusal: the reader names the line that built the layer, Python the line that ran it.
  if (!mine || !theirs || mine.stage === "read" || theirs.stage === "read") return false;
  return (batchGiven ? mine.message : mine.message.replace(/\bN(?=x\d)/g, "2")) === theirs.message && mine.type === theirs.type;
}

/** Python's first layer refused the number of dimensions it was given. */
function refusedItsRank(reply) {
  const error = reply.answer && reply.answer.error;
  if (!error || error.stage !== "run" || !/\b\dD\b/.test(error.message)) return false;
  return !reply.answer.rows.some((row) => /^nn\.|^F\./.test(row.source));
}

function setUpCalculator(shapeField, layersField, output) {
  let latest = 0;
  const render = (result, answered = result) => {
    const children = [];
    if (result.inputError) {
      children.push(element("p", {}, result.inputError));
    } else if (result.empty) {
      children.push(element("p", {}, "Paste your layers above, one per line, or your whole model class."));
    } else {
      children.push(renderBlocks(calculatorSummary(result)));
      if (result.error && result.error.stage === "build") {
        children.push(element("p", {}, "torch builds every layer before any data flows, so no shape is computed."));
      } else {
        children.push(calculatorTable(result));
        if (result.mode === "python" && !result.batchGiven) children.push(element("p", { class: "shape-tool__help" }, "Python ran your code on a batch of 2 examples: put the batch size first to choose it."));
        else if (!result.batchGiven) children.push(element("p", { class: "shape-tool__help" }, "N is the batch size: give four numbers (batch first) to see torch's messages for your batch."));
      }
      if (result.notes.length) {
        children.push(
          element("p", {}, "Lines left out:"),
          element("ul", {}, ...result.notes.map((note) => element("li", {}, `line ${note.line}, `, element("code", {}, shorten(note.source)), `: ${note.why}`))),
        );
      }
    }
    output.replaceChildren(...children);
    output.dataset.state = result.inputError ? "input-error" : result.error ? "error" : "ok";
    output.dataset.engine = result.mode === "python" ? "python" : "reader";
    // What was answered, for tests and tools: the output shape, or where and how it stopped.
    const stop = answered.error && { stage: answered.error.stage, line: answered.error.line, type: answered.error.type, message: answered.error.message };
    output.dataset.answer = JSON.stringify({ output: answered.output || null, error: stop || null });
    countUpdate(output);
  };
  const failed = (error) => {
    // Never an uncaught error, a stale answer or an output left busy: what broke is said instead.
    const why = error instanceof RangeError ? "it is nested or chained too deeply for the calculator" : "the calculator failed on it";
    output.replaceChildren(element("p", {}, `Nothing computed: ${why}. Shorten or simplify what you pasted.`));
    output.dataset.state = "error";
    output.dataset.answer = JSON.stringify({ output: null, error: { stage: "read", line: null, type: null, message: why } });
    countUpdate(output);
  };
  const update = () => {
    try {
      return answer();
    } catch (error) {
      failed(error);
      return undefined;
    }
  };
  const answer = () => {
    const request = ++latest;
    const code = needsPython(layersField.value);
    let fromReader = { inputError: "not read" }; // then Python answers alone
    try {
      if (!code || !tooDeep(layersField.value)) fromReader = calculate(shapeField.value, layersField.value);
    } catch (error) {
      if (!code) throw error;
    }
    if (!code) {
      render(fromReader);
      return undefined;
    }
    // Code with classes and functions: Python runs it. Until it answers, the output stays busy.
    const sizes = parsePythonShape(shapeField.value);
    if (!sizes) {
      render({ inputError: "The input shape takes whole numbers separated by commas, like 2, 1, 28, 28 (batch first).", rows: [], notes: [] });
      return undefined;
    }
    // Three numbers are one example (channels, height, width), as for layer lines: Python runs a batch
    // of 2. Unless the first layer refuses a tensor of that many dimensions (a Conv1d, an LSTM): then
    // the three numbers are the whole input (batch, channels, length), and Python runs that.
    let batchGiven = sizes.length !== 3 && sizes.length !== 1;
    output.setAttribute("aria-busy", "true");
    output.replaceChildren(element("p", {}, pythonLoaded() ? "Running your code with Python…" : "Loading Python to run your code (about 6 MB, once; it stays in your browser)…"));
    const run = runInPython(layersField.value, batchGiven ? sizes : [2, ...sizes], batchGiven).then((reply) => {
      if (request !== latest || batchGiven || sizes.length !== 3 || !refusedItsRank(reply)) return reply;
      batchGiven = true;
      return runInPython(layersField.value, sizes, true);
    });
    return run.then((reply) => {
      if (request !== latest) return false; // a newer paste is on its way
      if (reply.failure) {
        render({ input: sizes, rows: [], notes: [], batchGiven, mode: "python", error: { line: null, source: "", stage: "read", type: null, message: reply.failure, hint: [] } });
      } else {
        const fromPython = { ...reply.answer, notes: [] };
        // When both agree, the reader's answer is shown (it names the batch N and warns of view traps).
        // A view that silently mixes examples runs in torch: the reader's warning is worth more.
        const trap = fromReader.error && fromReader.error.stage === "read" && / silently /.test(fromReader.error.message);
        if (trap) render(fromReader);
        else render(agree(fromReader, fromPython, batchGiven) ? fromReader : fromPython, fromPython);
      }
      return true;
    }).catch((error) => {
      if (request === latest) failed(error);
      return request === latest;
    });
  };
  whenTyped([shapeField, layersField], output, update);
}

const decoderField = document.getElementById("error-message");
if (decoderField) setUpDecoder(decoderField, document.getElementById("decoder-result"));
const shapeField = document.getElementById("input-shape");
if (shapeField) setUpCalculator(shapeField, document.getElementById("layers"), document.getElementById("calculator-result"));
