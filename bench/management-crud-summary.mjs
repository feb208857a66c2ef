// Summarises bench/management-crud.sh's raw lines: per build, the median over rounds and the min–max spread
// of each figure, as Markdown tables.
//   node bench/management-crud-summary.mjs results.jsonl "a = main" "b = orm-experiment"
import { readFileSync } from 'node:fs';

const [file, ...legend] = process.argv.slice(2);
const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
const builds = [...new Set(lines.map((line) => line.build))].sort();

function values(filter, field) {
  return lines.filter(filter).map((line) => line[field]).filter((value) => typeof value === 'number')
    .sort((a, b) => a - b);
}

function cell(sorted) {
  if (sorted.length === 0) {
    return '–';
  }
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  return sorted.length === 1 ? `${median}` : `${median} (${sorted[0]}–${sorted[sorted.length - 1]})`;
}

console.log(legend.join(', ') + `; rounds: ${Math.max(...lines.map((line) => line.round))}; median (min–max)\n`);
console.log(`| figure | ${builds.join(' | ')} |`);
console.log(`|---|${builds.map(() => '---').join('|')}|`);
for (const field of ['ready_ms', 'quarkus_started_s', 'rss_ready_mb', 'rss_loaded_mb', 'rss_peak_mb', 'pg_connections']) {
  console.log(`| ${field} | ${builds.map((build) => cell(values((l) => l.build === build, field))).join(' | ')} |`);
}
for (const concurrency of [1, 16]) {
  console.log(`\nconcurrency ${concurrency}, milliseconds\n`);
  console.log(`| operation | ${builds.map((build) => `${build} p50 | ${build} p99`).join(' | ')} |`);
  console.log(`|---|${builds.map(() => '---|---').join('|')}|`);
  for (const op of ['create', 'list', 'update', 'rotate', 'delete']) {
    const row = builds.map((build) => {
      const same = (l) => l.build === build && l.concurrency === concurrency && l.op === op;
      return `${cell(values(same, 'p50'))} | ${cell(values(same, 'p99'))}`;
    });
    console.log(`| ${op} | ${row.join(' | ')} |`);
  }
  const rps = builds.map((build) => cell(values((l) => l.build === build && l.concurrency === concurrency
      && l.op === 'all', 'rps')));
  console.log(`| requests/s (all operations) | ${rps.map((value) => `${value} | –`).join(' | ')} |`);
}
