/**
 * Imported first by every entry that loads tfjs: production mode, so tfjs prints no banner or debug
 * warnings into the CLI's output (stdout stays one JSON document with --json).
 */
import { env } from '@tensorflow/tfjs-core';

env().set('PROD', true);
