/** How long a lease lives without renewal. */
export const WORKER_LEASE_TTL_SECONDS = 60;
/**
 * Leases the lowest free Snowflake worker id in `snowflake_worker` for `holder` and renews it
 * every third of its lifetime, so that no two running processes share an id. An expired lease
 * (a process that died) is taken over. Fails when all 1024 ids are held, or when a renewal
 * finds the lease gone (then ids could collide: `onLost` should stop the process).
 */
export async function leaseWorkerId(pool, holder, onLost) {
    const ttl = `${WORKER_LEASE_TTL_SECONDS} seconds`;
    for (let attempt = 0; attempt < 20; attempt++) {
        const { rows } = await pool.query(`INSERT INTO snowflake_worker (worker_id, holder, expires_at)
       SELECT g, $1, now() + $2::interval FROM generate_series(0, 1023) AS g
       WHERE NOT EXISTS (SELECT 1 FROM snowflake_worker w WHERE w.worker_id = g AND w.expires_at > now())
       ORDER BY g LIMIT 1
       ON CONFLICT (worker_id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
         WHERE snowflake_worker.expires_at <= now()
       RETURNING worker_id`, [holder, ttl]);
        const workerId = rows[0]?.worker_id;
        if (workerId === undefined)
            continue; // another process took it between our read and write
        const timer = setInterval(() => {
            pool
                .query('UPDATE snowflake_worker SET expires_at = now() + $3::interval WHERE worker_id = $1 AND holder = $2', [workerId, holder, ttl])
                .then((result) => {
                if (result.rowCount === 0)
                    onLost(new Error(`lost the lease on Snowflake worker id ${workerId}`));
            })
                .catch(() => undefined); // a missed renewal is retried; the lease outlives two misses
        }, (WORKER_LEASE_TTL_SECONDS * 1000) / 3);
        timer.unref();
        return {
            workerId,
            async release() {
                clearInterval(timer);
                await pool.query('DELETE FROM snowflake_worker WHERE worker_id = $1 AND holder = $2', [
                    workerId,
                    holder,
                ]);
            },
        };
    }
    throw new Error('no free Snowflake worker id: 1024 processes hold leases');
}
