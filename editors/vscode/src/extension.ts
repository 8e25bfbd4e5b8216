// The py2lax extension: starts `python -m py2lax lsp` from the selected Python
// environment and shows the server's preview of the lax conversion beside the editor.
//
// Everything the user sees comes from the language server (diagnostics, hovers, code
// lenses, the preview text); this file only starts it, finds the right interpreter,
// and turns the `py2lax.preview` command into a read-only virtual document that is
// refreshed while the user types.

import * as path from "path";
import * as vscode from "vscode";
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

const SCHEME = "py2lax-preview";
const SERVER_PREVIEW = "py2lax.preview"; // the server's command (also used by its code lenses)
const REFRESH_DELAY_MS = 300;

/** The arguments of the server's `py2lax.preview` command. */
interface PreviewArguments {
  uri: string;
  line?: number;
  function?: string;
}

/** The part of the Python extension's API used here (`ms-python.python`). */
interface PythonApi {
  environments: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
    resolveEnvironment(
      environment: { path: string } | string,
    ): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
  };
}

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;

/** Serves `py2lax-preview:` documents: the query holds the preview arguments. */
class PreviewProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  readonly onDidChange = this.changed.event;

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const args = previewArguments(uri);
    if (client === undefined || !client.isRunning()) {
      return "# py2lax: the language server is not running (see the py2lax output channel).\n";
    }
    try {
      const text = await client.sendRequest(ExecuteCommandRequest.type, {
        command: SERVER_PREVIEW,
        arguments: [args],
      });
      return typeof text === "string" ? text : "";
    } catch (error) {
      return `# py2lax: the preview failed: ${String(error)}\n`;
    }
  }

  /** Re-read every open preview of `source`, once typing pauses. */
  refresh(source: vscode.Uri): void {
    for (const document of vscode.workspace.textDocuments) {
      if (document.uri.scheme !== SCHEME) {
        continue;
      }
      if (previewArguments(document.uri).uri !== source.toString()) {
        continue;
      }
      const key = document.uri.toString();
      clearTimeout(this.timers.get(key));
      this.timers.set(
        key,
        setTimeout(() => {
          this.timers.delete(key);
          this.changed.fire(document.uri);
        }, REFRESH_DELAY_MS),
      );
    }
  }

  refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) {
      if (document.uri.scheme === SCHEME) {
        this.changed.fire(document.uri);
      }
    }
  }
}

function previewArguments(uri: vscode.Uri): PreviewArguments {
  return JSON.parse(uri.query) as PreviewArguments;
}

/** `model.lax.py` for a document, `model.step.lax.py` for one function of it. */
function previewUri(args: PreviewArguments): vscode.Uri {
  const source = vscode.Uri.parse(args.uri);
  const stem = path.posix.basename(source.path).replace(/\.pyi?$/, "");
  const name = args.function ? `${stem}.${args.function}.lax.py` : `${stem}.lax.py`;
  return vscode.Uri.from({
    scheme: SCHEME,
    path: path.posix.join(path.posix.dirname(source.path), name),
    query: JSON.stringify(args),
  });
}

async function showPreview(args: PreviewArguments): Promise<void> {
  const document = await vscode.workspace.openTextDocument(previewUri(args));
  await vscode.window.showTextDocument(document, {
    viewColumn: vscode.ViewColumn.Beside,
    preserveFocus: true,
    preview: false,
  });
}

async function pythonApi(): Promise<PythonApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonApi>("ms-python.python");
  if (extension === undefined) {
    return undefined;
  }
  try {
    return extension.isActive ? extension.exports : await extension.activate();
  } catch {
    return undefined;
  }
}

/** The interpreter: `py2lax.pythonPath`, else the Python extension's selection, else python3. */
async function pythonCommand(): Promise<string> {
  const configured = vscode.workspace.getConfiguration("py2lax").get<string>("pythonPath");
  if (configured) {
    return configured;
  }
  const api = await pythonApi();
  if (api !== undefined) {
    const active = api.environments.getActiveEnvironmentPath();
    const environment = await api.environments.resolveEnvironment(active);
    if (environment?.executable.uri) {
      return environment.executable.uri.fsPath;
    }
  }
  return process.platform === "win32" ? "python" : "python3";
}

async function startClient(preview: PreviewProvider): Promise<void> {
  const python = await pythonCommand();
  const settings = vscode.workspace.getConfiguration("py2lax");
  const serverOptions: ServerOptions = { command: python, args: ["-m", "py2lax", "lsp"] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "python" },
      { scheme: "untitled", language: "python" },
    ],
    initializationOptions: {
      hints: settings.get<boolean>("hints", true),
      allFunctions: settings.get<boolean>("allFunctions", false),
    },
    synchronize: { configurationSection: "py2lax" },
    outputChannel: output,
    middleware: {
      // The server's code lenses run `py2lax.preview`: open it as a document instead
      // of discarding the text the command returns.
      executeCommand: async (command, args, next) => {
        if (command === SERVER_PREVIEW && args.length > 0) {
          await showPreview(args[0] as PreviewArguments);
          return undefined;
        }
        return next(command, args);
      },
    },
  };
  output.appendLine(`Starting ${python} -m py2lax lsp`);
  client = new LanguageClient("py2lax", "py2lax", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    const install = "Show how to install";
    const choice = await vscode.window.showErrorMessage(
      `py2lax: could not start the language server with ${python}. ` +
        "Install py2lax with its lsp extra there: pip install -e '/path/to/py2lax[lsp]'.",
      install,
    );
    if (choice === install) {
      output.show();
    }
    output.appendLine(String(error));
    return;
  }
  preview.refreshAll();
}

async function restartClient(preview: PreviewProvider): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined) {
    await running.stop().catch(() => undefined);
  }
  await startClient(preview);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("py2lax");
  const preview = new PreviewProvider();
  context.subscriptions.push(
    output,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, preview),
    vscode.commands.registerCommand("py2lax.showPreview", async () => {
      const editor = vscode.window.activeTextEditor;
      if (editor === undefined || editor.document.languageId !== "python") {
        void vscode.window.showInformationMessage("py2lax: open a Python file to preview it.");
        return;
      }
      await showPreview({ uri: editor.document.uri.toString() });
    }),
    vscode.commands.registerCommand("py2lax.restartServer", () => restartClient(preview)),
    vscode.workspace.onDidChangeTextDocument((event) => preview.refresh(event.document.uri)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("py2lax.pythonPath")) {
        void restartClient(preview);
      } else if (event.affectsConfiguration("py2lax")) {
        // after the client has sent the server the new settings
        setTimeout(() => preview.refreshAll(), REFRESH_DELAY_MS);
      }
    }),
  );
  const api = await pythonApi();
  if (api !== undefined) {
    context.subscriptions.push(
      api.environments.onDidChangeActiveEnvironmentPath(() => restartClient(preview)),
    );
  }
  await startClient(preview);
}

export async function deactivate(): Promise<void> {
  if (client !== undefined) {
    await client.stop();
  }
}
