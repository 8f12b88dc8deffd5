// The one rule for "is this DynamoDB endpoint on this machine?", and the credentials requests to
// such an endpoint are signed with. The data layer's client, the local event-source mapping
// (packages/local-streams) and npm start (scripts/start.ts) all read it here: a subpath export
// of @app/data (`@app/data/local-endpoint`) that imports nothing, so local tooling can use it
// without loading the data layer, and deployable code never depends on local tooling.

const LOOPBACK_IPV4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * Any signature passes at a local endpoint, so its requests are signed with these fixed
 * credentials: real ones are never needed, and never sent. One fixed key also keeps DynamoDB
 * Local (which keeps one database per access key) on one database. Give a client a copy: the
 * SDK marks the credentials object it is given.
 */
export const LOCAL_CREDENTIALS: { readonly accessKeyId: string; readonly secretAccessKey: string } = {
  accessKeyId: 'local',
  secretAccessKey: 'local',
};

/** A loopback endpoint (the embedded DynamoDB, DynamoDB Local, LocalStack on this machine), by its host name alone. */
export function isLocalEndpoint(endpoint: string | undefined): boolean {
  if (!endpoint || !URL.canParse(endpoint)) return false;
  const { protocol, hostname } = new URL(endpoint);
  return (
    (protocol === 'http:' || protocol === 'https:') && (hostname === 'localhost' || hostname === '[::1]' || LOOPBACK_IPV4.test(hostname))
  );
}
