import { FIND_DE, FIND_EN } from './messages-find.js';

/** The page's languages. */
export type Lang = 'de' | 'en';

const BASE_DE = {
  'app.title': 'Ausführungen',
  'app.skip': 'Zum Inhalt',
  'nav.runs': 'Alle Läufe',
  'nav.try': 'Prompt ausprobieren',
  'nav.stats': 'Studienüberblick',
  'nav.lang': 'English',
  'nav.langLabel': 'Switch to English',
  'token.title': 'Zugangsschlüssel nötig',
  'token.text':
    'Dieser Server verlangt einen API-Schlüssel. Er wird nicht gespeichert: Der Browser bleibt angemeldet (Cookie), auch in neuen Tabs, bis zum Abmelden.',
  'token.label': 'API-Schlüssel',
  'token.submit': 'Anmelden',
  'token.wrong': 'Der Schlüssel wurde nicht angenommen.',
  'token.forget': 'Abmelden',
  'token.signedInAs': '{name} ({role})',
  'list.title': 'Alle Läufe',
  'list.filters': 'Filter',
  'list.config': 'Konfiguration',
  'list.status': 'Status',
  'list.safety': 'Sicherheitsstufe',
  'list.user': 'Nutzer',
  'list.session': 'Sitzung',
  'list.search': 'Prompts durchsuchen',
  'list.userPrefix': 'Nutzer (beginnt mit)',
  'list.sessionPrefix': 'Sitzung (beginnt mit)',
  'list.prompt': 'Prompt',
  'list.noPrompt': 'kein Text gespeichert',
  'list.since': 'Von',
  'list.until': 'Bis',
  'list.any': 'alle',
  'list.apply': 'Filtern',
  'list.reset': 'Zurücksetzen',
  'list.started': 'Gestartet',
  'list.items': 'Einträge',
  'list.duration': 'Dauer',
  'list.empty': 'Keine Läufe für diese Filter.',
  'list.count': '{from}–{to} von {total}',
  'list.prev': '← Neuere',
  'list.next': 'Ältere →',
  'list.live': 'Die Liste aktualisiert sich alle {s} Sekunden.',
  'list.new': 'neu',
  'status.completed': 'fertig',
  'status.blocked': 'blockiert',
  'status.failed': 'fehlgeschlagen',
  'status.incomplete': 'unvollständig',
  'status.running': 'läuft',
  'run.title': 'Lauf',
  'run.loading': 'Lade …',
  'run.notFound': 'Diesen Lauf gibt es nicht.',
  'run.progress': 'Fortschritt',
  'run.step': 'Schritt',
  'run.config': 'Konfiguration',
  'run.mode': 'Modus',
  'run.safety': 'Sicherheitsstufe',
  'run.user': 'Nutzer / Sitzung',
  'run.seed': 'Seed',
  'run.started': 'Gestartet',
  'run.total': 'Gesamtdauer',
  'run.trace': 'Trace in Jaeger',
  'run.noTrace': 'kein Trace-Link',
  'run.traceOwn': 'Jaeger antwortet nicht: Zeitablauf unten',
  'run.exports': 'Export',
  'run.genealogy': 'Stammbaum des Prompts',
  'run.genealogyEmpty': 'Noch kein Text.',
  'run.original': 'Original',
  'run.translation': 'Übersetzung',
  'run.iteration': 'Runde {n}',
  'run.final': 'Endgültiger Prompt',
  'run.diff': 'Änderungen zur Stufe davor',
  'run.safetyTitle': 'Sicherheitsentscheidungen',
  'run.safetyEmpty': 'Noch keine Prüfung.',
  'run.safe': 'unbedenklich',
  'run.unsafe': 'bedenklich',
  'run.blocked': 'blockiert',
  'run.method': 'Verfahren',
  'run.terms': 'Gefundene Begriffe',
  'run.reason': 'Grund',
  'run.category': 'Kategorie',
  'run.categories': 'Kategorien',
  'run.outputs': 'Ergebnisse',
  'run.outputsWaiting': 'Noch keine Ausgaben.',
  'run.download': 'Herunterladen',
  'run.output': 'Ausgabe {n}',
  'run.outputBlocked': 'Diese Ausgabe wurde nicht erzeugt.',
  'run.timing': 'Zeitablauf',
  'run.stage': 'Stufe {n}',
  'run.errors': 'Fehler',
  'run.alt.image': 'Erzeugtes Bild ({config}) zum Prompt: {prompt}',
  'run.alt.video': 'Erzeugtes animiertes Video ({config}) zum Prompt: {prompt}',
  'run.alt.3d': '3D-Vorschau ({config}); Pfeiltasten drehen das Modell',
  'run.audio': 'Erzeugter Ton ({config})',
  'run.live': 'Live: neue Einträge erscheinen, sobald sie aufgezeichnet sind.',
  'run.streamLost': 'Verbindung unterbrochen – verbinde neu …',
  'try.title': 'Prompt ausprobieren',
  'try.prompt': 'Prompt',
  'try.config': 'Konfiguration',
  'try.output': 'Ausgabe',
  'try.outputDefault': 'wie die Konfiguration',
  'try.outputNone': 'keine (nur Text)',
  'try.safety': 'Sicherheitsstufe',
  'try.language': 'Sprache des Prompts',
  'try.submit': 'Starten',
  'try.starting': 'Starte …',
  'try.failed': 'Der Lauf konnte nicht starten: {message}',
  'error.http': 'Der Server antwortete mit {status}: {message}',
} as const;

const de = { ...BASE_DE, ...FIND_DE };
export type MessageKey = keyof typeof de;

const BASE_EN: Record<keyof typeof BASE_DE, string> = {
  'app.title': 'Runs',
  'app.skip': 'Skip to content',
  'nav.runs': 'All runs',
  'nav.try': 'Try a prompt',
  'nav.stats': 'Study overview',
  'nav.lang': 'Deutsch',
  'nav.langLabel': 'Auf Deutsch umschalten',
  'token.title': 'Access token needed',
  'token.text':
    'This server requires an API token. It is not stored: this browser stays signed in (a cookie), in new tabs too, until you sign out.',
  'token.label': 'API token',
  'token.submit': 'Sign in',
  'token.wrong': 'The token was not accepted.',
  'token.forget': 'Sign out',
  'token.signedInAs': '{name} ({role})',
  'list.title': 'All runs',
  'list.filters': 'Filters',
  'list.config': 'Config',
  'list.status': 'Status',
  'list.safety': 'Safety level',
  'list.user': 'User',
  'list.session': 'Session',
  'list.search': 'Search prompts',
  'list.userPrefix': 'User (starts with)',
  'list.sessionPrefix': 'Session (starts with)',
  'list.prompt': 'Prompt',
  'list.noPrompt': 'no text stored',
  'list.since': 'From',
  'list.until': 'To',
  'list.any': 'any',
  'list.apply': 'Filter',
  'list.reset': 'Reset',
  'list.started': 'Started',
  'list.items': 'Items',
  'list.duration': 'Duration',
  'list.empty': 'No runs match these filters.',
  'list.count': '{from}–{to} of {total}',
  'list.prev': '← Newer',
  'list.next': 'Older →',
  'list.live': 'The list refreshes every {s} seconds.',
  'list.new': 'new',
  'status.completed': 'completed',
  'status.blocked': 'blocked',
  'status.failed': 'failed',
  'status.incomplete': 'incomplete',
  'status.running': 'running',
  'run.title': 'Run',
  'run.loading': 'Loading …',
  'run.notFound': 'There is no such run.',
  'run.progress': 'Progress',
  'run.step': 'Step',
  'run.config': 'Config',
  'run.mode': 'Mode',
  'run.safety': 'Safety level',
  'run.user': 'User / session',
  'run.seed': 'Seed',
  'run.started': 'Started',
  'run.total': 'Total time',
  'run.trace': 'Trace in Jaeger',
  'run.noTrace': 'no trace link',
  'run.traceOwn': 'Jaeger does not answer: timing chart below',
  'run.exports': 'Export',
  'run.genealogy': 'Genealogy of the prompt',
  'run.genealogyEmpty': 'No text yet.',
  'run.original': 'Original',
  'run.translation': 'Translation',
  'run.iteration': 'Round {n}',
  'run.final': 'Final prompt',
  'run.diff': 'Changes from the step before',
  'run.safetyTitle': 'Safety decisions',
  'run.safetyEmpty': 'No check yet.',
  'run.safe': 'safe',
  'run.unsafe': 'unsafe',
  'run.blocked': 'blocked',
  'run.method': 'Method',
  'run.terms': 'Terms found',
  'run.reason': 'Reason',
  'run.category': 'Category',
  'run.categories': 'Categories',
  'run.outputs': 'Outputs',
  'run.outputsWaiting': 'No outputs yet.',
  'run.download': 'Download',
  'run.output': 'Output {n}',
  'run.outputBlocked': 'This output was not produced.',
  'run.timing': 'Timing',
  'run.stage': 'Stage {n}',
  'run.errors': 'Errors',
  'run.alt.image': 'Generated image ({config}) for the prompt: {prompt}',
  'run.alt.video': 'Generated animated video ({config}) for the prompt: {prompt}',
  'run.alt.3d': '3D preview ({config}); arrow keys turn the model',
  'run.audio': 'Generated sound ({config})',
  'run.live': 'Live: new items appear as soon as they are recorded.',
  'run.streamLost': 'Connection lost – reconnecting …',
  'try.title': 'Try a prompt',
  'try.prompt': 'Prompt',
  'try.config': 'Config',
  'try.output': 'Output',
  'try.outputDefault': "the config's default",
  'try.outputNone': 'none (text only)',
  'try.safety': 'Safety level',
  'try.language': 'Language of the prompt',
  'try.submit': 'Start',
  'try.starting': 'Starting …',
  'try.failed': 'The run could not start: {message}',
  'error.http': 'The server answered {status}: {message}',
};
const en: Record<MessageKey, string> = { ...BASE_EN, ...FIND_EN };

const STEP_LABELS: Record<Lang, Record<string, string>> = {
  de: {
    'stage1.safety': 'Stufe 1: Sicherheitsprüfung',
    'stage1.translation': 'Stufe 1: Übersetzung',
    'stage2.iteration': 'Stufe 2: Runde {n}',
    'stage2.final': 'Stufe 2: Umdeutung',
    'stage3.loop': 'Stufe 3: Prüfung für Ausgabe {n}',
    'stage4.loop': 'Stufe 4: Erzeugung von Ausgabe {n}',
    done: 'abgeschlossen',
  },
  en: {
    'stage1.safety': 'Stage 1: safety check',
    'stage1.translation': 'Stage 1: translation',
    'stage2.iteration': 'Stage 2: round {n}',
    'stage2.final': 'Stage 2: interception',
    'stage3.loop': 'Stage 3: check for output {n}',
    'stage4.loop': 'Stage 4: generating output {n}',
    done: 'done',
  },
};

const KEY = 'eh-lang';
let lang: Lang =
  (localStorage.getItem(KEY) as Lang | null) ?? (navigator.language.startsWith('de') ? 'de' : 'en');

/** The current language. */
export const currentLang = (): Lang => lang;

/** Switches the language (remembered in this browser). */
export function setLang(next: Lang): void {
  lang = next;
  localStorage.setItem(KEY, next);
  document.documentElement.lang = next;
}

const fill = (s: string, vars: Record<string, string | number>) =>
  s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));

/** The label `key` in the current language, with `{name}` placeholders filled. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  return fill((lang === 'de' ? de : en)[key], vars);
}

/** A readable label of a step id (`stage2.iteration.3` → "Stage 2: round 3"). */
export function stepLabel(step: string): string {
  const m = /^(stage\d\.\w+?)(?:\.(\d+))?$/.exec(step);
  const labels = STEP_LABELS[lang];
  if (!m) return labels[step] ?? step;
  return fill(labels[m[1]!] ?? step, { n: m[2] ?? '' });
}

/** A status label (`completed` → "fertig"). */
export function statusLabel(status: string): string {
  const key = `status.${status}` as MessageKey;
  return key in de ? t(key) : status;
}
