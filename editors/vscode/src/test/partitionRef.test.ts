// Ref validation in the "Build partition…" input box.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refShapeError } from '../partitionRef';

test('well-formed refs pass', () => {
  for (const ref of [
    'event_totals',
    'clean_events/date=2024-01-03/region=us',
    'monthly_actives/month=2024-01/',
    'hourly/hour=2024-01-01T05',
    'names/name=a%20b',
    'clean_events/date=2024-03-01..2024-03-07/region=*',
    '  counts/n=-3  ',
  ]) {
    assert.equal(refShapeError(ref), undefined, ref);
  }
});

test('malformed refs are explained', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /Enter a partition ref/],
    ['3d/date=2024-01-01', /"3d" is not a dataset name/],
    ['clean_events/date', /"date" is not KEY=VALUE/],
    ['clean_events/da-te=1', /"da-te" is not a key name/],
    ['clean_events/date=', /key "date" has no value/],
    ['clean_events/date=1/date=2', /key "date" is given twice/],
    ['clean_events//date=1', /"" is not KEY=VALUE/],
    ['clean_events/date=2024-01-01..', /a range is written FIRST\.\.LAST/],
    ['clean_events/date=1..2..3', /a range is written FIRST\.\.LAST/],
    ['names/name=a\\b', /may not contain/],
    ['names/name=a\tb', /may not contain/],
  ];
  for (const [ref, message] of cases) assert.match(refShapeError(ref) ?? 'passed', message, ref);
});
