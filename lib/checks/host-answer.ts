/**
 * The answer of a server-only reference (`*.host.ts`). On the server it is always there; in the
 * browser's Run the module is a stub that answers only the calls recorded from the solution's
 * visible run (app/_run/host-calls.ts), so for other arguments the check cannot go on there.
 */
import { CheckFailure } from "./failure.ts";
import { en } from "../messages/text.ts";

export function hostAnswer<T>(value: T | undefined): T {
  if (value === undefined) throw new CheckFailure(en`Run has no expected values for this case (they come from the server's reference): Submit to have it checked.`);
  return value;
}
