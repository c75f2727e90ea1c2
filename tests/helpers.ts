/** Shared helpers for integration tests. */
import { loadCatalogue, type Catalogue, type Exercise } from "../grader/exercises.ts";

let catalogue: Promise<Catalogue> | undefined;

export function testCatalogue(): Promise<Catalogue> {
  catalogue ??= loadCatalogue();
  return catalogue;
}

export async function exercise(id: string): Promise<Exercise> {
  const cat = await testCatalogue();
  const ex = cat.exercises.find((e) => e.id === id);
  if (!ex) throw new Error(`test exercise ${id} not found; problems: ${JSON.stringify(cat.problems)}`);
  return ex;
}
