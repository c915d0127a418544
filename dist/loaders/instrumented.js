import DataLoader from 'dataloader';
import { dataloaderBatchSize } from '../metrics.js';
import { ATTR_DATALOADER_BATCH_SIZE, ATTR_DATALOADER_NAME, withSpan } from '../tracing.js';
/**
 * A DataLoader whose every batch is observed: one "DataLoader batch <name>" span (its SQL
 * statements nest under it) and one sample of dataloader_batch_size{loader="<name>"}. Every
 * loader of src/loaders/ is built through here; `name` must come from a fixed set (it is a
 * metric label), never from input.
 */
export function createLoader(name, batch, options) {
    const histogram = dataloaderBatchSize.labels(name);
    const spanName = `DataLoader batch ${name}`;
    return new DataLoader((keys) => {
        histogram.observe(keys.length);
        return withSpan(spanName, { [ATTR_DATALOADER_NAME]: name, [ATTR_DATALOADER_BATCH_SIZE]: keys.length }, () => Promise.resolve(batch(keys)));
    }, options);
}
