// `${file(./migrations.cjs):names}`: the migration files, so the custom resource's properties
// change (and CloudFormation calls the function again) exactly when a migration is added.
'use strict';
const { readdirSync } = require('node:fs');
const { join } = require('node:path');

module.exports.names = () =>
  readdirSync(join(__dirname, '..', '..', 'packages', 'db', 'src', 'migrations'))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.replace(/\.ts$/, ''))
    .sort()
    .join(',');
