export function createInFlight() {
    let count = 0;
    let waiters = [];
    const done = () => {
        count -= 1;
        if (count > 0)
            return;
        for (const wake of waiters)
            wake();
        waiters = [];
    };
    return {
        track(handle) {
            count += 1;
            let result;
            try {
                result = handle();
            }
            catch (error) {
                done();
                throw error;
            }
            if (typeof result?.then === 'function') {
                Promise.resolve(result).then(done, done);
            }
            else {
                done();
            }
        },
        get count() {
            return count;
        },
        idle() {
            if (count === 0)
                return Promise.resolve();
            return new Promise((resolve) => waiters.push(resolve));
        },
    };
}
