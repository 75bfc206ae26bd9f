/* The shape calculator's Python: Pyodide in a worker, so that the page never freezes and a paste
 * that runs forever can be stopped (calculator-python.js ends the worker).
 * It runs the pasted code with shape_torch.py standing in for torch, and answers with a JSON dict.
 */
import { loadPyodide } from "../pyodide/pyodide.mjs";

const ready = (async () => {
  const pyodide = await loadPyodide({ indexURL: new URL("../pyodide/", import.meta.url).href });
  const source = await (await fetch(new URL("./shape_torch.py", import.meta.url))).text();
  pyodide.FS.writeFile("/home/pyodide/shape_torch.py", source);
  pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide'); sys.setrecursionlimit(600); import shape_torch, json");
  return pyodide;
})();

self.onmessage = async (event) => {
  const { id, code, shape, batchGiven } = event.data;
  try {
    const pyodide = await ready;
    pyodide.globals.set("pasted_code", code);
    pyodide.globals.set("pasted_shape", pyodide.toPy(shape));
    pyodide.globals.set("batch_given", batchGiven);
    const answer = pyodide.runPython("json.dumps(shape_torch.run(pasted_code, list(pasted_shape), batch_given))");
    self.postMessage({ id, answer: JSON.parse(answer) });
  } catch (error) {
    // Python itself broke (its stack ran out): this worker is done, the page starts a new one.
    self.postMessage({ id, failure: "Python itself ran out of room on this paste (too deeply nested or recursive)", fatal: true });
  }
};
