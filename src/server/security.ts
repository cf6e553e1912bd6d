/**
 * Request guards of the workspace server.
 * - Token: any host other than loopback requires one (Authorization: Bearer … or ?token=).
 * - Host header (DNS rebinding): a page on evil.example that re-resolves its name to 127.0.0.1
 *   reaches this server with `Host: evil.example:PORT`; only the bound host, loopback names and
 *   hosts named with --allowed-host are answered (421 otherwise). With a token (required off
 *   loopback) the token is the guard — a rebinding page does not have it — so any Host passes.
 * - Origin (cross-site requests): a state-changing request (POST, PUT, PATCH, DELETE) whose
 *   Origin or Sec-Fetch-Site says it comes from another site is refused (403). Requests without
 *   these headers (curl, scripts) pass — the token rule still applies off-localhost.
 */
import type { FastifyReply, FastifyRequest } from "fastify";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

export function isLocalHost(host: string): boolean {
  return LOOPBACK.has(host);
}

/** host name of a Host header or URL authority, lower-case, without port */
export function hostName(authority: string): string {
  const a = authority.trim().toLowerCase();
  if (a.startsWith("[")) return a.slice(0, a.indexOf("]") + 1);
  return a.split(":")[0];
}

export interface GuardOptions {
  bindHost: string;
  token?: string;
  allowedHosts?: string[];
}

export function allowedHostNames(o: GuardOptions): Set<string> {
  const names = new Set<string>([...LOOPBACK, hostName(o.bindHost), ...(o.allowedHosts ?? []).map(hostName)]);
  if (o.bindHost.includes(":") && !o.bindHost.startsWith("[")) names.add(`[${o.bindHost.toLowerCase()}]`);
  return names;
}

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function makeGuard(o: GuardOptions) {
  const hosts = allowedHostNames(o);
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const host = req.headers.host;
    if (!o.token && (!host || !hosts.has(hostName(host)))) {
      await reply.code(421).send({
        error: `unknown Host header ${JSON.stringify(host ?? "")}: this server answers ${[...hosts].join(", ")} (use --allowed-host to add one)`,
      });
      return;
    }
    if (STATE_CHANGING.has(req.method)) {
      const origin = req.headers.origin;
      const site = req.headers["sec-fetch-site"];
      let foreign = site === "cross-site";
      if (origin !== undefined) {
        try {
          foreign ||= origin === "null" || !hosts.has(hostName(new URL(origin).host));
        } catch {
          foreign = true;
        }
      }
      if (foreign) {
        await reply.code(403).send({
          error: "cross-origin request refused: state-changing requests must come from the workspace itself",
        });
        return;
      }
    }
    if (o.token) {
      const q = req.query as Record<string, string> | undefined;
      const bearer = req.headers.authorization?.replace(/^Bearer\s+/i, "");
      if (bearer !== o.token && q?.token !== o.token)
        await reply.code(401).send({ error: "missing or wrong token" });
    }
  };
}
