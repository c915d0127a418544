import DataLoader from 'dataloader';
import type { Histogram } from 'prom-client';
import { dataloaderBatchSize } from '../metrics.js';
import { ATTR_DATALOADER_BATCH_SIZE, ATTR_DATALOADER_NAME, withSpan } from '../tracing.js';

// Loaders are built per request, their names are few: the labelled histogram and the span name
// are resolved once per name, not once per request.
const instruments = new Map<
  string,
  { histogram: Histogram.Internal<'loader'>; spanName: string }
>();
function instrumentsOf(name: string) {
  let found = instruments.get(name);
  if (!found) {
    found = { histogram: dataloaderBatchSize.labels(name), spanName: `DataLoader batch ${name}` };
    instruments.set(name, found);
  }
  return found;
}

/**
 * A DataLoader whose every batch is observed: one "DataLoader batch <name>" span (its SQL
 * statements nest under it) and one sample of dataloader_batch_size{loader="<name>"}. Every
 * loader of src/loaders/ is built through here; `name` must come from a fixed set (it is a
 * metric label), never from input.
 */
export function createLoader<K, V, C = K>(
  name: string,
  batch: DataLoader.BatchLoadFn<K, V>,
  options?: DataLoader.Options<K, V, C>,
): DataLoader<K, V, C> {
  const { histogram, spanName } = instrumentsOf(name);
  return new DataLoader<K, V, C>((keys) => {
    histogram.observe(keys.length);
    return withSpan(
      spanName,
      { [ATTR_DATALOADER_NAME]: name, [ATTR_DATALOADER_BATCH_SIZE]: keys.length },
      () => Promise.resolve(batch(keys)),
    );
  }, options);
}
