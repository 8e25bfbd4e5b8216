// A smoke test of the language server with vscode-jsonrpc, the library the extension's
// client (vscode-languageclient) is built on: initialize, open a file, read the code
// lens, run the preview command with the lens's own arguments (what the extension does
// when a lens is clicked), shut down. Prints one JSON line for the caller to check.
//
//   node scripts/smoke.js [python]        (after `npm ci`)

"use strict";
const childProcess = require("child_process");
const rpc = require("vscode-jsonrpc/node");

const python = process.argv[2] || "python3";
const uri = "file:///tmp/py2lax_smoke.py";
const text = [
  "import jax",
  "",
  "@jax.jit",
  "def clip(x):",
  "    if x > 1:",
  "        x = x * 0 + 1",
  "    return x",
  "",
].join("\n");

async function main() {
  const server = childProcess.spawn(python, ["-m", "py2lax", "lsp"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const connection = rpc.createMessageConnection(
    new rpc.StreamMessageReader(server.stdout),
    new rpc.StreamMessageWriter(server.stdin),
  );
  connection.listen();
  const initialized = await connection.sendRequest("initialize", {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
    initializationOptions: { hints: true },
  });
  connection.sendNotification("initialized", {});
  const published = new Promise((resolve) =>
    connection.onNotification("textDocument/publishDiagnostics", resolve),
  );
  connection.sendNotification("textDocument/didOpen", {
    textDocument: { uri, languageId: "python", version: 1, text },
  });
  const diagnostics = (await published).diagnostics;
  const lenses = await connection.sendRequest("textDocument/codeLens", { textDocument: { uri } });
  const preview = await connection.sendRequest("workspace/executeCommand", {
    command: lenses[0].command.command,
    arguments: lenses[0].command.arguments,
  });
  await connection.sendRequest("shutdown");
  connection.sendNotification("exit");
  const code = await new Promise((resolve) => server.on("exit", resolve));
  console.log(
    JSON.stringify({
      commands: initialized.capabilities.executeCommandProvider.commands,
      diagnostics: diagnostics.map((d) => d.code),
      lens: lenses[0].command.title,
      preview,
      exitCode: code,
    }),
  );
  connection.dispose();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
