// Derives e2e/sdk/sdk-models.json from the installed @promptjuggler/sdk's dist/index.d.ts: the property names of
// every model the public API answers with, and the Provider and Model enums. The gateway's and run-executor's
// Java tests read the JSON (and, where e2e/node_modules exists, check it against the SDK again); run
// `node e2e/sdk/extract-models.mjs` after changing the SDK version and commit the result.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const types = readFileSync(join(here, '../node_modules/@promptjuggler/sdk/dist/index.d.ts'), 'utf8');
const version = JSON.parse(readFileSync(join(here, '../node_modules/@promptjuggler/sdk/package.json'), 'utf8')).version;

export const PUBLIC_MODELS = ['PromptRun', 'WorkflowRun', 'TokenUsage', 'RunCost', 'ModelCost', 'EmittedItem',
  'TranscriptText', 'TranscriptTool', 'TranscriptData', 'Citation', 'PromptRevision', 'ContentMessageResponse',
  'ModelParams', 'CreatePromptRunResponse', 'CreateWorkflowRunResponse', 'KnowledgeBaseResponse',
  'KnowledgeDocumentSummary', 'KnowledgeDocumentResponse', 'ErrorResponse', 'PromptRunFinished',
  'WorkflowRunFinished', 'Emit', 'HttpCall', 'HttpHeader', 'KnowledgeSearch', 'Mcp', 'PromptCall', 'ScriptCall',
  'WebSearch', 'WorkflowCall', 'VersionRef', 'TextFormat', 'JsonObjectFormat', 'JsonSchemaFormat'];

export function properties(source, name) {
  const body = source.match(new RegExp(`\\ninterface ${name} \\{\\n([\\s\\S]*?)\\n\\}`));
  if (!body) throw new Error(`no interface ${name} in the SDK's types`);
  const names = [];
  let depth = 0;
  for (const line of body[1].split('\n')) {
    const property = line.match(/^ {4}(\w+)(\?)?: /);
    if (depth === 0 && property) names.push({ name: property[1], required: !property[2] });
    depth += (line.match(/\{/g) || []).length - (line.match(/\}/g) || []).length;
  }
  return names;
}

export function enumValues(source, name) {
  const body = source.match(new RegExp(`declare const ${name}: \\{\\n([\\s\\S]*?)\\n\\};`));
  if (!body) throw new Error(`no enum ${name} in the SDK's types`);
  return [...body[1].matchAll(/: "([^"]+)";/g)].map((m) => m[1]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const models = Object.fromEntries(PUBLIC_MODELS.map((name) => [name, properties(types, name)]));
  const out = { sdk: `@promptjuggler/sdk@${version}`, models,
    enums: { Provider: enumValues(types, 'Provider'), Model: enumValues(types, 'Model') } };
  writeFileSync(join(here, 'sdk-models.json'), JSON.stringify(out, null, 2) + '\n');
}
