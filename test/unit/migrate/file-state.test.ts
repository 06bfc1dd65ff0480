import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { createFileClusterState } from '../../../src/migrate/file-state.js';
import { parseApiPin } from '../../../src/cluster/index.js';
import { NotFoundError } from '../../../src/errors.js';
import { fixture } from './helpers.js';

const NEW_CID = 'QmSnuWmxptJZdLJpKRarxBMS2Ju2oANVrgbr2xWLbtEKQR';
const newPin = () => parseApiPin({ cid: NEW_CID, type: 'pin', max_depth: -1 });

describe('an export file as a ClusterState', () => {
  it('lists the valid pins in file order and counts the unreadable records', async () => {
    const state = createFileClusterState(fixture('migrate/mixed-export.json'));
    const cids: string[] = [];
    for await (const p of state.list()) cids.push(p.spec.cid);
    expect(cids).toHaveLength(7);
    expect(cids[0]).toBe('QmbrCtydGyPeHiLURSPMqrvE5mCgMCwFYq3UD4XLCeAYw6');
    expect(state.unreadable).toBe(3);
    expect(state.ordered).toBe(true);
  });

  it('get/has through an index, also for objects sharing a line; missing → NotFoundError', async () => {
    const state = createFileClusterState(fixture('migrate/mixed-export.json'));
    expect((await state.get('QmPZ9gcCEpqKTo6aq61g2nXGUhM4iCL3ewB6LDXZCtioEB')).spec.pinType).toBe('clusterdag-pin');
    expect((await state.get('QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG')).spec.pinType).toBe('meta-pin');
    expect((await state.get('bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi')).spec.name).toBe('pretty-printed');
    expect(await state.has('QmSnuWmxptJZdLJpKRarxBMS2Ju2oANVrgbr2xWLbtEKQR')).toBe(false);
    await expect(state.get(NEW_CID)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('add and rm go to an in-memory overlay; the file is never written', async () => {
    const state = createFileClusterState(fixture('cluster/export-v1.ndjson'));
    await state.add(newPin());
    await state.rm('QmbrCtydGyPeHiLURSPMqrvE5mCgMCwFYq3UD4XLCeAYw6');
    await state.rm(NEW_CID);
    await state.add(newPin());
    expect(await state.has('QmbrCtydGyPeHiLURSPMqrvE5mCgMCwFYq3UD4XLCeAYw6')).toBe(false);
    expect((await state.get(NEW_CID)).spec.cid).toBe(NEW_CID);
    const lines: string[] = [];
    expect(await state.marshal({ write: (l: string) => lines.push(l) })).toBe(8);
    expect(lines.at(-1)).toContain(NEW_CID);
    await expect(createFileClusterState(fixture('cluster/export-v1.ndjson')).has(NEW_CID)).resolves.toBe(false);
  });

  it('unmarshal adds to the overlay', async () => {
    const state = createFileClusterState(fixture('cluster/export-pre-1.0.json'));
    const report = await state.unmarshal(Readable.from([`{"cid":"${NEW_CID}","type":"pin","max_depth":-1}\n{"cid":1}`]));
    expect(report.added).toBe(1);
    expect(report.errors).toHaveLength(1);
    expect(await state.has(NEW_CID)).toBe(true);
  });
});
