import { type FieldProblem, ValidationError } from '../errors.js';

/** Collects input problems, then throws them all at once as one ValidationError. */
export class Problems {
  private readonly list: FieldProblem[] = [];

  add(path: string[], message: string): this {
    this.list.push({ path, message });
    return this;
  }

  /** Checks `value` is a trimmed string of `min`..`max` characters; returns it trimmed. */
  text(path: string[], value: string, min: number, max: number): string {
    const trimmed = value.trim();
    if (trimmed.length < min || trimmed.length > max) {
      this.add(
        path,
        min > 0 ? `must be ${min} to ${max} characters` : `must be at most ${max} characters`,
      );
    }
    return trimmed;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new ValidationError(this.list);
  }
}
