/**
 * `gradlab lti ...`: LMS platforms and GradLab's LTI key (server/lti/, docs/lti.md).
 *   gradlab lti add-platform --issuer URL --client-id ID --auth-endpoint URL --token-endpoint URL --jwks-url URL --deployment ID [--deployment ID...]
 *   gradlab lti platforms
 *   gradlab lti rotate-key [--grace-days N]
 */
import type { Command } from "commander";

function fail(message: string): never {
  process.stderr.write(`gradlab: ${message}\n`);
  process.exit(2);
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerLtiCommands(program: Command): void {
  const lti = program.command("lti").description("LTI 1.3: LMS platforms and GradLab's signing key");
  lti
    .command("add-platform")
    .description("register an LMS platform (or add deployments to one already registered with this issuer and client id)")
    .requiredOption("--issuer <url>", "the platform's issuer (iss), e.g. https://canvas.instructure.com")
    .requiredOption("--client-id <id>", "the client id the platform gave GradLab")
    .requiredOption("--auth-endpoint <url>", "the platform's OIDC authentication endpoint")
    .requiredOption("--token-endpoint <url>", "the platform's OAuth2 access-token endpoint")
    .requiredOption("--jwks-url <url>", "the platform's public keys (JWKS)")
    .requiredOption("--deployment <id>", "a deployment id (repeat for several)", collect, [] as string[])
    .action(async (o: { issuer: string; clientId: string; authEndpoint: string; tokenEndpoint: string; jwksUrl: string; deployment: string[] }) => {
      const { openDb } = await import("../db/client.ts");
      const { registerPlatform } = await import("../server/lti/platforms.ts");
      const { LtiError } = await import("../server/lti/errors.ts");
      try {
        const p = registerPlatform(openDb(), { issuer: o.issuer, clientId: o.clientId, authEndpoint: o.authEndpoint, tokenEndpoint: o.tokenEndpoint, jwksUrl: o.jwksUrl, deploymentIds: o.deployment });
        process.stdout.write(`registered ${p.issuer} (client ${p.clientId}), deployments: ${p.deploymentIds.join(", ")}\n`);
      } catch (e) {
        if (e instanceof LtiError) fail(e.message);
        throw e;
      }
    });
  lti
    .command("platforms")
    .description("list the registered platforms")
    .action(async () => {
      const { openDb } = await import("../db/client.ts");
      const { listPlatforms } = await import("../server/lti/platforms.ts");
      for (const p of listPlatforms(openDb())) process.stdout.write(`${p.issuer}\t${p.clientId}\t${p.deploymentIds.join(",")}\t${p.jwksUrl}\n`);
    });
  lti
    .command("rotate-key")
    .description("make a new signing key; the old one stays in GradLab's JWKS for the grace period")
    .option("--grace-days <n>", "days the old key stays published", "7")
    .action(async (o: { graceDays: string }) => {
      const { openDb } = await import("../db/client.ts");
      const { rotateKey } = await import("../server/lti/keys.ts");
      const days = Number(o.graceDays);
      if (!Number.isFinite(days) || days < 0) fail("--grace-days must be a number of days >= 0");
      const r = await rotateKey(openDb(), days);
      process.stdout.write(`new key ${r.kid}${r.retired.length ? `; retired ${r.retired.join(", ")} (published ${days} more day${days === 1 ? "" : "s"})` : ""}\n`);
    });
}
