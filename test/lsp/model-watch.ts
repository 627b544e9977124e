// Waiting for the server's workspace model in tests of features that read it (preview, explain, code
// lenses): the server sends `tenantPolicy/modelChanged` after every rebuild, and these helpers wait on
// those notifications (never on timers) until the model answers.
import { ModelChangedNotification, PreviewRequest, type ModelChangedParams, type PreviewParams, type PreviewResult } from '../../server/src/protocol';
import { within, type TestClient } from './client';

export class ModelWatch {
  readonly all: ModelChangedParams[] = [];
  private waiters: { from: number; resolve: (p: ModelChangedParams) => void }[] = [];

  constructor(readonly client: TestClient) {
    client.connection.onNotification(ModelChangedNotification.type, (p) => {
      this.all.push(p);
      const ready = this.waiters.filter((w) => this.all.length > w.from);
      this.waiters = this.waiters.filter((w) => this.all.length <= w.from);
      for (const w of ready) w.resolve(p);
    });
  }

  /** A notification received after the first `from` ones (already, or the next). */
  after(from: number, what = 'a model rebuild'): Promise<ModelChangedParams> {
    if (this.all.length > from) return Promise.resolve(this.all[this.all.length - 1]);
    return within(new Promise((resolve) => this.waiters.push({ from, resolve })), what);
  }

  /** The preview once the document's model is built: asks again after each rebuild until it is `ready`. */
  async preview(params: PreviewParams): Promise<PreviewResult> {
    for (;;) {
      const seen = this.all.length;
      const r = await this.client.request<PreviewResult>(PreviewRequest.method, params);
      if (r.state === 'ready') return r;
      await this.after(seen, `the model of ${params.uri}`);
    }
  }

  /** After an edit: the first preview from a build newer than `stamp`. */
  async previewAfter(stamp: number, params: PreviewParams): Promise<PreviewResult> {
    for (;;) {
      const seen = this.all.length;
      const r = await this.preview(params);
      if (r.stamp > stamp) return r;
      await this.after(seen, `a model newer than ${stamp}`);
    }
  }
}
