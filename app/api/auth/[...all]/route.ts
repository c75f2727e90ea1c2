// better-auth's endpoints (sign-in, sign-out, session) under /api/auth/*.
import { backend } from "../../../_lib/backend.ts";

export const dynamic = "force-dynamic";

export async function GET(req: Request): Promise<Response> {
  return (await backend()).auth.handler(req);
}

export async function POST(req: Request): Promise<Response> {
  return (await backend()).auth.handler(req);
}
