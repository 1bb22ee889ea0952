// Checks what `vsce package` put into the .vsix: everything the extension loads,
// and none of the sources, tests, tools or development packages. A .vsix is a zip;
// its central directory is read here directly so no unzip tool is needed.
'use strict';
const fs = require('fs');

function zipEntries(file) {
  const zip = fs.readFileSync(file);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error(`${file} is not a zip file`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

const names = zipEntries(process.argv[2]);
const required = [
  'extension/package.json',
  'extension/README.md',
  'extension/language-configuration.json',
  'extension/syntaxes/databuild.tmLanguage.json',
  'extension/images/graph.png',
  'extension/images/highlighting.png',
  ...fs.readdirSync('src').filter((f) => f.endsWith('.ts')).map((f) => `extension/out/${f.replace(/\.ts$/, '.js')}`),
  'extension/node_modules/vscode-languageclient/node.js',
  'extension/node_modules/vscode-languageclient/package.json',
];
const forbidden = [
  /^extension\/(src|test|tools|out\/test)\//,
  /\.(ts|map|vsix)$/,
  /^extension\/(tsconfig\.json|run-tests\.sh|\.gitignore)$/,
  /^extension\/node_modules\/(typescript|@vscode\/vsce|vscode-tmgrammar-test|@types)\//,
];
const problems = [
  ...required.filter((name) => !names.includes(name)).map((name) => `missing: ${name}`),
  ...names.filter((name) => forbidden.some((re) => re.test(name))).map((name) => `unexpected: ${name}`),
];
if (problems.length > 0) {
  console.error(`check-vsix: ${problems.length} problem(s) in ${process.argv[2]}:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-vsix: ${names.length} files, all required present, nothing unexpected`);
