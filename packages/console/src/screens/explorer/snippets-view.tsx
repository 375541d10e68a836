import { useState } from 'preact/hooks';
import type { Session } from '../../app/session.js';
import type { Site } from '../../app/site.js';
import { snippets } from './snippets.js';

/** The query as curl, bbk and SDK code, each with a copy button. */
export function Snippets(props: {
  query: string;
  page: { limit: number; offset: number };
  site: Site;
  session: Session;
}) {
  const [tab, setTab] = useState<'curl' | 'bbk' | 'sdk'>('curl');
  const [copied, setCopied] = useState(false);
  let all: ReturnType<typeof snippets>;
  try {
    all = snippets(props.query || '{}', props.page, props.site.consumer, props.session);
  } catch {
    return null;
  }
  const text = all[tab];
  return (
    <div class="card snippets" data-testid="snippets">
      <div class="row">
        {(['curl', 'bbk', 'sdk'] as const).map((t) => (
          <button key={t} type="button" class={tab === t ? 'chip active' : 'chip'} onClick={() => setTab(t)}>
            {t === 'sdk' ? 'SDK' : t}
          </button>
        ))}
        <button
          type="button"
          class="quiet"
          onClick={() =>
            navigator.clipboard.writeText(text).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <pre data-testid={`snippet-${tab}`}>{text}</pre>
    </div>
  );
}
