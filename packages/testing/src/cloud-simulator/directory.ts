import type {
  CloudSimulatorOptions,
  SimulatedAccount,
  SimulatedUser,
  SimulatedWorkspace,
} from "./types.js";

/** Recognisably fake, so a test log never suggests a real person or account. */
export const DEFAULT_USER: SimulatedUser = {
  id: "00000000-0000-4000-8000-0000000000aa",
  handle: "simulated-user",
  email: "simulated-user@example.com",
  first_name: "Simulated",
  last_name: "User",
};

/** The accounts and workspaces the simulator knows, and the JSON shapes Cloud gives them. */
export class Directory {
  readonly user: SimulatedUser;
  private readonly accounts = new Map<string, SimulatedAccount>();
  private readonly workspaces = new Map<string, SimulatedWorkspace>();

  constructor(options: CloudSimulatorOptions) {
    this.user = options.user ?? DEFAULT_USER;
    for (const account of options.accounts) this.accounts.set(account.id, account);
    for (const workspace of options.workspaces) {
      if (!this.accounts.has(workspace.accountId)) {
        throw new Error(`workspace ${workspace.id} names unknown account ${workspace.accountId}`);
      }
      this.workspaces.set(workspace.id, workspace);
    }
  }

  account(id: string): SimulatedAccount | undefined {
    return this.accounts.get(id);
  }

  workspace(id: string): SimulatedWorkspace | undefined {
    return this.workspaces.get(id);
  }

  /** The workspace only when it belongs to that account, as a Cloud URL requires. */
  workspaceIn(accountId: string, workspaceId: string): SimulatedWorkspace | undefined {
    const workspace = this.workspaces.get(workspaceId);
    return workspace?.accountId === accountId ? workspace : undefined;
  }

  allWorkspaceIds(): string[] {
    return [...this.workspaces.keys()];
  }

  /** Known workspaces among `ids`, in the order given, without repeats. */
  workspacesAmong(ids: Iterable<string>): SimulatedWorkspace[] {
    return [...new Set(ids)]
      .map((id) => this.workspaces.get(id))
      .filter((workspace): workspace is SimulatedWorkspace => workspace !== undefined);
  }

  /** An entry of `GET /api/me/workspaces`. */
  meWorkspace(workspace: SimulatedWorkspace) {
    const account = this.requireAccount(workspace.accountId);
    return {
      account_id: account.id,
      account_name: account.name,
      account_handle: account.handle,
      workspace_id: workspace.id,
      workspace_name: workspace.name,
      workspace_handle: workspace.handle,
      workspace_description: workspace.description ?? "",
    };
  }

  /** An entry of `GET /auth/mcp/oauth/grant/workspaces`. */
  grantWorkspace(workspace: SimulatedWorkspace) {
    const account = this.requireAccount(workspace.accountId);
    return {
      account_id: account.id,
      account_handle: account.handle,
      account_name: account.name,
      workspace_id: workspace.id,
      workspace_handle: workspace.handle,
      workspace_name: workspace.name,
    };
  }

  /** `GET /api/accounts/{a}/workspaces/{w}`. */
  workspaceView(workspace: SimulatedWorkspace) {
    return {
      id: workspace.id,
      account_id: workspace.accountId,
      name: workspace.name,
      handle: workspace.handle,
      description: workspace.description ?? "",
    };
  }

  private requireAccount(id: string): SimulatedAccount {
    const account = this.accounts.get(id);
    if (!account) throw new Error(`unknown account ${id}`);
    return account;
  }
}
