// In-memory entities, the seed generator and optional persistence to a JSON state file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultAnswer } from './answers';
import {
  type EvaluationRecord,
  type PromptRecord,
  type SeedSpec,
  type SessionRecord,
  type StateSnapshot,
  type WorkspaceRecord,
} from './types';
import { formatTicks, guidFrom, isRecord, prng } from './util';

/** The one workspace. Its id and name are the ones in the docs' list-workspaces example. */
export const DEFAULT_WORKSPACE: WorkspaceRecord = {
  id: '17aafe23-ab95-3b37-9546-56dec5ac0218',
  displayName: 'SecurityCopilot_Workspace',
};

export interface PluginRecord {
  name: string;
  displayName: string | null;
  description: string | null;
  category: string;
  catalogScope: string;
  previewState: string;
  isEnabled: boolean;
  authorization: { authType: string } | null;
  settings: Array<Record<string, unknown>>;
}

/** Seeded plugins: `Entra` exactly as in the docs' list-plugins example, plus a few realistic others. */
export const PLUGINS: readonly PluginRecord[] = [
  {
    name: 'Defender',
    displayName: 'Microsoft Defender XDR',
    description: 'Skills that investigate incidents, alerts, devices and advanced hunting data in Microsoft Defender XDR.',
    category: 'microsoft',
    catalogScope: 'global',
    previewState: 'ga',
    isEnabled: true,
    authorization: null,
    settings: [],
  },
  {
    name: 'Entra',
    displayName: 'Microsoft Entra',
    description: 'Skills that interact with the Microsoft Graph APIs.',
    category: 'microsoft',
    catalogScope: 'global',
    previewState: 'ga',
    isEnabled: true,
    authorization: null,
    settings: [],
  },
  {
    name: 'Intune',
    displayName: 'Microsoft Intune',
    description: 'Skills that read device configuration, compliance and app inventory from Microsoft Intune.',
    category: 'microsoft',
    catalogScope: 'global',
    previewState: 'ga',
    isEnabled: false,
    authorization: null,
    settings: [],
  },
  {
    name: 'Purview',
    displayName: 'Microsoft Purview',
    description: 'Skills that summarize data loss prevention and insider risk alerts.',
    category: 'microsoft',
    catalogScope: 'global',
    previewState: 'public',
    isEnabled: true,
    authorization: null,
    settings: [],
  },
  {
    name: 'Sentinel',
    displayName: 'Microsoft Sentinel',
    description: 'Skills that query incidents and Log Analytics workspaces in Microsoft Sentinel.',
    category: 'microsoft',
    catalogScope: 'global',
    previewState: 'ga',
    isEnabled: true,
    authorization: null,
    settings: [
      {
        name: 'DefaultWorkspace',
        label: 'Default Sentinel workspace',
        description: 'The Log Analytics workspace used when a prompt does not name one.',
        hintText: 'contoso-sentinel',
        settingValue: 'string',
        isRequired: false,
        defaultValue: null,
        value: 'contoso-sentinel',
        acceptableValues: [],
        displayType: 'textbox',
      },
    ],
  },
  {
    name: 'ThreatIntelligence',
    displayName: 'Microsoft Threat Intelligence',
    description: 'Skills that look up threat actors, indicators and vulnerability intelligence from Microsoft Defender Threat Intelligence.',
    category: 'microsoft',
    catalogScope: 'global',
    previewState: 'ga',
    isEnabled: true,
    authorization: null,
    settings: [],
  },
  {
    name: 'Web',
    displayName: 'Web search',
    description: 'Grounds answers in public web content.',
    category: 'web',
    catalogScope: 'global',
    previewState: 'ga',
    isEnabled: false,
    authorization: null,
    settings: [],
  },
  {
    // A third-party plugin from the global catalog, signed in with OAuth.
    name: 'ServiceNowITSM',
    displayName: 'ServiceNow ITSM',
    description: 'Skills that read ServiceNow incidents, change requests and configuration items.',
    category: 'plugin',
    catalogScope: 'global',
    previewState: 'public',
    isEnabled: true,
    authorization: { authType: 'oAuthAuthorizationCodeFlow' },
    settings: [
      {
        name: 'InstanceUrl',
        label: 'Instance URL',
        description: 'Your ServiceNow instance.',
        hintText: 'https://contoso.service-now.com',
        settingValue: 'string',
        isRequired: true,
        defaultValue: null,
        value: 'https://contoso.service-now.com',
        acceptableValues: [],
        displayType: 'textbox',
      },
    ],
  },
  {
    // An MCP server added to this workspace. The documented pluginCategory enum has no MCP value: the service
    // may say `other` (as here) or an evolvable value the client must accept; the name is all that says MCP.
    name: 'Fabrikam-MCP',
    displayName: 'Fabrikam threat feed (MCP server)',
    description: 'Tools of the Fabrikam threat intelligence MCP server: indicator lookups and actor profiles.',
    category: 'other',
    catalogScope: 'workspace',
    previewState: 'public',
    isEnabled: true,
    authorization: { authType: 'aPIKey' },
    settings: [],
  },
  {
    // A custom plugin uploaded to the tenant's catalog, with an API key and a preview state.
    name: 'ContosoAssetInventory',
    displayName: 'Contoso asset inventory',
    description: 'Looks up owners and business criticality of hosts in the Contoso CMDB.',
    category: 'plugin',
    catalogScope: 'tenant',
    previewState: 'private',
    isEnabled: true,
    authorization: { authType: 'aPIKey' },
    settings: [
      {
        name: 'ApiKey',
        label: 'API key',
        description: 'Key of the CMDB API.',
        hintText: '',
        settingValue: 'secretString',
        isRequired: true,
        defaultValue: null,
        value: null,
        acceptableValues: [],
        displayType: 'textbox',
      },
    ],
  },
];

export class Store {
  workspace: WorkspaceRecord = { ...DEFAULT_WORKSPACE };
  extraWorkspaces: WorkspaceRecord[] = [];
  sessions = new Map<string, SessionRecord>();
  prompts = new Map<string, PromptRecord>();
  evaluations = new Map<string, EvaluationRecord>();
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(private readonly stateFile?: string) {}

  clear(): void {
    this.workspace = { ...DEFAULT_WORKSPACE };
    this.extraWorkspaces = [];
    this.sessions.clear();
    this.prompts.clear();
    this.evaluations.clear();
    this.changed();
  }

  addWorkspace(workspace: WorkspaceRecord): void {
    const existing = this.extraWorkspaces.find((w) => w.id.toLowerCase() === workspace.id.toLowerCase());
    if (existing) existing.displayName = workspace.displayName;
    else this.extraWorkspaces.push({ ...workspace });
    this.changed();
  }

  isEmpty(): boolean {
    return this.sessions.size === 0;
  }

  promptsOf(sessionId: string): PromptRecord[] {
    return [...this.prompts.values()].filter((p) => p.sessionId === sessionId);
  }

  evaluationsOf(promptId: string): EvaluationRecord[] {
    return [...this.evaluations.values()].filter((e) => e.promptId === promptId);
  }

  snapshot(): StateSnapshot {
    return {
      version: 1,
      workspace: { ...this.workspace },
      ...(this.extraWorkspaces.length ? { extraWorkspaces: this.extraWorkspaces.map((w) => ({ ...w })) } : {}),
      sessions: [...this.sessions.values()],
      prompts: [...this.prompts.values()],
      evaluations: [...this.evaluations.values()],
    };
  }

  restore(snapshot: StateSnapshot): void {
    this.workspace = { ...snapshot.workspace };
    this.extraWorkspaces = (snapshot.extraWorkspaces ?? []).map((w) => ({ ...w }));
    this.sessions = new Map(snapshot.sessions.map((s) => [s.id, s]));
    this.prompts = new Map(snapshot.prompts.map((p) => [p.id, p]));
    this.evaluations = new Map(snapshot.evaluations.map((e) => [e.id, e]));
  }

  // ---- persistence -------------------------------------------------------------------------------------------

  /** Loads the state file if it exists. Returns true when state was loaded. A corrupt file is an error. */
  load(): boolean {
    if (!this.stateFile || !fs.existsSync(this.stateFile)) return false;
    const parsed: unknown = JSON.parse(fs.readFileSync(this.stateFile, 'utf8'));
    if (!isSnapshot(parsed)) throw new Error(`${this.stateFile} is not an emulator state file`);
    this.restore(parsed);
    return true;
  }

  /** Marks the state dirty; the file is written shortly after (debounced), and always on close. */
  changed(): void {
    if (!this.stateFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saveNow();
    }, 50);
    this.saveTimer.unref();
  }

  flush(): void {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
      this.saveNow();
    }
  }

  private saveNow(): void {
    if (!this.stateFile) return;
    fs.mkdirSync(path.dirname(path.resolve(this.stateFile)), { recursive: true });
    const tmp = `${this.stateFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.snapshot(), null, 1));
    fs.renameSync(tmp, this.stateFile); // atomic replace: a crash never leaves half a file
  }

  // ---- seed --------------------------------------------------------------------------------------------------

  /**
   * Adds `sessions` sessions with `promptsPerSession` prompts each; every prompt has one completed evaluation
   * with a Markdown answer. Deterministic (seeded PRNG): the same spec gives the same ids, names and answers.
   * Dates count back from `baseTime` (default now) over the past weeks.
   */
  seed(spec: SeedSpec, nowMs: number): void {
    // The PRNG seed also depends on how many sessions exist, so seeding twice adds new sessions, not the same ids.
    const random = prng(0x5ec0 + spec.sessions * 131 + spec.promptsPerSession + this.sessions.size * 7919);
    const base = spec.baseTime ? Date.parse(spec.baseTime) : nowMs;
    if (Number.isNaN(base)) throw new Error(`invalid seed baseTime '${spec.baseTime}'`);
    const count = Math.max(0, Math.floor(spec.sessions));
    const perSession = Math.max(0, Math.floor(spec.promptsPerSession));
    const HOUR = 3_600_000;
    // Spread creation times over the past ~5 weeks, oldest first, newest about an hour ago.
    const span = Math.max(1, Math.min(35 * 24, count * 20)) * HOUR;
    for (let i = 0; i < count; i++) {
      const topic = SEED_TOPICS[i % SEED_TOPICS.length];
      const round = Math.floor(i / SEED_TOPICS.length);
      // Index 2 and index 13 (when present) have no name: the docs show sessions with displayName null.
      const unnamed = spec.displayName === undefined && count >= 3 && (i === 2 || i === 13);
      const name = spec.displayName ?? topic.name;
      const copy = spec.displayName === undefined ? round : i;
      const displayName = unnamed ? null : copy === 0 ? name : `${name} (${copy + 1})`;
      const offset = count === 1 ? HOUR : HOUR + ((count - 1 - i) / Math.max(1, count - 1)) * span;
      // A session's prompts follow each other by up to ~8 minutes: many prompts start early enough to end in the past.
      const createdMs = Math.min(Math.floor(base - offset - random() * HOUR * 0.5), base - (perSession * 8 + 1) * 60_000);
      const session: SessionRecord = {
        id: guidFrom(random),
        ...(spec.workspaceId ? { workspaceId: spec.workspaceId } : {}),
        displayName,
        createdDateTime: formatTicks(createdMs, Math.floor(random() * 10000)),
        lastModifiedDateTime: '',
      };
      let cursor = createdMs + 20_000 + Math.floor(random() * 40_000);
      for (let j = 0; j < perSession; j++) {
        const question = topic.prompts[j % topic.prompts.length] + (j >= topic.prompts.length ? ` (follow-up ${j + 1})` : '');
        const promptCreated = formatTicks(cursor, Math.floor(random() * 10000));
        const prompt: PromptRecord = {
          id: guidFrom(random),
          sessionId: session.id,
          type: 'prompt',
          content: question,
          createdDateTime: promptCreated,
          lastModifiedDateTime: '',
        };
        const evalStart = cursor + 30_000 + Math.floor(random() * 60_000);
        const evaluation: EvaluationRecord = {
          id: guidFrom(random),
          sessionId: session.id,
          promptId: prompt.id,
          createdDateTime: formatTicks(evalStart, Math.floor(random() * 10000)),
          createdMs: 250 + Math.floor(random() * 400),
          runningMs: 8_000 + Math.floor(random() * 20_000),
          answer: defaultAnswer(question),
          resultType: 'success',
          previewState: 'ga',
        };
        // Creating an evaluation bumps the prompt's lastModifiedDateTime (docs examples, reference §1.4).
        prompt.lastModifiedDateTime = formatTicks(evalStart + 5 + Math.floor(random() * 10), Math.floor(random() * 10000));
        this.prompts.set(prompt.id, prompt);
        this.evaluations.set(evaluation.id, evaluation);
        cursor = evalStart + evaluation.createdMs + evaluation.runningMs + 60_000 + Math.floor(random() * 300_000);
      }
      // Some sessions were renamed a little after creation (lastModified later than created, as in the docs).
      session.lastModifiedDateTime =
        random() < 0.3 && !unnamed ? formatTicks(createdMs + 120_000 + Math.floor(random() * 600_000), Math.floor(random() * 10000)) : session.createdDateTime;
      this.sessions.set(session.id, session);
    }
    this.changed();
  }
}

function isSnapshot(value: unknown): value is StateSnapshot {
  return (
    isRecord(value) &&
    value.version === 1 &&
    isRecord(value.workspace) &&
    Array.isArray(value.sessions) &&
    Array.isArray(value.prompts) &&
    Array.isArray(value.evaluations)
  );
}

interface SeedTopic {
  name: string;
  prompts: string[];
}

const SEED_TOPICS: SeedTopic[] = [
  {
    name: 'Suspicious sign-ins for adele.vance',
    prompts: [
      'Summarize the risky sign-ins for adele.vance@contoso.com in the last 7 days',
      'Write a KQL query to hunt for password spray against the same accounts',
      'Which of these sign-ins passed MFA?',
    ],
  },
  {
    name: 'Incident 4821 triage',
    prompts: ['Summarize incident 4821 and list the affected entities', 'What should I do first to contain this incident?', 'Draft a short status update for the SOC lead'],
  },
  {
    name: 'Phishing campaign: payroll lure',
    prompts: [
      'Analyze the reported phishing email with subject "Payroll update required"',
      'Find all recipients who clicked the link and write a hunting query for them',
      'Were any inbox rules created after the click?',
    ],
  },
  {
    name: 'Encoded PowerShell on SRV-DB01',
    prompts: [
      'Explain the encoded PowerShell activity on SRV-DB01',
      'Hunt for the same command line on other devices with KQL',
      'Is there evidence of lateral movement from SRV-DB01?',
    ],
  },
  {
    name: 'Weekly vulnerability review',
    prompts: ['Which devices are exposed to CVE-2024-21413?', 'Prioritize the patching for internet-facing servers', 'Write a query to list devices missing the fix'],
  },
  {
    name: 'Threat actor profile: Storm-0558',
    prompts: ['Give me a threat intel profile of Storm-0558', 'Look for the actor indicators in our network with a KQL query', 'Which techniques should we prioritize detections for?'],
  },
  {
    name: 'MFA fatigue alerts',
    prompts: ['Summarize MFA fatigue alerts from Entra ID Protection this week', 'Which users approved a push after repeated denials?', 'Write a KQL query to find repeated MFA denials'],
  },
  {
    name: 'Ransomware IOC sweep',
    prompts: ['Check our devices for indicators of the latest ransomware campaign', 'Hunt for shadow copy deletion with KQL', 'Summarize the findings for management'],
  },
  {
    name: 'Privileged role changes audit',
    prompts: ['List privileged role assignments made in the last 30 days', 'Were any of them made outside business hours?', 'Write a query for role changes by non-admin accounts'],
  },
  {
    name: 'Impossible travel: sales team',
    prompts: ['Investigate impossible travel alerts for the sales team', 'Are the sign-ins from a known VPN provider?', 'Recommend conditional access changes'],
  },
  {
    name: 'Exchange mailbox forwarding rules',
    prompts: ['Find all mailbox forwarding rules to external domains', 'Which of these rules were created recently?', 'Write a hunting query for new inbox rules'],
  },
  {
    name: 'Defender alert: LSASS access',
    prompts: ['Explain the LSASS access alert on WS-FIN-014', 'Was the process blocked?', 'Hunt for similar process activity with KQL'],
  },
  {
    name: 'Daily SOC briefing',
    prompts: ['Summarize the open high severity incidents', 'What changed since yesterday?', 'Which alerts can be closed as benign?'],
  },
  {
    name: 'OAuth app consent review',
    prompts: ['List recently consented OAuth applications with high privileges', 'Is any of them linked to a known threat campaign?', 'Write a query for new app consents'],
  },
];
