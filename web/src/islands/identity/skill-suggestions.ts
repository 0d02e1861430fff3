// Autocomplete lookups for skill tags: debounced while the member types, and an older request is
// aborted when a newer one starts, so suggestions never arrive out of order.
import type { SkillView } from '../../../../read-models/skill-catalogue/views.ts';
import { request } from './request.ts';

export type Suggestion = SkillView;

export function skillSuggester(onResult: (query: string, items: Suggestion[]) => void, delayMs = 200) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;

  const cancel = () => {
    clearTimeout(timer);
    controller?.abort();
  };

  const lookup = (query: string) => {
    cancel();
    if (!query) return;
    timer = setTimeout(async () => {
      controller = new AbortController();
      try {
        const res = await request<{ items: Suggestion[] }>(
          `/api/skills?q=${encodeURIComponent(query)}&limit=8`,
          {
            signal: controller.signal,
          },
        );
        if (res.ok && Array.isArray(res.data.items)) onResult(query, res.data.items);
      } catch {
        // Aborted because the member kept typing: a newer lookup is on its way.
      }
    }, delayMs);
  };

  return { lookup, cancel };
}
