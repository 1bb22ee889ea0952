#!/usr/bin/env node
// Runs `databuild check --format sarif` on a workspace and validates the log
// against the SARIF 2.1.0 JSON schema vendored beside this file (README.md),
// then checks what the schema cannot: that ruleIndex and ruleId agree, that
// every uriBaseId is declared, and that the expected rules have results.
//
// usage: node validate.js DATABUILD WORKSPACE EXPECTED_EXIT [RULE_ID...]
//
// The validator itself is checked first on a log the schema must reject, so a
// schema that compiled to "accept anything" cannot pass the test silently.
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
// The vendored schema declares JSON Schema 2020-12 (see README.md).
const Ajv2020 = require('ajv/dist/2020');
const addFormats = require('ajv-formats');

const [databuild, workspace, expectedExit, ...expectedRules] = process.argv.slice(2);
if (!databuild || !workspace || expectedExit === undefined) {
  console.error('usage: node validate.js DATABUILD WORKSPACE EXPECTED_EXIT [RULE_ID...]');
  process.exit(2);
}

const failures = [];
const fail = (message) => failures.push(message);

const schema = JSON.parse(fs.readFileSync(path.join(__dirname, 'sarif-schema-2.1.0.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);
const describe = (errors) =>
  (errors || []).map((e) => `  ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);

const bogus = {
  version: '2.1.0',
  runs: [{ tool: { driver: { name: 'x' } }, results: [{ level: 'fatal', message: { text: 'm' } }] }],
};
if (validate(bogus)) fail('the schema accepted a log with level "fatal": the validator is not validating');

const run = spawnSync(databuild, ['check', '--format', 'sarif', workspace], { encoding: 'utf8' });
if (run.error) {
  console.error(`cannot run ${databuild}: ${run.error.message}`);
  process.exit(1);
}
if (run.status !== Number(expectedExit))
  fail(`databuild exited ${run.status}, expected ${expectedExit}; stderr:\n${run.stderr}`);

let log;
try {
  log = JSON.parse(run.stdout);
} catch (error) {
  console.error(`the output is not JSON (${error.message}):\n${run.stdout.slice(0, 2000)}`);
  process.exit(1);
}

if (!validate(log)) fail(`the log does not match the SARIF 2.1.0 schema:\n${describe(validate.errors).join('\n')}`);

const sarifRun = (log.runs || [])[0] || {};
const rules = (((sarifRun.tool || {}).driver || {}).rules) || [];
const results = sarifRun.results || [];
const baseIds = sarifRun.originalUriBaseIds || {};
if ((log.runs || []).length !== 1) fail(`expected one run, found ${(log.runs || []).length}`);
for (const [id, base] of Object.entries(baseIds)) {
  if (!/^file:\/\/.*\/$/.test(base.uri)) fail(`originalUriBaseIds.${id} is not a file:// directory URI: ${base.uri}`);
}
const locationsOf = (result) => [
  ...(result.locations || []),
  ...(result.relatedLocations || []),
  ...(result.codeFlows || []).flatMap((flow) =>
    flow.threadFlows.flatMap((thread) => thread.locations.map((step) => step.location))),
];
results.forEach((result, i) => {
  const rule = rules[result.ruleIndex];
  if (!rule || rule.id !== result.ruleId)
    fail(`results[${i}]: ruleIndex ${result.ruleIndex} does not name rule '${result.ruleId}'`);
  for (const location of locationsOf(result)) {
    const artifact = location.physicalLocation.artifactLocation;
    if (!(artifact.uriBaseId in baseIds)) fail(`results[${i}]: undeclared uriBaseId ${artifact.uriBaseId}`);
    if (artifact.uri.startsWith('/') || artifact.uri.startsWith('..'))
      fail(`results[${i}]: uri ${artifact.uri} is not relative to its base`);
  }
});
const reported = new Set(results.map((result) => result.ruleId));
for (const rule of expectedRules) {
  if (!reported.has(rule)) fail(`no result for rule '${rule}'`);
}

if (failures.length > 0) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log(`${path.basename(workspace)}: ${results.length} results, ${rules.length} rules: valid SARIF 2.1.0`);
