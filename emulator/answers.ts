// Answer sources: scriptable answer rules and a deterministic default generator that writes a plausible
// Markdown answer to a question. The real service's answer format is not documented (reference §1.6 says only
// "The final content"); the product renders Markdown, so the emulator answers in Markdown.
import { type AnswerRule, type EvaluationResultType } from './types';
import { hash32, prng } from './util';

export interface ChosenAnswer {
  content: string;
  type: EvaluationResultType;
  previewState: string;
  createdMs?: number;
  runningMs?: number;
  phases?: { state: string; ms: number }[];
}

/** Ordered answer rules. The first rule (in the order added) whose `match` occurs in the prompt wins. */
export class AnswerBook {
  private rules: AnswerRule[] = [];

  add(rule: AnswerRule): void {
    this.rules.push({ ...rule });
  }

  clear(): void {
    this.rules = [];
  }

  list(): AnswerRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  choose(promptContent: string): ChosenAnswer {
    const text = promptContent.toLowerCase();
    const index = this.rules.findIndex((r) => r.match === undefined || text.includes(r.match.toLowerCase()));
    if (index < 0) return { content: defaultAnswer(promptContent), type: 'success', previewState: 'ga' };
    const rule = this.rules[index];
    if (rule.once) this.rules.splice(index, 1);
    const type = rule.type ?? 'success';
    const content = rule.content ?? (type === 'success' ? defaultAnswer(promptContent) : failureMessage(type));
    const chosen: ChosenAnswer = { content, type, previewState: rule.previewState ?? 'ga' };
    if (rule.createdMs !== undefined) chosen.createdMs = rule.createdMs;
    if (rule.runningMs !== undefined) chosen.runningMs = rule.runningMs;
    if (rule.phases !== undefined) chosen.phases = rule.phases.map((p) => ({ ...p }));
    return chosen;
  }
}

/** The explanatory content a non-success result carries. */
export function failureMessage(type: EvaluationResultType): string {
  switch (type) {
    case 'error':
      return 'An error occurred while Security Copilot was processing this prompt. Try again in a few minutes.';
    case 'rejected':
      return "This prompt was rejected by Security Copilot's responsible AI safety checks. Rephrase the request and try again.";
    case 'timedOut':
      return 'The evaluation timed out before a response was generated. Try a narrower prompt.';
    case 'capacityExceeded':
      return 'Your organization has used all of its provisioned Security Compute Units (SCUs) for now. Try again later or ask a Copilot owner to increase capacity.';
    case 'needAdditionalClaims':
      return 'Additional claims are required to run this prompt (for example a Conditional Access requirement). Sign in again and retry.';
    default:
      return 'Security Copilot could not produce a response for this prompt.';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Default generator

interface Topic {
  keys: RegExp;
  title: string;
  intro: string;
  bullets: string[];
  table: { head: string[]; rows: (pick: () => number) => string[][] };
  kql: string;
}

const USERS = ['adele.vance', 'megan.bowen', 'lee.gu', 'nestor.wilke', 'pradeep.gupta', 'lynne.robbins', 'diego.siciliani'];
const HOSTS = ['SRV-DB01', 'WS-FIN-014', 'LAPTOP-7HQ2K', 'SRV-APP03', 'WS-HR-221', 'DC01'];
const COUNTRIES = ['Netherlands', 'Brazil', 'Nigeria', 'Vietnam', 'Romania', 'United States'];
const SEVERITY = ['High', 'Medium', 'Low', 'Informational'];

function ip(pick: () => number): string {
  return `${20 + pick() % 180}.${pick() % 256}.${pick() % 256}.${1 + pick() % 254}`;
}

const TOPICS: Topic[] = [
  {
    keys: /who ?am ?i|signed in as|my account|my identity/,
    title: 'Your identity',
    intro: 'You are signed in to this Microsoft Entra ID tenant with a work account that holds the **Security Copilot Contributor** role.',
    bullets: ['User principal name: `analyst@contoso.onmicrosoft.com`', 'Authentication: multifactor (Microsoft Authenticator)', 'Last password change: 41 days ago'],
    table: {
      head: ['Property', 'Value'],
      rows: () => [
        ['Display name', 'Contoso Analyst'],
        ['Department', 'Security Operations'],
        ['Assigned roles', 'Security Reader, Copilot contributor'],
      ],
    },
    kql: 'SigninLogs\n| where UserPrincipalName =~ "analyst@contoso.onmicrosoft.com"\n| summarize count() by AppDisplayName',
  },
  {
    keys: /sign-?in|logon|login|mfa|authentication|password spray|impossible travel|brute/,
    title: 'Sign-in activity analysis',
    intro: 'I reviewed Microsoft Entra ID sign-in logs for the period you asked about and found a cluster of suspicious attempts worth a closer look.',
    bullets: [
      'Most failures came from a small set of IP addresses hosted by a single cloud provider.',
      'Two accounts show successful sign-ins shortly after repeated MFA denials (possible MFA fatigue).',
      'No sign-ins came from compliant devices for the flagged sessions.',
    ],
    table: {
      head: ['User', 'Failed', 'Succeeded', 'Source IP', 'Country'],
      rows: (pick) =>
        [0, 1, 2].map(() => [
          `${USERS[pick() % USERS.length]}@contoso.com`,
          String(5 + (pick() % 60)),
          String(pick() % 3),
          ip(pick),
          COUNTRIES[pick() % COUNTRIES.length],
        ]),
    },
    kql:
      'SigninLogs\n| where TimeGenerated > ago(7d)\n| where ResultType != "0"\n| summarize Failures = count(), Users = dcount(UserPrincipalName) by IPAddress, Location\n| where Failures > 20\n| order by Failures desc',
  },
  {
    keys: /phish|email|mailbox|inbox rule|spoof|bec\b/,
    title: 'Phishing investigation',
    intro: 'The reported message is part of a credential-phishing campaign that used a look-alike sender domain and a link to a fake sign-in page.',
    bullets: [
      'The sender domain was registered recently and has no prior mail flow with Contoso.',
      'Several recipients clicked the link; one entered credentials (see table).',
      'Defender for Office 365 zero-hour auto purge removed the remaining copies.',
    ],
    table: {
      head: ['Recipient', 'Delivered', 'Clicked', 'Action taken'],
      rows: (pick) =>
        [0, 1, 2].map((i) => [
          `${USERS[pick() % USERS.length]}@contoso.com`,
          'Inbox',
          i === 0 ? 'Yes' : pick() % 2 ? 'Yes' : 'No',
          i === 0 ? 'Password reset, sessions revoked' : 'Message purged',
        ]),
    },
    kql:
      'EmailEvents\n| where Timestamp > ago(3d)\n| where SenderFromDomain endswith "contoso-payroll.com"\n| join kind=leftouter UrlClickEvents on NetworkMessageId\n| project Timestamp, RecipientEmailAddress, Subject, ActionType',
  },
  {
    keys: /vulnerab|cve-|patch|exposure|exploit/,
    title: 'Vulnerability exposure',
    intro: 'Microsoft Defender Vulnerability Management reports exposed devices for the vulnerability you mentioned; internet-facing servers should be patched first.',
    bullets: ['A public exploit is available and is being used in the wild.', 'The vendor fix is in the latest cumulative update.', 'Temporary mitigation: block the affected service at the perimeter.'],
    table: {
      head: ['Device', 'OS', 'Exposure', 'Internet facing'],
      rows: (pick) =>
        [0, 1, 2].map(() => [HOSTS[pick() % HOSTS.length], pick() % 2 ? 'Windows Server 2019' : 'Windows 11 23H2', SEVERITY[pick() % 2], pick() % 2 ? 'Yes' : 'No']),
    },
    kql:
      'DeviceTvmSoftwareVulnerabilities\n| where CveId == "CVE-2024-21413"\n| summarize Devices = dcount(DeviceId) by SoftwareName, SoftwareVersion\n| order by Devices desc',
  },
  {
    keys: /ransomware|malware|encoded|powershell|lateral|process|device|host|endpoint|machine|srv-|ws-/,
    title: 'Endpoint activity summary',
    intro: 'Defender for Endpoint telemetry shows a chain of suspicious process activity consistent with hands-on-keyboard intrusion.',
    bullets: [
      'An encoded PowerShell command downloaded a second-stage payload.',
      'The payload attempted credential dumping against LSASS and was blocked.',
      'Remote service creation suggests an attempt at lateral movement.',
    ],
    table: {
      head: ['Time (UTC)', 'Device', 'Process', 'Verdict'],
      rows: (pick) =>
        [0, 1, 2].map((i) => [
          `${String(8 + i).padStart(2, '0')}:${String(10 + (pick() % 49))}`,
          HOSTS[pick() % HOSTS.length],
          ['powershell.exe -enc …', 'rundll32.exe comsvcs.dll', 'sc.exe create'][i],
          i === 1 ? 'Blocked' : 'Suspicious',
        ]),
    },
    kql:
      'DeviceProcessEvents\n| where Timestamp > ago(24h)\n| where FileName =~ "powershell.exe" and ProcessCommandLine has_any ("-enc", "-EncodedCommand")\n| project Timestamp, DeviceName, AccountName, ProcessCommandLine\n| order by Timestamp desc',
  },
  {
    keys: /threat actor|intel|storm-|apt|campaign|indicator|ioc/,
    title: 'Threat intelligence profile',
    intro: 'Microsoft Defender Threat Intelligence tracks this activity group as a financially motivated actor that targets cloud identities.',
    bullets: ['Initial access: password spray and adversary-in-the-middle phishing.', 'Persistence: OAuth application consent and mailbox rules.', 'Impact: data theft followed by extortion.'],
    table: {
      head: ['Indicator', 'Type', 'First seen', 'Confidence'],
      rows: (pick) =>
        [0, 1, 2].map((i) => [
          i === 0 ? ip(pick) : i === 1 ? 'login-microsoftonline.help' : 'a3f5c2…9e1b',
          ['IPv4', 'Domain', 'SHA-256'][i],
          `2025-0${1 + (pick() % 9)}-1${pick() % 9}`,
          SEVERITY[pick() % 3],
        ]),
    },
    kql:
      'let iocs = dynamic(["login-microsoftonline.help"]);\nDeviceNetworkEvents\n| where RemoteUrl has_any (iocs)\n| summarize Hits = count() by DeviceName, RemoteUrl',
  },
  {
    keys: /incident|alert|triage|summar/,
    title: 'Incident summary',
    intro: 'The incident correlates alerts from Defender for Endpoint, Defender for Identity and Entra ID Protection into one attack story.',
    bullets: ['Initial access appears to be a compromised user credential.', 'The attacker enumerated privileged groups from a workstation.', 'No data exfiltration has been observed so far.'],
    table: {
      head: ['Alert', 'Source', 'Severity', 'Status'],
      rows: (pick) =>
        [
          ['Suspicious sign-in properties', 'Entra ID Protection'],
          ['Group membership enumeration', 'Defender for Identity'],
          ['Suspicious PowerShell command line', 'Defender for Endpoint'],
        ].map(([a, s]) => [a, s, SEVERITY[pick() % 3], pick() % 2 ? 'New' : 'In progress']),
    },
    kql:
      'AlertEvidence\n| where Timestamp > ago(2d)\n| summarize Alerts = dcount(AlertId) by EntityType, AccountName, DeviceName\n| order by Alerts desc',
  },
];

const GENERIC: Topic = {
  keys: /$^/,
  title: 'Security Copilot analysis',
  intro: 'Here is what I found in the security data that is connected to this workspace.',
  bullets: ['Microsoft Defender XDR has no open high-severity incidents related to this request.', 'Entra ID Protection reports no new risky users in the last 24 hours.', 'Consider narrowing the time range or naming a user, device or incident for a deeper answer.'],
  table: {
    head: ['Source', 'Records reviewed', 'Findings'],
    rows: (pick) => [
      ['Microsoft Defender XDR', String(100 + (pick() % 900)), String(pick() % 4)],
      ['Microsoft Sentinel', String(1000 + (pick() % 9000)), String(pick() % 6)],
      ['Microsoft Entra ID', String(200 + (pick() % 800)), String(pick() % 3)],
    ],
  },
  kql: 'SecurityIncident\n| where TimeGenerated > ago(7d)\n| summarize Incidents = count() by Severity, Status',
};

const HUNTING = /\bhunt|\bkql\b|\bquery\b|\bqueries\b|search for|look for|find all|list all|show me all|write a/;

/** A plausible Markdown answer to `question`: deterministic for a given question text. */
export function defaultAnswer(question: string): string {
  const lower = question.toLowerCase();
  const topic = TOPICS.find((t) => t.keys.test(lower)) ?? GENERIC;
  const random = prng(hash32(lower));
  const pick = (): number => Math.floor(random() * 1_000_000);
  const shortQuestion = question.trim().replace(/\s+/g, ' ');
  const quoted = shortQuestion.length > 90 ? `${shortQuestion.slice(0, 87)}...` : shortQuestion;

  const lines: string[] = [];
  lines.push(`## ${topic.title}`, '');
  lines.push(`${topic.intro} This answer covers your request: "${quoted}".`, '');
  lines.push('**Key findings**', '');
  for (const b of topic.bullets) lines.push(`- ${b}`);
  lines.push('');
  lines.push(`| ${topic.table.head.join(' | ')} |`);
  lines.push(`| ${topic.table.head.map(() => '---').join(' | ')} |`);
  for (const row of topic.table.rows(pick)) lines.push(`| ${row.join(' | ')} |`);
  lines.push('');
  if (HUNTING.test(lower)) {
    lines.push('Run this query in **Advanced hunting** to reproduce the results:', '');
    lines.push('```kql', topic.kql, '```', '');
  }
  lines.push('_Next steps: review the findings above and confirm them in the Microsoft Defender portal before taking action._');
  return lines.join('\n') + '\n';
}
