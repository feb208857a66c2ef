// What the code says a deployment must agree with, read from the sources (no build, no stack): each service's
// configuration keys and the environment variables that set them, its consumer groups, the topics and their
// partitions of deploy/local/infra.sh and docs/events.md, and the variables docs/operations.md lists.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const SERVICES = ['api-gateway', 'run-executor', 'webhook-dispatcher', 'knowledge-ingest'];

const read = (path) => readFileSync(join(ROOT, path), 'utf8');

// The sources do not change while the checks run: each is read and parsed once.
const once = (compute) => {
  const cache = new Map();
  return (arg) => {
    if (!cache.has(arg)) cache.set(arg, compute(arg));
    return cache.get(arg);
  };
};

/** Quarkus' mapping of a property name to an environment variable: providers.openai.base-url → PROVIDERS_OPENAI_BASE_URL. */
export const envName = (key) => key.replace(/"/g, '').replace(/[^A-Za-z0-9]/g, '_').toUpperCase();

/** application.properties as [profile, key, value], profile null for the default one. */
export const properties = once((service) => {
  const entries = [];
  for (const line of read(`${service}/src/main/resources/application.properties`).split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const at = trimmed.indexOf('=');
    const name = trimmed.slice(0, at).trim();
    const value = trimmed.slice(at + 1).trim();
    const profiled = /^%([\w-]+)\.(.*)$/.exec(name);
    entries.push(profiled ? [profiled[1], profiled[2], value] : [null, name, value]);
  }
  return entries;
});

/** Variables the production profile reads through ${VAR} or ${VAR:default} expressions, with their defaults. */
export const expressionVariables = once((service) => {
  const found = new Map();
  for (const [profile, , value] of properties(service)) {
    if (profile && profile !== 'prod') continue;
    for (const match of value.matchAll(/\$\{([A-Z][A-Z0-9_]*)(?::([^}$]*))?/g)) {
      found.set(match[1], match[2] ?? null);
    }
  }
  return found;
});

function javaFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? javaFiles(path) : name.endsWith('.java') ? [path] : [];
  });
}

const kebab = (name) => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/**
 * The keys of the service's @ConfigMapping interfaces (prefix + accessor path, kebab-case) with their
 * @WithDefault values (null when none). Nested interfaces are followed through the accessors that return them.
 */
export const mappedKeys = once((service) => {
  const keys = new Map();
  for (const file of javaFiles(join(ROOT, service, 'src/main/java'))) {
    const source = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    const prefix = /@ConfigMapping\(prefix\s*=\s*"([^"]+)"\)/.exec(source);
    if (!prefix) continue;
    // Each interface's body up to the next interface declaration: members of nested ones are found in theirs.
    const interfaces = new Map();
    const parents = new Map();
    const declarations = [...source.matchAll(/interface\s+(\w+)(?:\s+extends\s+([\w\s,]+?))?\s*\{/g)];
    declarations.forEach((declaration, i) => {
      const end = i + 1 < declarations.length ? declarations[i + 1].index : source.length;
      interfaces.set(declaration[1], source.slice(declaration.index + declaration[0].length, end));
      parents.set(declaration[1], declaration[2] ? declaration[2].split(',').map((p) => p.trim()) : []);
    });
    const walk = (name, path) => {
      parents.get(name).filter((parent) => interfaces.has(parent)).forEach((parent) => walk(parent, path));
      for (const member of interfaces.get(name).matchAll(/((?:@\w+(?:\("[^"]*"\))?\s*)*)([\w<>?,. ]+?)\s+(\w+)\(\);/g)) {
        const [, annotations, type, method] = member;
        const key = `${path}.${kebab(method)}`;
        if (interfaces.has(type.trim())) {
          walk(type.trim(), key);
        } else {
          const withDefault = /@WithDefault\("([^"]*)"\)/.exec(annotations);
          keys.set(key, withDefault ? withDefault[1] : null);
        }
      }
    };
    const root = /@ConfigMapping\([^)]*\)\s*public\s+interface\s+(\w+)/.exec(source)[1];
    walk(root, prefix[1]);
  }
  return keys;
});

/**
 * Whether an environment variable sets something the service reads: a ${VAR} of its application.properties, one
 * of its keys or its @ConfigMapping keys (Quarkus' mapping), or a key under a prefix whose every key is read
 * (quarkus.*, kafka.* — the Kafka clients' settings, passed to every channel).
 */
export function reads(service, variable) {
  if (expressionVariables(service).has(variable)) return true;
  const keys = [...properties(service).filter(([profile]) => !profile).map(([, key]) => key), ...mappedKeys(service).keys()];
  if (keys.some((key) => envName(key) === variable)) return true;
  return /^(QUARKUS|KAFKA)_[A-Z0-9_]+$/.test(variable);
}

/** The PostgreSQL startup parameters a service's pools send (quarkus.datasource[.name].reactive.additional-properties). */
export function startupParameters(service) {
  return properties(service)
    .filter(([profile, key]) => !profile && /^quarkus\.datasource\.(?:[\w-]+\.)?reactive\.additional-properties\./.test(key))
    .map(([, key]) => key.replace(/^.*\.additional-properties\./, '').replace(/"/g, ''));
}

/** Consumer groups: the SmallRye channels' group.id and run-executor's (executor.scheduling.group-id). */
export function consumerGroups(service) {
  const groups = new Map();
  for (const [profile, key, value] of properties(service)) {
    const channel = /^mp\.messaging\.incoming\.([\w-]+)\.group\.id$/.exec(key);
    if (!profile && channel) {
      const topic = properties(service).find(([p, k]) => !p && k === `mp.messaging.incoming.${channel[1]}.topic`)[2];
      groups.set(topic, value);
    }
  }
  const executorGroup = mappedKeys(service).get('executor.scheduling.group-id');
  if (executorGroup) {
    for (const topic of ['runs.onsite', 'runs.normal', 'runs.low']) groups.set(topic, executorGroup);
  }
  return groups;
}

/**
 * Topics a service reads without a consumer group, by assigning itself their partitions: api-gateway's threads'
 * streams (api-gateway's StreamHub, configured under gateway.stream) read runs.stream that way, and every
 * run-executor replica (the one with the run deadline, executor.run-timeout) reads runs.cancel so.
 */
export function assignedTopics(service) {
  const keys = mappedKeys(service);
  return new Set([...(keys.has('gateway.stream.signing-key') ? ['runs.stream'] : []),
    ...(keys.has('executor.run-timeout') ? ['runs.cancel'] : [])]);
}

/** Topics a service writes to: its outgoing channels' topics, and the run topics when it publishes run requests. */
export function producedTopics(service) {
  const topics = new Set();
  for (const [profile, key, value] of properties(service)) {
    if (profile || !/^mp\.messaging\.outgoing\.[\w-]+\.topic$/.test(key)) continue;
    topics.add(value);
    // The record's metadata picks the priority's topic; the channel's topic is only the fallback.
    if (key === 'mp.messaging.outgoing.run-requests.topic') ['runs.onsite', 'runs.normal', 'runs.low'].forEach((t) => topics.add(t));
  }
  return topics;
}

/** deploy/local/infra.sh's TOPICS: name → partitions. */
export function localTopics() {
  const block = /readonly TOPICS=\(([\s\S]*?)\)/.exec(read('deploy/local/infra.sh'))[1];
  return new Map([...block.matchAll(/([\w.]+):(\d+)/g)].map((m) => [m[1], Number(m[2])]));
}

/** docs/events.md's topic table ("Partitions, retention" section): name → {partitions, retentionMs, cleanup}. */
export function documentedTopics() {
  const topics = new Map();
  const section = /## Partitions and retention\n([\s\S]*?)(\n## |$)/.exec(read('docs/events.md'));
  if (!section) throw new Error('docs/events.md has no "## Partitions and retention" section');
  const unitMs = { hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000 };
  for (const row of section[1].matchAll(/^\| `([\w.]+)` \| (\d+) \| (\d+) (hours?|days?) \| `(\w+)` \|/gm)) {
    topics.set(row[1], { partitions: Number(row[2]), retentionMs: Number(row[3]) * unitMs[row[4]], cleanup: row[5] });
  }
  return topics;
}

/** docs/operations.md's configuration table: service → the variables it lists (`all` rows count for every service). */
export function documentedVariables() {
  const table = /## Configuration of the services\n([\s\S]*?)\n## /.exec(read('docs/operations.md'))[1];
  const variables = new Map(SERVICES.map((s) => [s, new Set()]));
  for (const row of table.matchAll(/^\| ([\w-]+) \| (.*?) \| /gm)) {
    const services = row[1] === 'all' ? SERVICES : [row[1]];
    // "`A` (or `B`)": A is the name a deployment sets; B is another way to set the same.
    const names = [...row[2].replace(/\(or [^)]*\)/g, '').matchAll(/`([A-Z][A-Z0-9_{}…,]*)`/g)].flatMap((m) => expand(m[1]));
    for (const service of services) names.forEach((n) => variables.get(service)?.add(n));
  }
  return variables;
}

// PROVIDERS_{OPENAI,ANTHROPIC,GEMINI}_BASE_URL → three names; PROVIDERS_{…}_API_KEY → the same three providers.
function expand(name) {
  const braces = /\{([^}]*)\}/.exec(name);
  if (!braces) return [name];
  const options = braces[1] === '…' ? ['OPENAI', 'ANTHROPIC', 'GEMINI'] : braces[1].split(',');
  return options.map((o) => name.replace(braces[0], o));
}
