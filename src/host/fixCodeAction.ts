/**
 * Quorum in the lightbulb. "Quorum: Fix with Models" is a Quick Fix on an error or warning: it
 * selects the diagnostic's lines and starts a *fix* ask whose instruction quotes the diagnostics
 * there, so every model sees what the language server reported, not just the code. "Ask Quorum…" is
 * a refactor action everywhere else (a selection, or the cursor in a file): a bug no tool reports,
 * such as an off-by-one, is still one Ctrl+. away. It asks for the intent and the instruction.
 */
import * as vscode from 'vscode';

export const FIX_COMMAND = 'quorum.fixWithModels';
/** The command "Ask Quorum…" runs: Quorum: Ask Models, which asks for the intent and instruction. */
const ASK_COMMAND = 'quorum.ask';

export interface FixArgs {
  readonly uri: string;
  /** Lines to send: the diagnostics' lines, whole. */
  readonly startLine: number;
  readonly endLine: number;
  readonly diagnostics: readonly {
    readonly line: number;
    readonly message: string;
    readonly source?: string;
  }[];
}

/** The instruction of a fix ask: each diagnostic with its 1-based line and source. */
export function fixInstruction(args: FixArgs): string {
  const lines = args.diagnostics.map(
    (d) =>
      `- line ${d.line + 1}${d.source ? ` (${d.source})` : ''}: ${d.message.replace(/\s+/g, ' ').trim()}`,
  );
  return `Fix the code so these problems go away, changing nothing else:\n${lines.join('\n')}`;
}

export class FixWithModelsProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite];

  provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const relevant = context.diagnostics.filter(
      (d) => d.severity <= vscode.DiagnosticSeverity.Warning && d.range.intersection(range) !== undefined,
    );
    const ask = askAction(range);
    if (!relevant.length) return [ask];
    const startLine = Math.min(...relevant.map((d) => d.range.start.line));
    const endLine = Math.max(...relevant.map((d) => d.range.end.line));
    const args: FixArgs = {
      uri: document.uri.toString(),
      startLine,
      endLine,
      diagnostics: relevant.map((d) => ({
        line: d.range.start.line,
        message: d.message,
        source: d.source,
      })),
    };
    const action = new vscode.CodeAction('Quorum: Fix with Models', vscode.CodeActionKind.QuickFix);
    action.diagnostics = relevant;
    action.command = { command: FIX_COMMAND, title: 'Quorum: Fix with Models', arguments: [args] };
    action.isPreferred = true;
    return [action, ask];
  }
}

/** "Ask Quorum…" on the selection (or, at a bare cursor, the whole file). */
function askAction(range: vscode.Range): vscode.CodeAction {
  const title = range.isEmpty ? 'Ask Quorum… (whole file)' : 'Ask Quorum… (selection)';
  const action = new vscode.CodeAction(title, vscode.CodeActionKind.RefactorRewrite.append('quorum'));
  action.command = { command: ASK_COMMAND, title };
  return action;
}

/** Shows the document with the diagnostics' lines selected, so the ask sends exactly those lines. */
export async function selectFixRange(args: FixArgs): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri));
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  const end = document.lineAt(Math.min(args.endLine, document.lineCount - 1)).range.end;
  editor.selection = new vscode.Selection(args.startLine, 0, end.line, end.character);
  return editor;
}
