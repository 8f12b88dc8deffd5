// Concurrent conditional writes of one item: one winner per version, no lost update.
import { apiEvent, invoke, startTestDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { handler as createProject } from '../src/handlers/projects/create.js';
import { handler as getProject } from '../src/handlers/projects/get.js';
import { handler as updateProject } from '../src/handlers/projects/update.js';
import { handler as createTask } from '../src/handlers/tasks/create.js';
import { handler as getTask } from '../src/handlers/tasks/get.js';
import { handler as updateTask } from '../src/handlers/tasks/update.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase({ exportEnvironment: true });
});
afterAll(async () => db.stop());

describe('concurrent writers of one item', () => {
  it('20 writers with If-Match of one version: exactly one 200, nineteen 412', async () => {
    // Prepare
    const project = (await invoke(createProject, apiEvent('createProject', { body: { name: 'Contended' } }))).body;
    const p = { projectId: project.id };

    // Act
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        invoke(updateProject, apiEvent('updateProject', { params: p, headers: { 'if-match': '"1"' }, body: { name: `writer ${i}` } })),
      ),
    );

    // Assess
    const winners = replies.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(replies.filter((r) => r.status === 412)).toHaveLength(19);
    const final = await invoke(getProject, apiEvent('getProject', { params: p }));
    expect(final.body).toMatchObject({ version: 2, name: winners[0]!.body.name });
  });

  it('loses no update when each writer reads, changes and writes back with If-Match, retrying on 412', async () => {
    // Prepare: 8 writers each add their mark to one task's description
    const project = (await invoke(createProject, apiEvent('createProject', { body: { name: 'Counters' } }))).body;
    const task = (
      await invoke(createTask, apiEvent('createTask', { params: { projectId: project.id }, body: { title: 't', description: '' } }))
    ).body;
    const params = { projectId: project.id, taskId: task.id };
    const writer = async (mark: string) => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const current = await invoke(getTask, apiEvent('getTask', { params }));
        const reply = await invoke(
          updateTask,
          apiEvent('updateTask', {
            params,
            headers: { 'if-match': current.headers.etag! },
            body: { description: `${current.body.description ?? ''}[${mark}]` },
          }),
        );
        if (reply.status === 200) return attempt;
        expect(reply.status).toBe(412);
      }
      throw new Error(`writer ${mark} never won`);
    };

    // Act
    const marks = Array.from({ length: 8 }, (_, i) => `w${i}`);
    await Promise.all(marks.map(writer));

    // Assess: every writer's mark is there, once; one version per successful write
    const final = await invoke(getTask, apiEvent('getTask', { params }));
    expect(final.body.version).toBe(1 + marks.length);
    for (const mark of marks) expect(final.body.description.split(`[${mark}]`)).toHaveLength(2);
  });
});
