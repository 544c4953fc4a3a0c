// Agreement figures of reliability data read as JSON on stdin, written as JSON to stdout: the
// Python suite (clients/python/tests/test_agreement_reference.py) compares them with the
// `krippendorff` and `statsmodels` packages.
// Input: {"cases": [{"metric": "nominal"|"ordinal"|"interval", "units": [[v, ...], ...],
//          "order"?: [v, ...], "pairs"?: [[a, b], ...]}, ...]}
// Output: [{"krippendorff_alpha", "fleiss_kappa", "cohen_kappa"}, ...] (null where undefined).
import {
  cohenKappa,
  fleissKappa,
  krippendorffAlpha,
  type AlphaMetric,
  type RatingValue,
} from '../src/review/agreement.js';

interface Case {
  metric: AlphaMetric;
  units: RatingValue[][];
  order?: RatingValue[];
  pairs?: [RatingValue, RatingValue][];
}

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const { cases } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { cases: Case[] };
const figures = cases.map((c) => ({
  krippendorff_alpha: krippendorffAlpha(c.units, c.metric, c.order),
  fleiss_kappa: fleissKappa(c.units),
  cohen_kappa: c.pairs ? cohenKappa(c.pairs) : null,
}));
process.stdout.write(`${JSON.stringify(figures)}\n`);
