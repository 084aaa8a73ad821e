#!/usr/bin/env node
/** `node scripts/make_fixtures.mjs DIR`: writes the test fixtures (see fixtures.mjs) into DIR. */
import { resolve } from 'node:path';
import { makeFixtures } from './fixtures.mjs';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/make_fixtures.mjs DIR');
  process.exit(2);
}
const paths = await makeFixtures(resolve(dir));
console.log(JSON.stringify(paths, null, 2));
