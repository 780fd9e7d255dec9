// Starts `gfplint lsp` for C files, beside clangd or any other C extension.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("gfplint").get("path", "gfplint");
  client = new LanguageClient(
    "gfplint",
    "gfplint",
    { command, args: ["lsp"] },
    {
      documentSelector: [{ scheme: "file", language: "c" }],
      synchronize: {
        fileEvents: vscode.workspace.createFileSystemWatcher("**/{gfplint.toml,*.c,*.h}"),
      },
    }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
