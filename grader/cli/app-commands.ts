/** CLI commands that belong to the web app: accounts, API tokens, serving. Filled in with the app. */
import type { Command } from "commander";

export function registerAppCommands(program: Command): void {
  void program;
}
