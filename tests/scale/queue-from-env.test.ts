// Choosing the grading queue at start-up: GRADLAB_QUEUE_URL (or --queue) names PostgreSQL, or nothing.
import { afterEach, describe, expect, it } from "vitest";
import { catalogueHash, instanceName, queueUrl } from "../../grader/queue/queue-from-env.ts";

describe("queue from the environment", () => {
  const saved = process.env.GRADLAB_QUEUE_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.GRADLAB_QUEUE_URL;
    else process.env.GRADLAB_QUEUE_URL = saved;
  });

  it("no URL: the SQLite queue (the embedded default); a PostgreSQL URL: pg-boss; --queue wins over the environment", () => {
    delete process.env.GRADLAB_QUEUE_URL;
    expect(queueUrl()).toBeUndefined();
    process.env.GRADLAB_QUEUE_URL = " ";
    expect(queueUrl()).toBeUndefined();
    process.env.GRADLAB_QUEUE_URL = "postgres://gradlab@db/gradlab";
    expect(queueUrl()).toBe("postgres://gradlab@db/gradlab");
    expect(queueUrl("postgresql://other@db2/x")).toBe("postgresql://other@db2/x");
  });

  it("anything else is refused with what to write instead, without echoing the password", () => {
    expect(() => queueUrl("mysql://u:hunter2@db/x")).toThrow(/must be a PostgreSQL URL \(postgres:\/\/user:password@host:5432\/database\), not 'mysql:\/\/u:\*\*\*@db\/x'/);
  });

  it("workers name themselves with host, GradLab version and a hash of their exercises' versions", () => {
    expect(catalogueHash(["b", "a"])).toBe(catalogueHash(["a", "b"]));
    expect(catalogueHash(["a"])).not.toBe(catalogueHash(["a", "b"]));
    expect(instanceName("worker", ["a"])).toMatch(/^worker \S+:\d+ gradlab-\d+\.\d+\.\d+ exercises-[0-9a-f]{10}$/);
  });
});
