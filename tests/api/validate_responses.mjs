// Checks every response the end-to-end test recorded against docs/api.yaml: the status must be
// documented for the operation, and a JSON body must match its schema (JSON Schema 2020-12, as
// OpenAPI 3.1 uses it).  usage: node validate_responses.mjs API.yaml RESPONSES.jsonl
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "../node/package.json"));
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats");
const YAML = require("yaml");

const [apiFile, responsesFile] = process.argv.slice(2);
const doc = YAML.parse(readFileSync(apiFile, "utf8"));
const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addSchema(doc, "api");

const pointer = (parts) => parts.map((p) => String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
const compiled = new Map();
let checked = 0, failed = 0;
const seen = new Set();
for (const line of readFileSync(responsesFile, "utf8").split("\n")) {
  if (!line.trim()) continue;
  const r = JSON.parse(line);
  const op = doc.paths?.[r.route]?.[r.method.toLowerCase()];
  const where = `${r.method} ${r.path} -> ${r.status}`;
  if (!op) {
    console.error(`FAIL ${where}: route ${r.route} ${r.method} is not in ${apiFile}`);
    failed++;
    continue;
  }
  let status = String(r.status);
  if (!op.responses[status]) {
    console.error(`FAIL ${where}: status ${status} is not documented for ${r.method} ${r.route}`);
    failed++;
    continue;
  }
  seen.add(`${r.method} ${r.route}`);
  let resp = op.responses[status];
  let base = ["paths", r.route, r.method.toLowerCase(), "responses", status];
  if (resp.$ref) {
    base = resp.$ref.slice(2).split("/");
    resp = base.reduce((o, k) => o[k], doc);
  }
  const mediaType = (r.content_type || "").split(";")[0].trim();
  if (!resp.content?.[mediaType]) {
    console.error(`FAIL ${where}: content type "${mediaType}" is not documented`);
    failed++;
    continue;
  }
  checked++;
  if (mediaType !== "application/json") continue;
  const ref = "api#/" + pointer([...base, "content", mediaType, "schema"]);
  if (!compiled.has(ref)) compiled.set(ref, ajv.compile({ $ref: ref }));
  const validate = compiled.get(ref);
  let body;
  try {
    body = JSON.parse(r.body);
  } catch (e) {
    console.error(`FAIL ${where}: body is not JSON: ${e.message}`);
    failed++;
    continue;
  }
  if (!validate(body)) {
    console.error(`FAIL ${where}: ${ajv.errorsText(validate.errors)}\n  body: ${r.body.slice(0, 400)}`);
    failed++;
  }
}
const documented = [];
for (const [p, ops] of Object.entries(doc.paths)) for (const m of Object.keys(ops)) documented.push(`${m.toUpperCase()} ${p}`);
const missing = documented.filter((x) => !seen.has(x));
if (missing.length) {
  console.error(`FAIL operations the test never called: ${missing.join(", ")}`);
  failed++;
}
console.log(`${checked} responses checked against ${apiFile}, ${failed} failures`);
process.exit(failed ? 1 : 0);
