import { userInfo } from 'node:os';

/** Who runs this command, for `triggered_by` and audit trails; `userInfo` throws for a uid without a passwd entry (containers). */
export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
