// Writes an ODK Central submissions CSV with central-backend's own export code
// (lib/data/schema.js getFormFields + lib/data/briefcase.js streamBriefcaseCsvs, rootOnly),
// exactly as GET /v1/projects/…/forms/…/submissions.csv does.
// Usage: node central_export.js CENTRAL_BACKEND_DIR SPEC.json OUT.csv
// SPEC: {xform, xmlFormId, groupPaths, splitSelectMultiples, rows: [{instanceId, createdAt,
//        xml, submitter, reviewState, deviceId, edits, formVersion}]}
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { Readable } = require('node:stream');

const [central, specPath, outPath] = process.argv.slice(2);
const { getFormFields } = require(path.join(central, 'lib/data/schema'));
const { streamBriefcaseCsvs } = require(path.join(central, 'lib/data/briefcase'));

// The fields as Forms.getFields returns them (central-backend's test/util/schema.js MockField).
class Field {
  constructor(data) { Object.assign(this, data); }
  with(other) { return new Field(Object.assign({}, this, other)); }
  isStructural() { return (this.type === 'structure') || (this.type === 'repeat'); }
}

// What Submissions.getSelectMultipleValuesForExport selects from form_field_values: the
// distinct values chosen in the current versions, by field path, sorted.
const selectValues = (fields, rows) => {
  const out = {};
  for (const field of fields.filter((f) => f.selectMultiple === true)) {
    const name = field.path.split('/').pop();
    const values = new Set();
    for (const row of rows) {
      const m = row.xml.match(new RegExp(`<${name}>([^<]*)</${name}>`));
      if (m) for (const v of m[1].split(' ').filter(Boolean)) values.add(v);
    }
    if (values.size) out[field.path] = [...values].sort();
  }
  return out;
};

(async () => {
  const spec = JSON.parse(fs.readFileSync(specPath, 'utf8'));
  const xml = fs.readFileSync(spec.xform, 'utf8');
  const fields = (await getFormFields(xml)).map((f) => new Field(f));
  const rows = spec.rows.map((r) => ({
    instanceId: r.instanceId,
    createdAt: new Date(r.createdAt),
    reviewState: r.reviewState ?? null,
    deviceId: r.deviceId ?? null,
    def: {},
    xml: r.xml,
    aux: {
      attachment: { present: 0, expected: 0 },
      encryption: {},
      edit: { count: r.edits ?? 0 },
      exports: { formVersion: r.formVersion ?? '1' },
      submitter: r.submitter ?? null,
    },
  }));
  const split = spec.splitSelectMultiples ? selectValues(fields, spec.rows) : null;
  const csv = streamBriefcaseCsvs(Readable.from(rows), fields, spec.xmlFormId, split, null,
    true, { groupPaths: spec.groupPaths });
  csv.with(fs.createWriteStream(outPath)).pipeline((err) => {
    if (err) { console.error(err); process.exit(1); }
  });
})();
