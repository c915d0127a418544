export const systemClock = { now: () => new Date() };
/** A clock that only moves when told to: tests control time instead of sleeping. */
export class ManualClock {
    current;
    constructor(current = new Date('2026-01-15T10:00:00.000Z')) {
        this.current = current;
    }
    now() {
        return new Date(this.current);
    }
    advance(ms) {
        this.current = new Date(this.current.getTime() + ms);
    }
}
