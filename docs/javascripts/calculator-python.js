/* Shape Matters: the shape calculator runs pasted model code with Python, in the browser.
 *
 * Lines of layers are read by python-reader.js and shapes.js, at once. Code with classes or
 * functions (loops, helpers, sub-modules, conditionals: Python as people write it) is run by
 * Python itself: Pyodide, loaded from this site the first time such a paste arrives (never on page
 * load), in a worker (calculator-worker.js), against shape_torch.py, a stand-in for torch that
 * knows shapes only. What it returns has the form of shapes.js's calculate(), for tools.js.
 */

const RUN_LIMIT_MS = 4000; // a paste that runs longer is stopped (a loop without end)
const LOAD_LIMIT_MS = 300000; // the first paste also waits for Python itself (6 MB on a slow connection)

let worker = null;
let loaded = false;
let nextId = 0;

/** Lines of layers (nn.Conv2d(1, 16, 5) one per line, or an nn.Sequential(...)) are read at once;
 * code (a class, a function, an assignment, a loop, a method called on a layer) needs Python. */
export function needsPython(text) {
  return /^[ \t]*(?:class|def|for|while|if|with|try)\b/m.test(text)
    || /^[ \t]*[A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*[ \t]*(?::[^=\n]*)?=(?!=)/m.test(text)
    || /\)\s*\.\s*[A-Za-z_]\w*\s*\(/.test(text);
}

/** "2, 1, 28, 28" (with the batch), or three numbers (then a batch of 2 is put first). */
export function parsePythonShape(text) {
  const cleaned = String(text).trim().replace(/^(?:torch\.Size\(|\(|\[)+/, "").replace(/(?:\)|\])+$/, "");
  const pieces = cleaned.split(/\s*[,x×]\s*|\s+/).filter((piece) => piece !== "");
  if (!pieces.length || !pieces.every((piece) => /^\d+$/.test(piece))) return null;
  const sizes = pieces.map(Number);
  if (sizes.some((size) => size < 1 || size > 1e9) || sizes.length > 6) return null;
  return sizes;
}

function startWorker() {
  worker = new Worker(new URL("./calculator-worker.js", import.meta.url), { type: "module" });
  loaded = false;
  return worker;
}

export function pythonLoaded() {
  return loaded;
}

const DEEPEST = 100; // brackets nested deeper than this: no real model, and Python's parser could run out of stack
const LONGEST_CHAIN = 1000; // operators on one line: likewise for Python's compiler

/** Code Python itself could break on (its stack runs out in the browser): {line, why}, or null. */
export function tooDeep(code) {
  let depth = 0;
  let line = 1;
  let quote = null;
  for (let index = 0; index < code.length; index += 1) {
    const character = code[index];
    if (character === "\n") line += 1;
    if (quote) {
      if (character === "\\") index += 1;
      else if (character === quote || character === "\n") quote = null;
    } else if (character === "'" || character === '"') quote = character;
    else if (character === "#") while (index + 1 < code.length && code[index + 1] !== "\n") index += 1;
    else if ("([{".includes(character)) {
      depth += 1;
      if (depth > DEEPEST) return { line, why: `brackets nested more than ${DEEPEST} deep, which the calculator does not follow` };
    } else if (")]}".includes(character)) depth = Math.max(0, depth - 1);
  }
  const lines = code.split("\n");
  const long = lines.findIndex((text) => (text.match(/[-+*\/%@&|^]/g) || []).length > LONGEST_CHAIN);
  if (long >= 0) return { line: long + 1, why: `more than ${LONGEST_CHAIN} operators on one line, which the calculator does not follow` };
  return null;
}

/** The answer for this code and shape: a calculate()-like result, or {failure}. */
export function runInPython(code, sizes, batchGiven) {
  const deep = tooDeep(code);
  if (deep) {
    const source = code.split("\n")[deep.line - 1].trim().slice(0, 200);
    const error = { line: deep.line, source, stage: "read", type: null, message: deep.why, hint: [] };
    return Promise.resolve({ answer: { mode: "python", input: sizes, batchGiven, rows: [], error, flatten: null, suggestion: null, notes: [], output: null } });
  }
  if (!worker) startWorker();
  const id = ++nextId;
  const current = worker;
  return new Promise((resolve) => {
    const limit = loaded ? RUN_LIMIT_MS : LOAD_LIMIT_MS;
    const timer = setTimeout(() => {
      current.terminate();
      if (worker === current) worker = null;
      resolve({ failure: loaded ? `your code ran for more than ${RUN_LIMIT_MS / 1000} seconds without finishing (a loop that never ends?), so it was stopped` : "Python did not load: reload the page to try again" });
    }, limit);
    const listener = (event) => {
      if (event.data.id !== id) return;
      clearTimeout(timer);
      current.removeEventListener("message", listener);
      loaded = true;
      if (event.data.fatal) {
        current.terminate();
        if (worker === current) worker = null;
      }
      resolve(event.data);
    };
    current.addEventListener("message", listener);
    current.addEventListener("error", (event) => {
      clearTimeout(timer);
      if (worker === current) worker = null;
      resolve({ failure: `Python could not start (${event.message || "the worker failed"})` });
    }, { once: true });
    current.postMessage({ id, code, shape: sizes, batchGiven });
  });
}
