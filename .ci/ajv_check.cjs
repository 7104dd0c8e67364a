// Compile JSON Schemas with ajv (draft 2020-12) in strict mode with ajv-formats; then validate
// the given documents. Usage: node ajv_check.cjs SCHEMA [DOCUMENT ...]
// Exit 0 when the schema compiles without error or warning and every document is valid.
"use strict";
const fs = require("fs");
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const warnings = [];
const logger = { log: () => {}, warn: (...a) => warnings.push(a.join(" ")), error: (...a) => warnings.push(a.join(" ")) };
const ajv = new Ajv2020({ strict: true, allErrors: true, logger });
addFormats(ajv);

const [schemaPath, ...documents] = process.argv.slice(2);
let failed = false;
let validate;
try {
  validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
} catch (err) {
  console.log(`schema ${schemaPath}: ${err.message}`);
  process.exit(1);
}
for (const w of warnings) {
  console.log(`schema ${schemaPath}: warning: ${w}`);
  failed = true;
}
for (const path of documents) {
  const text = fs.readFileSync(path, "utf8");
  const values = path.endsWith(".ndjson")
    ? text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l))
    : [JSON.parse(text)];
  values.forEach((value, i) => {
    if (!validate(value)) {
      console.log(`${path} #${i + 1}: ${ajv.errorsText(validate.errors)}`);
      failed = true;
    }
  });
}
process.exit(failed ? 1 : 0);
